// Engine and plugin version checks for `required_engine_version` / `required_plugin_versions`.
import type { Semver } from './types.js';

/**
 * The rules-language level kestrel implements, expressed as Falco's engine version so that
 * upstream rules files (which require e.g. 0.57.0) load. Falco 0.44.1's engine is 0.63.0.
 */
export const ENGINE_VERSION: Semver = { major: 0, minor: 63, patch: 0 };

/**
 * What kestrel provides built in in place of Falco plugins: the container plugin's fields
 * (container.*, k8s.* pod fields) come from src/state. Keep in sync with the container fields.
 */
export const BUILTIN_PLUGINS: ReadonlyMap<string, Semver> = new Map([
  ['container', { major: 0, minor: 6, patch: 0 }],
]);

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/;

export function parseSemver(s: string): Semver | null {
  const m = SEMVER.exec(s.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function semverString(v: Semver): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** sinsp_version::compatible_with: same major, and at least the required minor.patch. */
export function compatibleWith(have: Semver, required: Semver): boolean {
  if (have.major !== required.major) return false;
  if (have.minor !== required.minor) return have.minor > required.minor;
  return have.patch >= required.patch;
}
