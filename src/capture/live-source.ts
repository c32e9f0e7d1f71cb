// LiveSource: events from the kernel through the eBPF probe (driver/) and the N-API addon
// (native/). The probe writes one scap-encoded exit event per syscall into per-CPU ring
// buffers; drain() copies a batch of whole events, merged by timestamp, into one reused
// Buffer, which is walked here with one reused EventView. No per-event allocation, no
// per-event call across the native boundary.
//
// Waiting: the probe does not wake the consumer per event (BPF_RB_NO_WAKEUP, a wakeup costs
// more than an event), so an empty drain sleeps a short, growing interval (idleMs, doubling to
// maxIdleMs) before the next look; any event resets it. Latency stays at a few ms, CPU use of
// an idle capture near zero.

import { readFileSync, existsSync } from 'node:fs';
import { KestrelError } from '../errors.js';
import { EventView } from '../events/event-view.js';
import { COUNTER_CATEGORIES, openProbe, addonPath, type NativeProbe } from '../../native/lib/binding.js';
import type { CaptureHeader, EventSource, SourceStats, ThreadLookup } from './types.js';
import { lookupThread, snapshotProc } from './proc-snapshot.js';

export interface LiveSourceOptions {
  /** Syscall names (and 'procexit') to capture. */
  syscalls: readonly string[];
  /** Drop kestrel's own events at the source (default true). */
  excludeSelf?: boolean;
  snaplen?: number;
  captureEnv?: boolean;
  ringKiB?: number;
  nrings?: number;
  /** Size of the drain buffer (default 4 MiB). */
  batchBytes?: number;
  /** Hold-back of the addon's cross-ring merge in µs (default 2000; 0 = none), see
   * native/src/drain.c: events are handed out in timestamp order across CPUs. */
  mergeLagUs?: number;
  /** Load every program the probe has, attach only `syscalls` (default false: load only
   * those). Costs a longer start; lets `attachMore` add any syscall later (rule reloads). */
  loadAll?: boolean;
  /** Take the /proc snapshot into `header` at open (default true). */
  snapshot?: boolean;
  /** Fail when a requested syscall has no tracepoint on this kernel (default: skip it and
   * list it in `unavailable`). */
  strict?: boolean;
  /** First and longest sleep when the rings are empty (default 1 ms, 16 ms). */
  idleMs?: number;
  /** Sleep before the next drain after a small batch (default 4 ms): fewer, larger batches.
   * A wakeup costs ~25 µs of CPU on this (virtualized) machine, an event ~0.5 µs. */
  paceMs?: number;
  maxIdleMs?: number;
  /** nextBatch returns (true, no events) after waiting this long, so callers can check
   * their own deadlines (default 100 ms). */
  batchWaitMs?: number;
}

/** Syscall names whose probe program is named after their event (or kernel tracepoint). */
export const SYSCALL_ALIASES: Readonly<Record<string, string>> = { umount2: 'umount', pread64: 'pread', pwrite64: 'pwrite', sendfile64: 'sendfile' };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const yieldLoop = () => new Promise<void>((r) => setImmediate(r));

/** Why the probe cannot load, as precisely as the system tells. */
function probeLoadCause(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'live capture needs root (CAP_BPF and CAP_PERFMON); kestrel runs as uid ' + process.getuid();
  }
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'the kernel has no BTF (/sys/kernel/btf/vmlinux is missing), which the CO-RE probe needs';
  try {
    const lock = readFileSync('/sys/kernel/security/lockdown', 'utf8');
    if (/\[(integrity|confidentiality)\]/.test(lock) && /EPERM|Operation not permitted/.test(msg)) {
      return `kernel lockdown is active (${lock.trim()}) and refuses BPF: ${msg}`;
    }
  } catch { /* no lockdown file */ }
  if (addonPath() === null) return 'the native addon is not built (run `npm run setup`)';
  return msg;
}

export class LiveSource implements EventSource {
  header: CaptureHeader = { machine: null, procs: [], fds: new Map(), users: [], groups: [], interfaces: [] };
  private probe: NativeProbe | null = null;
  private readonly opts: LiveSourceOptions;
  private readonly buf: Buffer;
  private readonly cpus: Uint16Array;
  private readonly view = new EventView();
  private num = 0;
  private closed = false;
  private idle: number;
  /** Bytes of the last drain (paces the next one). */
  private lastBytes = 0;
  private readonly attached = new Set<string>();
  /** Programs loaded at open (null: all of the probe's). */
  private loadedNames: Set<string> | null = null;
  /** Requested syscalls this kernel has no tracepoint for (skipped). */
  readonly unavailable: string[] = [];

