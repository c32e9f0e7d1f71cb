// Configuration of the container metadata sources. kestrel reads the same place Falco's
// container plugin is configured (falco.yaml `plugins:` entry named "container", its
// `init_config`), so an existing Falco configuration carries over; kestrel's own tuning keys
// sit next to Falco's in the same `init_config`. Container support is built into kestrel: with
// no such entry every engine is on with its default sockets. See docs/kubernetes.md.
//
//   plugins:
//     - name: container
//       init_config:
//         label_max_len: 100
//         engines:
//           docker:     { enabled: true, sockets: [/var/run/docker.sock] }
//           podman:     { enabled: true, sockets: [/run/podman/podman.sock] }
//           containerd: { enabled: true, sockets: [/run/containerd/containerd.sock] }
//           cri:        { enabled: true, sockets: [/run/containerd/containerd.sock, /run/crio/crio.sock] }
//         host_root: ""                       # kestrel: prefix of every default path
//         containerd_state_dir: /run/containerd
//         containerd_namespaces: [default, k8s.io]
//         request_timeout_ms: 1000
//         max_response_bytes: 4194304
//         max_entries: 4096
//         retry_after_ms: 5000
//         max_attempts: 3
//         alert_wait_ms: 500                  # bounded wait for metadata before an alert is emitted
//         running_container_events: true      # containers running at start raise evt.type = container

import type { ContainerManagerOptions } from './manager.js';

export interface ContainerConfig {
  options: ContainerManagerOptions;
  /** How long detection may wait for a container's metadata before emitting an alert (ms). */
  alertWaitMs: number;
  /** Problems, each naming the key ("plugins[container].init_config.engines.cri.sockets: ..."). */
  errors: string[];
}

const ENGINE_KEYS = ['docker', 'podman', 'containerd', 'cri', 'lxc', 'libvirt_lxc', 'bpm'] as const;
const KNOWN_KEYS = new Set([
  'label_max_len', 'with_size', 'engines', 'hooks', 'host_root', 'containerd_state_dir', 'containerd_namespaces',
  'request_timeout_ms', 'max_response_bytes', 'max_entries', 'retry_after_ms', 'max_attempts', 'alert_wait_ms',
  'running_container_events',
]);

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Container settings from the loaded configuration's `plugins` list. Never throws: unknown or
 * ill-typed keys are reported in `errors` (the caller turns them into KES_CONFIG) and the
 * defaults stand in for them.
 */
