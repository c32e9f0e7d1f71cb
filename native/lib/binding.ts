// Loads the N-API addon (native/build/Release/kestrel_native.node) and validates the probe
// options with precise messages before they reach C, which only checks types.

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Keep in sync with driver/shared/kes_probe.h (KES_CAT_*). */
export const COUNTER_CATEGORIES = ['other', 'file', 'net', 'process', 'io', 'ipc', 'security', 'internal'] as const;

export interface ProbeConfig {
  /** Process (tgid) whose events the probe drops at the source; 0 = none. */
  excludeTgid?: number;
  /** Bytes of read/write payload captured (default 80). */
  snaplen?: number;
  /** Put the environment in execve events. */
  captureEnv?: boolean;
  /** Ring buffers (default: one per possible CPU). */
  nrings?: number;
  /** Size of each ring buffer in KiB, a power of two >= 4 (default 8192). */
  ringKiB?: number;
  /** Syscall/event names whose programs are loaded (default: all). Loading fewer is faster. */
  loadOnly?: string[];
  /**
   * Hold-back of the cross-ring merge in µs (default 2000): drain() hands out events at least
   * this old, so none can still arrive in another ring with an earlier timestamp. 0 = hand out
   * whatever is committed (lowest latency, order across CPUs only approximate).
   */
  mergeLagUs?: number;
}

export interface ProbeCounters {
  /** Events written, per category (COUNTER_CATEGORIES order). */
  events: number[];
  /** Events lost (ring full, oversize), per category. */
  drops: number[];
}

export interface NativeProbe {
  load(): void;
  attach(name: string): void;
  /** Copies whole events, oldest first, into buf; returns the bytes written. cpus[i] gets the
   * ring (= CPU with one ring per CPU) of event i and caps the number of events. */
  drain(buf: Buffer, cpus?: Uint16Array): number;
  /** Bytes waiting in the rings. */
  pending(): number;
  counters(): ProbeCounters;
  /** Names the loaded object has programs for. */
  programs(): string[];
  /** Destroys the links of `name`'s programs (every link without a name; the programs stay
   * loaded, so `attach` works again). Records already in the rings are still drained.
   * Returns the number of links destroyed (0: `name` was not attached). */
  detach(name?: string): number;
  /** Attached links: program name (e.g. `x_mkdirat`) and the kernel's link id (what
   * `bpftool link list` prints; 0 if the kernel would not tell). */
  links(): Array<{ program: string; id: number }>;
  close(): void;
}

interface Addon {
  Probe: new (config: ProbeConfig) => NativeProbe;
}

let cached: Addon | null = null;

/** Path of the built addon, or null when it has not been built. */
export function addonPath(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/native/lib → repo root, or native/lib when run from sources.
  for (const rel of ['../../../native/build/Release/kestrel_native.node', '../build/Release/kestrel_native.node']) {
    const p = resolve(here, rel);
    if (existsSync(p)) return p;
  }
  return null;
}

export function loadAddon(): Addon {
  if (cached) return cached;
  const p = addonPath();
  if (p === null) throw new Error('the native addon is not built (run `npm run setup`)');
  const req = createRequire(import.meta.url);
  cached = req(p) as Addon;
  return cached;
}

function checkUint(name: string, v: unknown, min: number, max: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`probe option ${name}: expected an integer in [${min}, ${max}], got ${String(v)}`);
  }
}

/** Validates the options, then creates (but does not load) a probe. */
export function openProbe(config: ProbeConfig): NativeProbe {
  checkUint('excludeTgid', config.excludeTgid, 0, 0x7fffffff);
  checkUint('snaplen', config.snaplen, 0, 16384);
  checkUint('nrings', config.nrings, 1, 1024);
  checkUint('ringKiB', config.ringKiB, 4, 1 << 22);
  checkUint('mergeLagUs', config.mergeLagUs, 0, 10_000_000);
  if (config.ringKiB !== undefined && (config.ringKiB & (config.ringKiB - 1)) !== 0) {
    throw new RangeError(`probe option ringKiB: must be a power of two, got ${config.ringKiB}`);
  }
  if (config.loadOnly !== undefined) {
    if (!Array.isArray(config.loadOnly)) throw new TypeError('probe option loadOnly: expected an array of names');
    for (const n of config.loadOnly) {
      if (typeof n !== 'string' || !/^[a-z0-9_]{1,48}$/.test(n)) throw new TypeError(`probe option loadOnly: bad name ${JSON.stringify(n)}`);
    }
  }
  // the addon reads absent numbers as 0; give the documented defaults here
  return new (loadAddon().Probe)({ ...config, snaplen: config.snaplen ?? 80 });
}