  constructor(opts: LiveSourceOptions) {
    this.opts = opts;
    this.buf = Buffer.allocUnsafe(opts.batchBytes ?? 4 << 20);
    this.cpus = new Uint16Array(Math.max(1024, this.buf.length >> 5));
    this.idle = opts.idleMs ?? 1;
  }

  async open(): Promise<void> {
    const names = [...new Set(this.opts.syscalls.map((n) => SYSCALL_ALIASES[n] ?? n))];
    if (names.length === 0) throw new KestrelError('KES_USAGE', 'live capture: no syscalls requested');
    let probe: NativeProbe;
    try {
      probe = openProbe({
        excludeTgid: this.opts.excludeSelf === false ? 0 : process.pid,
        snaplen: this.opts.snaplen,
        captureEnv: this.opts.captureEnv,
        ringKiB: this.opts.ringKiB,
        nrings: this.opts.nrings,
        mergeLagUs: this.opts.mergeLagUs,
        loadOnly: this.opts.loadAll === true ? undefined : names,
      });
    } catch (e) {
      if (e instanceof RangeError || e instanceof TypeError) throw new KestrelError('KES_USAGE', `live capture: ${e.message}`);
      throw new KestrelError('KES_PROBE_LOAD', `cannot load the eBPF probe: ${probeLoadCause(e)}; read a capture file with -r FILE instead`, { cause: e });
    }
    try {
      probe.load();
      const known = new Set(probe.programs());
      const unknown = names.filter((n) => !known.has(n));
      if (unknown.length > 0) {
        throw new KestrelError('KES_USAGE', `live capture: the probe has no program for ${unknown.map((n) => `'${n}'`).join(', ')} (available: ${[...known].sort().join(' ')})`);
      }
      this.loadedNames = this.opts.loadAll === true ? null : new Set(names);
      this.attachNames(probe, names, this.opts.strict === true);
    } catch (e) {
      probe.close();
      if (e instanceof KestrelError) throw e;
      throw new KestrelError('KES_PROBE_LOAD', `cannot load the eBPF probe: ${probeLoadCause(e)}; read a capture file with -r FILE instead`, { cause: e });
    }
    this.probe = probe;
    // Snapshot after attaching: a process that starts in between shows up in both, never in
    // neither.
    if (this.opts.snapshot !== false) this.header = await snapshotProc();
  }

  private attachNames(probe: NativeProbe, names: readonly string[], strict: boolean): string[] {
    const skipped: string[] = [];
    for (const n of names) {
      if (this.attached.has(n)) continue;
      try {
        probe.attach(n);
        this.attached.add(n);
      } catch (e) {
        // ENOENT: this kernel has no tracepoint for the syscall (e.g. init_module without
        // CONFIG_MODULES): nothing can call it, so there is nothing to capture.
        if ((e as { errno?: number }).errno === 2 && !strict) {
          if (!this.unavailable.includes(n)) this.unavailable.push(n);
          skipped.push(n);
        } else throw e;
      }
    }
    return skipped;
  }