export function containerConfigFromPlugins(plugins: unknown): ContainerConfig {
  const errors: string[] = [];
  const out: ContainerConfig = { options: {}, alertWaitMs: 500, errors };
  if (plugins === undefined || plugins === null) return out;
  if (!Array.isArray(plugins)) {
    errors.push('plugins: expected a list');
    return out;
  }
  const idx = plugins.findIndex((p) => isObj(p) && p['name'] === 'container');
  if (idx < 0) return out;
  const at = `plugins[${idx}] (container).init_config`;
  let ic = (plugins[idx] as Record<string, unknown>)['init_config'];
  if (ic === undefined || ic === null || ic === '') return out;
  if (typeof ic === 'string') {
    // Falco allows init_config as a JSON string.
    try {
      ic = JSON.parse(ic);
    } catch (err) {
      errors.push(`${at}: not valid JSON (${(err as Error).message})`);
      return out;
    }
  }
  if (!isObj(ic)) {
    errors.push(`${at}: expected a map`);
    return out;
  }
  const o = out.options;
  for (const k of Object.keys(ic)) if (!KNOWN_KEYS.has(k)) errors.push(`${at}.${k}: unknown key`);

  const int = (key: string, min: number, set: (n: number) => void): void => {
    const v = (ic as Record<string, unknown>)[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) errors.push(`${at}.${key}: expected an integer >= ${min}, got ${JSON.stringify(v)}`);
    else set(v);
  };
  const strList = (v: unknown, where: string): string[] | null => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
      errors.push(`${where}: expected a list of non-empty strings, got ${JSON.stringify(v)}`);
      return null;
    }
    return v as string[];
  };
  int('label_max_len', 1, (n) => { o.labelMaxLen = n; });
  int('request_timeout_ms', 10, (n) => { o.requestTimeoutMs = n; });
  int('max_response_bytes', 1024, (n) => { o.maxResponseBytes = n; });
  int('max_entries', 1, (n) => { o.maxEntries = n; });
  int('retry_after_ms', 0, (n) => { o.retryAfterMs = n; });
  int('max_attempts', 1, (n) => { o.maxAttempts = n; });
  int('alert_wait_ms', 0, (n) => { out.alertWaitMs = n; });
  if (ic['running_container_events'] !== undefined) {
    const v = ic['running_container_events'];
    if (typeof v !== 'boolean') errors.push(`${at}.running_container_events: expected true or false, got ${JSON.stringify(v)}`);
    else o.runningContainerEvents = v;
  }
  if (ic['host_root'] !== undefined) {
    if (typeof ic['host_root'] !== 'string') errors.push(`${at}.host_root: expected a string`);
    else o.hostRoot = ic['host_root'].replace(/\/+$/, '');
  }
  const root = o.hostRoot ?? '';
  let stateDir: string | undefined;
  if (ic['containerd_state_dir'] !== undefined) {
    if (typeof ic['containerd_state_dir'] !== 'string' || ic['containerd_state_dir'] === '') errors.push(`${at}.containerd_state_dir: expected a path`);
    else stateDir = ic['containerd_state_dir'];
  }
  if (ic['containerd_namespaces'] !== undefined) {
    const l = strList(ic['containerd_namespaces'], `${at}.containerd_namespaces`);
    if (l !== null) o.containerdNamespaces = l;
  }

  const engines = ic['engines'];
  let ctrSocket: string | false | undefined;
  let ctrEnabled = true;
  if (engines !== undefined) {
    if (!isObj(engines)) {
      errors.push(`${at}.engines: expected a map`);
    } else {
      for (const name of Object.keys(engines)) {
        if (!(ENGINE_KEYS as readonly string[]).includes(name)) {
          errors.push(`${at}.engines.${name}: unknown engine (known: ${ENGINE_KEYS.join(', ')})`);
          continue;
        }
        const e = engines[name];
        const w = `${at}.engines.${name}`;
        if (!isObj(e)) { errors.push(`${w}: expected a map`); continue; }
        const enabled = e['enabled'] === undefined ? true : e['enabled'];
        if (typeof enabled !== 'boolean') { errors.push(`${w}.enabled: expected true or false`); continue; }
        let sockets: string[] | undefined;
        if (e['sockets'] !== undefined) sockets = strList(e['sockets'], `${w}.sockets`) ?? undefined;
        // Sockets are host paths: host_root applies to configured ones too.
        const paths = sockets?.map((s) => (root !== '' && s.startsWith('/') ? root + s : s));
        switch (name) {
          case 'docker': o.docker = enabled ? paths ?? undefined : false; if (o.docker === undefined) delete o.docker; break;
          case 'podman': o.podman = enabled ? paths ?? undefined : false; if (o.podman === undefined) delete o.podman; break;
          case 'cri': o.cri = enabled ? paths ?? undefined : false; if (o.cri === undefined) delete o.cri; break;
          case 'containerd':
            ctrEnabled = enabled;
            if (paths !== undefined) ctrSocket = paths[0] ?? false;
            break;
          default:
            // lxc, libvirt_lxc, bpm: identity from cgroups only (lxc); accepted for compatibility.
            break;
        }
      }
    }
  }
  if (!ctrEnabled) o.containerd = false;
  else if (stateDir !== undefined || ctrSocket !== undefined) {
    o.containerd = {};
    if (stateDir !== undefined) o.containerd.stateDir = root !== '' && stateDir.startsWith('/') ? root + stateDir : stateDir;
    if (ctrSocket !== undefined) o.containerd.socket = ctrSocket;
  }
  return out;
}
