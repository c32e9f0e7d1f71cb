// Public surface of the containers module (see docs/kubernetes.md and fields.ts's contract).
export * from './types.js';
export * from './cgroup.js';
export { ContainerManager, type ContainerManagerOptions, type ContainerManagerStats, type LookupState } from './manager.js';
export { makeContainerFields, containerRefOf, type ContainerFieldAccess } from './fields.js';
export * from './scap-json.js';
export type { MetadataEngine, FetchResult, FetchFailure } from './engine.js';
export { containerConfigFromPlugins, type ContainerConfig } from './config.js';
export { registerContainerMetrics } from './metrics.js';
