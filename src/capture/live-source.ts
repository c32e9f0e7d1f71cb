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
import type { CaptureHeader, EventSource, SourceStats } from './types.js';
import { snapshotProc } from './proc-snapshot.js';

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
  /** Take the /proc snapshot into `header` at open (default true). */
  snapshot?: boolean;
  /** Fail when a requested syscall has no tracepoint on this kernel (default: skip it and
   * list it in `unavailable`). */
  strict?: boolean;
  /** First and longest sleep when the rings are empty (default 1 ms, 16 ms). */
  idleMs?: number;
  maxIdleMs?: number;
  /** nextBatch returns (true, no events) after waiting this long, so callers can check
   * their own deadlines (default 100 ms). */
  batchWaitMs?: number;
}

/** Syscall names whose probe program is named after their event (or kernel tracepoint). */
export const SYSCALL_ALIASES: Readonly<Record<string, string>> = { umount2: 'umount', pread64: 'pread', pwrite64: 'pwrite', sendfile64: 'sendfile' };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
        loadOnly: names,
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
      for (const n of names) {
        try {
          probe.attach(n);
        } catch (e) {
          // ENOENT: this kernel has no tracepoint for the syscall (e.g. init_module without
          // CONFIG_MODULES): nothing can call it, so there is nothing to capture.
          if ((e as { errno?: number }).errno === 2 && this.opts.strict !== true) this.unavailable.push(n);
          else throw e;
        }
      }
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

  async nextBatch(onEvent: (ev: EventView) => void): Promise<boolean> {
    const probe = this.probe;
    if (probe === null || this.closed) return false;
    const waitMax = this.opts.batchWaitMs ?? 100;
    const maxIdle = this.opts.maxIdleMs ?? 16;
    let waited = 0;
    for (;;) {
      if (this.closed) return false;
      const n = probe.drain(this.buf, this.cpus);
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