  /**
   * Attaches more syscalls to the open capture (e.g. after a rules reload needs events the
   * old rules did not). Names must have loaded programs: open with `loadAll`, or name only
   * syscalls given at open. Returns the names this kernel has no tracepoint for.
   */
  attachMore(syscalls: readonly string[]): string[] {
    const probe = this.probe;
    if (probe === null) throw new KestrelError('KES_USAGE', 'live capture: attachMore on a closed source');
    const names = [...new Set(syscalls.map((n) => SYSCALL_ALIASES[n] ?? n))].filter((n) => !this.attached.has(n));
    if (names.length === 0) return [];
    const known = new Set(probe.programs());
    const notLoaded = names.filter((n) => !known.has(n) || (this.loadedNames !== null && !this.loadedNames.has(n)));
    if (notLoaded.length > 0) {
      throw new KestrelError('KES_USAGE', `live capture: no loaded program for ${notLoaded.map((n) => `'${n}'`).join(', ')} (open the source with loadAll to attach syscalls later)`);
    }
    try {
      return this.attachNames(probe, names, false);
    } catch (e) {
      throw new KestrelError('KES_PROBE_LOAD', `cannot attach ${names.join(', ')}: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * Detaches syscalls from the open capture (a rules reload that no longer needs them): the
   * kernel stops running their programs, so they stop costing the traced syscalls anything.
   * Events they already wrote stay in the rings and are still delivered by nextBatch. The
   * programs stay loaded: `attachMore` can attach them again. Names not attached are ignored.
   * Returns the names detached.
   */
  detach(syscalls: readonly string[]): string[] {
    const probe = this.probe;
    if (probe === null) throw new KestrelError('KES_USAGE', 'live capture: detach on a closed source');
    const done: string[] = [];
    for (const n of new Set(syscalls.map((x) => SYSCALL_ALIASES[x] ?? x))) {
      if (!this.attached.has(n)) continue;
      probe.detach(n);
      this.attached.delete(n);
      done.push(n);
    }
    return done.sort();
  }

  /** Syscalls (probe program names) attached now. */
  attachedNames(): string[] {
    return [...this.attached].sort();
  }

  /** The kernel links behind `attachedNames()` (program, link id as `bpftool link list` shows). */
  links(): Array<{ program: string; id: number }> {
    return this.probe === null ? [] : this.probe.links();
  }

  async nextBatch(onEvent: (ev: EventView) => void): Promise<boolean> {
    const probe = this.probe;
    if (probe === null || this.closed) return false;
    const waitMax = this.opts.batchWaitMs ?? 100;
    const maxIdle = this.opts.maxIdleMs ?? 16;
    // Pace the drains: after a batch that filled less than a quarter of the buffer, sleep
    // paceMs so the next drain takes a real batch instead of waking up for a few events (the
    // merge holds the last ~2 ms back anyway); after a big one, only let the event loop run
    // (timers, signals, output pumps) before draining again.
    if (this.lastBytes > 0) {
      if (this.lastBytes < this.buf.length >> 2) await sleep(this.opts.paceMs ?? 4);
      else await yieldLoop();
    }
    let waited = 0;
    for (;;) {
      if (this.closed) return false;
      const n = probe.drain(this.buf, this.cpus);
      this.lastBytes = n;
      if (n > 0) {
        this.idle = this.opts.idleMs ?? 1;
        this.walk(n, onEvent);
        return true;
      }
      if (waited >= waitMax) return true;
      await sleep(this.idle);
      waited += this.idle;
      if (this.idle < maxIdle) this.idle *= 2;
    }
  }

  private walk(n: number, onEvent: (ev: EventView) => void): void {
    const buf = this.buf;
    const view = this.view;
    let off = 0;
    let i = 0;
    while (off < n) {
      const err = view.load(buf, off, n, this.cpus[i]!, 0);
      if (err !== null) throw new KestrelError('KES_SCAP_CORRUPT', `live event ${this.num + 1} from the probe: ${err}`);
      view.num = ++this.num;
      off += view.len;
      i++;
      onEvent(view);
    }
  }

  /** A thread the state never saw, read from /proc now (see EventSource.lookupThread). */
  lookupThread(tid: number): ThreadLookup | null {
    return lookupThread(tid);
  }

  stats(): SourceStats {
    const dropsBy: Record<string, number> = {};
    let drops = 0;
    if (this.probe !== null) {
      const c = this.probe.counters();
      for (let i = 0; i < COUNTER_CATEGORIES.length; i++) {
        dropsBy[COUNTER_CATEGORIES[i]!] = c.drops[i] ?? 0;
        drops += c.drops[i] ?? 0;
      }
    }
    return { events: this.num, drops, dropsBy };
  }

  /** Raw kernel-side counters (events written / dropped per category). */
  counters(): { events: Record<string, number>; drops: Record<string, number> } {
    const ev: Record<string, number> = {};
    const dr: Record<string, number> = {};
    if (this.probe !== null) {
      const c = this.probe.counters();
      COUNTER_CATEGORIES.forEach((name, i) => { ev[name] = c.events[i] ?? 0; dr[name] = c.drops[i] ?? 0; });
    }
    return { events: ev, drops: dr };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.probe !== null) {
      this.probe.close();
      this.probe = null;
    }
  }
}
