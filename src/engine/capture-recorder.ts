// Capture recording on alerts (Falco 0.42's `capture:`): when a rule that opts in fires, the
// syscalls around the alert go to a scap file that `kestrel inspect -r`, `sysdig -r` and
// `kestrel run --replay` read later.
//
//   alert (opting-in rule) ──► idle? start: header = the state tables now (headerFromState),
//        │                            file <prefix>_<ts:20>_<evt.num:20>.scap, created 0600
//        │                     recording? extend the deadline (soft limit)
//        ▼
//   every event the engine sees (the triggering one first) ──► file, until
//        event time > deadline (duration) │ bytes would pass max_file_size_mb (size, hard)
//        │ the source ended or kestrel stopped (end) │ the disk failed (failure)
//
// The detection loop never waits for the disk on live runs: the file is created on libuv's
// pool while the first events wait in memory (copied, bounded by the size cap), the writer
// batches into 1 MiB chunks, and a disk that falls behind by BACKLOG_MAX stops the recording
// (counted failure "backlog") instead of holding events or memory. A replay is a batch job:
// there, the loop waits for the writer between batches (back-pressure, nothing lost).
// Failures (path not writable, file exists, disk full) are logged (one line per reason per
// 10 s) and counted; detection goes on and a later alert tries again.
//
// Live events are exits only: each is written after its synthesized enter (EnterSynth, as
// `kestrel inspect -w` does), so sysdig 0.29.3 reads the file; replayed events are already
// E/X pairs and are written as read.

import { stat } from 'node:fs/promises';
import { ScapWriter } from '../capture/scap-writer.js';
import { EVENT_MAX_2022 } from '../capture/scap-writer.js';
import { EnterSynth } from '../capture/enter-synth.js';
import { copyBytes } from '../capture/bytes.js';
import type { CaptureHeader, FdEntry, MachineInfo, ProcEntry } from '../capture/types.js';
import { FdType } from '../capture/types.js';
import { EventView } from '../events/event-view.js';
import { EVENT_HEADER_SIZE } from '../events/event-view.js';
import { EVENT_COUNT, EVENT_DIR, EVENT_NAME } from '../events/generated/event-table.js';
import type { Inspector } from '../state/inspector.js';
import { headerFromState } from '../state/header.js';
import { Cell, type MetricsRegistry } from '../metrics/index.js';
import { containerEventBytes } from '../containers/scap-json.js';
import type { ContainerManager } from '../containers/index.js';

export interface CaptureSettings {
  enabled: boolean;
  /** Files are `<pathPrefix>_<ts>_<num>.scap`. */
  pathPrefix: string;
  /** `rules`: only rules with `capture: true`; `all_rules`: every rule. */
  mode: 'rules' | 'all_rules';
  /** ms of event time after the last opting-in alert, when the rule has no capture_duration. */
  defaultDurationMs: number;
  /** Hard cap on a file's size in MiB; 0 = none. */
  maxFileSizeMb: number;
}

/** What the recorder needs of a rule. */
export interface CaptureRule {
  readonly name: string;
  readonly capture: boolean;
  /** ms; 0 = the default duration. */
  readonly captureDuration: number;
}

export interface CaptureRecorderOptions {
  settings: CaptureSettings;
  /** Live events (exits only): write each with its synthesized enter. */
  live: boolean;
  /** The machine block of the files (the source header's). */
  machine: MachineInfo | null;
  /** One line per recording started/finished and per failure (rate-limited). */
  log: (line: string) => void;
  metrics?: MetricsRegistry;
  /**
   * Container metadata known at the alert (runtimes live, the file's container events in a
   * replay): each recording starts with a container event per container of its header's
   * threads, as sinsp's dumps and `kestrel inspect -w` do, so readers show names and images.
   */
  containers?: Pick<ContainerManager, 'refFor' | 'lookup'>;
  /** Wall clock in ms (tests). */
  now?: () => number;
}

export type StopReason = 'duration' | 'size' | 'end' | 'backlog' | 'failure';
export type FailureReason = 'open' | 'exists' | 'write' | 'backlog' | 'size';

/** Unwritten bytes a live recording may queue behind a slow disk before it is stopped. */
const BACKLOG_MAX = 64 << 20;
/** Live: wall-clock slack past the deadline before a recording stops without a later event. */
const IDLE_SLACK_MS = 1000;
const LOG_EVERY_MS = 10_000;

/** PAIRED_ENTER[t] = 1 for an enter event whose exit (t + 1) is the syscall's other half. */
const PAIRED_ENTER: Uint8Array = (() => {
  const a = new Uint8Array(EVENT_COUNT);
  for (let t = 0; t + 1 < EVENT_COUNT; t++) {
    if (EVENT_DIR[t] === 'E' && EVENT_DIR[t + 1] === 'X' && EVENT_NAME[t] === EVENT_NAME[t + 1]) a[t] = 1;
  }
  return a;
})();

/**
 * Replay: the last enter events (E/X-pair files), so a recording can begin with its triggering
 * exit's enter half. sysdig 0.29.3 reads some arguments from the enter (write's fd, for one):
 * without it the trigger, the event that matters most, would print the wrong fd. Bytes are
 * copied into one ring (no allocation per event); enters over MAX_ENTER bytes are skipped.
 */
class EnterLookback {
  static readonly SLOTS = 256;
  static readonly MAX_ENTER = 4096;
  /** Twice what SLOTS entries can span, so the last SLOTS entries are never overwritten. */
  private readonly ring = Buffer.alloc(2 * EnterLookback.SLOTS * EnterLookback.MAX_ENTER);
  private readonly rdv = new DataView(this.ring.buffer, this.ring.byteOffset, this.ring.byteLength);
  private pos = 0;
  private head = 0;
  private readonly offs = new Int32Array(EnterLookback.SLOTS);
  private readonly lens = new Int32Array(EnterLookback.SLOTS).fill(-1);
  private readonly tids = new Float64Array(EnterLookback.SLOTS);
  private readonly types = new Int32Array(EnterLookback.SLOTS);
  private readonly cpus = new Int32Array(EnterLookback.SLOTS);
  private readonly flags = new Int32Array(EnterLookback.SLOTS);
  private readonly hdrs = new Int32Array(EnterLookback.SLOTS);

  note(ev: EventView): void {
    const t = ev.type;
    if (t >= EVENT_COUNT || PAIRED_ENTER[t] !== 1) return;
    const n = ev.len;
    if (n > EnterLookback.MAX_ENTER) return;
    if (this.pos + n > this.ring.length) this.pos = 0;
    const at = this.pos;
    // word moves through DataViews (bytes.ts): Buffer.copy allocates per call in Node 20
    copyBytes(ev.buf, ev.dv, ev.off, this.ring, this.rdv, at, n);
    this.pos = at + n;
    const h = this.head;
    this.offs[h] = at; this.lens[h] = n; this.tids[h] = ev.tid; this.types[h] = t;
    this.cpus[h] = ev.cpu; this.flags[h] = ev.dumpFlags; this.hdrs[h] = ev.hdr;
    this.head = (h + 1) % EnterLookback.SLOTS;
  }

  /** A copy of the latest enter half of `exit` (same thread, type - 1) seen, or null. */
  enterOf(exit: EventView): { bytes: Buffer; cpu: number; flags: number; v1: boolean } | null {
    const want = exit.type - 1;
    if (want < 0 || PAIRED_ENTER[want] !== 1) return null;
    for (let k = 1; k <= EnterLookback.SLOTS; k++) {
      const i = (this.head - k + EnterLookback.SLOTS) % EnterLookback.SLOTS;
      if (this.lens[i]! < 0) return null;
      if (this.tids[i] !== exit.tid) continue;
      // the thread's latest enter: its exit's half only when the types pair up
      if (this.types[i] !== want) return null;
      const o = this.offs[i]!;
      return { bytes: Buffer.from(this.ring.subarray(o, o + this.lens[i]!)), cpu: this.cpus[i]!, flags: this.flags[i]!, v1: this.hdrs[i] !== EVENT_HEADER_SIZE };
    }
    return null;
  }
}

/** One recording. Plain fields, one shape. */
class Recording {
  writer: ScapWriter | null = null;
  /** Events (bytes copied) that arrived while the file was being created. */
  pending: { bytes: Buffer; cpu: number; flags: number; v1: boolean }[] = [];
  /** Bytes the file will have: header + event blocks. */
  bytes = 0;
  events = 0;
  /** Event time (ns, as a double) after which the recording stops. */
  deadline = 0;
  /** Bytes written since the writer last said it had room (live back-log). */
  backlog = 0;
  draining: Promise<void> | null = null;
  /** Settles once the file is open and the pending events are in it (or it failed). */
  opened: Promise<void> | null = null;
  /** Set once: no more events; the file is closed as soon as it is open. */
  stopping = false;
  why: StopReason = 'end';
  failed = false;
  /** The state at the alert, until it is written (then dropped: it can be large). */
  header: CaptureHeader | null;
  constructor(readonly path: string, header: CaptureHeader) { this.header = header; }
}

export class CaptureRecorder {
  private rec: Recording | null = null;
  /** Files being created or closed (awaited by close()). */
  private readonly busy = new Set<Promise<void>>();
  private readonly synth = new EnterSynth();
  private readonly replayView = new EventView();
  /** Replay only: recent enter events, for the trigger's enter half. */
  private readonly lookback: EnterLookback | null;
  private readonly capBytes: number;
  private readonly now: () => number;
  private readonly lastLog = new Map<string, number>();
  private readonly cRecordings: Cell;
  private readonly cEvents: Cell;
  private readonly cBytes: Cell;
  private readonly failures: Record<FailureReason, Cell>;
  private readonly stops: Record<StopReason, Cell>;
  private readonly gActive: Cell;
  /** Events of the running recording since the last batch (live: is the source idle?). */
  private batchEvents = 0;
  /** Whether events must reach `event()`: a recording is open or being opened. */
  active = false;
  /** The last 16 recordings finished (path, events, file size, the size the cap counted, why). */
  readonly finished: { path: string; events: number; bytes: number; predicted: number; why: StopReason }[] = [];

  constructor(private readonly opts: CaptureRecorderOptions) {
    this.capBytes = opts.settings.maxFileSizeMb > 0 ? opts.settings.maxFileSizeMb * 1024 * 1024 : Infinity;
    this.now = opts.now ?? Date.now;
    // Replay: events reach event() all the time (noting enters); live: only while recording.
    this.lookback = opts.live || !opts.settings.enabled ? null : new EnterLookback();
    this.active = this.lookback !== null;
    const reg = opts.metrics;
    const counter = (name: string, help: string, labels: string[] = []) => reg ? reg.counter(name, help, labels) : null;
    const rec = counter('kestrel_capture_recordings_total', 'Capture recordings started (capture: on an alert)');
    const ev = counter('kestrel_capture_events_total', 'Events written to finished capture recordings');
    const by = counter('kestrel_capture_bytes_total', 'Bytes of finished capture recordings');
    const fail = counter('kestrel_capture_failures_total', 'Capture recordings that failed, by reason (open, exists, write, backlog, size)', ['reason']);
    const stop = counter('kestrel_capture_stops_total', 'Capture recordings ended, by what ended them', ['reason']);
    const active = reg ? reg.gauge('kestrel_capture_active', 'Whether a capture recording is in progress') : null;
    const cell = (f: { cell(...l: string[]): Cell } | null, ...l: string[]): Cell => f ? f.cell(...l) : new Cell({});
    this.cRecordings = cell(rec);
    this.cEvents = cell(ev);
    this.cBytes = cell(by);
    this.gActive = cell(active);
    this.failures = { open: cell(fail, 'open'), exists: cell(fail, 'exists'), write: cell(fail, 'write'), backlog: cell(fail, 'backlog'), size: cell(fail, 'size') };
    this.stops = { duration: cell(stop, 'duration'), size: cell(stop, 'size'), end: cell(stop, 'end'), backlog: cell(stop, 'backlog'), failure: cell(stop, 'failure') };
  }

  /** Counters (tests, logs). */
  get counts(): { recordings: number; events: number; bytes: number; failures: Record<FailureReason, number> } {
    const f = this.failures;
    return {
      recordings: this.cRecordings.value, events: this.cEvents.value, bytes: this.cBytes.value,
      failures: { open: f.open.value, exists: f.exists.value, write: f.write.value, backlog: f.backlog.value, size: f.size.value },
    };
  }

  /**
   * A rule fired on `ev` (the state already holds the event's effects). Starts a recording
   * when the rule opts in and none is running, or extends the running one. The event itself
   * is written by the `event(ev)` call that follows the rules.
   */
  onAlert(rule: CaptureRule, ev: EventView, insp: Inspector): void {
    const s = this.opts.settings;
    if (!s.enabled || (s.mode === 'rules' && !rule.capture)) return;
    const durMs = rule.captureDuration > 0 ? rule.captureDuration : s.defaultDurationMs;
    const until = evTime(ev) + durMs * 1e6;
    const r = this.rec;
    if (r !== null) {
      // A later alert extends the running recording (the duration is a soft limit), unless
      // its deadline had passed already: that recording is over, this alert starts a new one.
      if (evTime(ev) <= r.deadline) {
        if (until > r.deadline) r.deadline = until;
        return;
      }
      this.finish(r, 'duration');
    }
    const path = `${s.pathPrefix}_${pad20(ev.ts())}_${pad20(BigInt(ev.num))}.scap`;
    let header: CaptureHeader;
    try {
      header = headerFromState(insp, this.opts.machine);
    } catch (e) {
      // A bug, not an input problem: count it as a failed recording, never stop detection.
      this.failures.write.value++;
      this.stops.failure.value++;
      this.logLimited('header', `capture: cannot take the state for ${path}: ${(e as Error).message}; recording abandoned`);
      return;
    }
    const hsize = headerSize(header);
    if (hsize >= this.capBytes) {
      // A file with the state and no event is of no use (sysdig refuses it): say so instead.
      this.cRecordings.value++;
      this.failures.size.value++;
      this.stops.failure.value++;
      this.logLimited('size', `capture: the state at the alert alone takes ${hsize} bytes, not less than max_file_size_mb (${s.maxFileSizeMb} MiB): no recording ${path}`);
      return;
    }
    const rec = new Recording(path, header);
    rec.deadline = until;
    rec.bytes = hsize;
    this.rec = rec;
    this.active = true;
    this.gActive.value = 1;
    this.cRecordings.value++;
    const m = this.opts.containers;
    if (m !== undefined) {
      const seen = new Set<string>();
      const ts = ev.ts();
      for (const p of header.procs) {
        if (p.cgroups.length === 0) continue;
        const ref = m.refFor(p.cgroups);
        if (ref.type === 'host' || seen.has(ref.fullId)) continue;
        seen.add(ref.fullId);
        const info = m.lookup(ref);
        if (info === null) continue;
        const b = containerEventBytes(info, ts > 2n ? ts - 2n : 0n);
        if (this.replayView.load(b, 0, b.length, 0, 0) === null) this.write(rec, this.replayView);
      }
    }
    const enter = this.lookback?.enterOf(ev) ?? null;
    if (enter !== null && this.replayView.load(enter.bytes, 0, enter.bytes.length, enter.cpu, enter.flags, enter.v1) === null) {
      this.write(rec, this.replayView);
    }
    this.opts.log(`capture: recording ${path} (rule '${rule.name}', until ${durMs} ms after the last alert${Number.isFinite(this.capBytes) ? `, at most ${s.maxFileSizeMb} MiB` : ''})`);
    rec.opened = this.openFile(rec);
    this.track(rec.opened);
  }

  private track(p: Promise<void>): void {
    this.busy.add(p);
    void p.finally(() => this.busy.delete(p));
  }

  private async openFile(rec: Recording): Promise<void> {
    let w: ScapWriter;
    try {
      // O_EXCL + 0600: captures hold secrets (command lines, environments, buffers), and an
      // existing file or symlink at a predictable /tmp name is never followed or overwritten.
      // One open, in the writer: opening and closing first, then reopening by name, would leave
      // a window in which the name could be swapped for a symlink (a non-sticky directory).
      w = await ScapWriter.create(rec.path, { exclusiveMode: 0o600 });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const cause = (err.cause as NodeJS.ErrnoException | undefined) ?? err;
      this.fail(rec, cause.code === 'EEXIST' ? 'exists' : 'open', `cannot create ${rec.path}: ${cause.message}`);
      return;
    }
    rec.writer = w;
    try {
      w.writeHeader(rec.header!);
      rec.header = null;
      const v = this.replayView;
      for (const p of rec.pending) {
        if (v.load(p.bytes, 0, p.bytes.length, p.cpu, p.flags, p.v1) === null) w.writeEvent(v);
      }
    } catch (e) {
      this.fail(rec, 'write', `cannot write ${rec.path}: ${(e as Error).message}`);
      return;
    }
    rec.pending = [];
    rec.backlog = 0;
    if (rec.stopping) this.track(this.closeFile(rec));
  }

  /** Every event the engine saw, after the rules ran on it (only called while `active`). */
  event(ev: EventView): void {
    const rec = this.rec;
    if (rec === null) {
      if (this.lookback !== null) this.lookback.note(ev);
      return;
    }
    // Container events (tid -1) may carry any time; they never end a recording.
    this.batchEvents++;
    if (evTime(ev) > rec.deadline && ev.tid !== -1) { this.finish(rec, 'duration'); return; }
    if (!this.opts.live) {
      if (this.fits(rec, blockSize(ev))) this.write(rec, ev);
      return;
    }
    // A pair goes in whole or not at all: a lone enter would confuse readers.
    const parts = this.synth.fileEvents(ev);
    let n = 0;
    for (const e of parts) n += blockSize(e);
    if (!this.fits(rec, n)) return;
    for (const e of parts) this.write(rec, e);
  }

  /** Whether `n` more bytes stay within the cap; ends the recording ('size') if not. */
  private fits(rec: Recording, n: number): boolean {
    if (rec.bytes + n <= this.capBytes) return true;
    this.finish(rec, 'size');
    return false;
  }

  private write(rec: Recording, ev: EventView): void {
    const n = blockSize(ev);
    if (n === 0) return; // an id sysdig 0.29.3 does not know: the writer drops it
    rec.bytes += n;
    rec.events++;
    const w = rec.writer;
    if (w === null) {
      rec.pending.push({ bytes: Buffer.from(ev.bytes()), cpu: ev.cpu, flags: ev.dumpFlags, v1: ev.hdr !== EVENT_HEADER_SIZE });
      // Live: an open that hangs (a stalled network path_prefix) must not hold events without
      // bound (max_file_size_mb 0 sets none): the same limit as a slow disk. The held events
      // are still written if the open completes.
      rec.backlog += n;
      if (this.opts.live && rec.backlog > BACKLOG_MAX && !rec.stopping) {
        this.failures.backlog.value++;
        this.logLimited('backlog', `capture: ${rec.path}: the file was not open after ${BACKLOG_MAX >> 20} MiB of events; recording stopped`);
        this.finish(rec, 'backlog');
      }
      return;
    }
    const full = w.writeEvent(ev);
    if (!this.opts.live) return;
    if (!full) { rec.backlog = 0; return; }
    // Live: the disk is behind by the writer's in-flight limit. Keep writing while it catches
    // up, but only up to BACKLOG_MAX more: past that, stop rather than hold the memory.
    rec.backlog += n;
    if (rec.draining === null) rec.draining = w.drain().then(() => { rec.draining = null; rec.backlog = 0; }, () => { rec.draining = null; });
    if (rec.backlog > BACKLOG_MAX) {
      this.failures.backlog.value++;
      this.logLimited('backlog', `capture: ${rec.path}: the disk fell ${BACKLOG_MAX >> 20} MiB behind; recording stopped`);
      this.finish(rec, 'backlog');
    }
  }

  /**
   * Between batches. Live: ends a recording whose deadline passed with no later event (a
   * quiet system). Replay: waits for the writer when its queue is full (back-pressure).
   */
  afterBatch(): Promise<void> | null {
    const rec = this.rec;
    if (rec === null) return null;
    if (this.opts.live) {
      // Only a batch with no event at all says the source has caught up: a lagging drain
      // delivers events of the window late, and the clock must not cut them off.
      const idle = this.batchEvents === 0;
      this.batchEvents = 0;
      if (idle && this.now() * 1e6 > rec.deadline + IDLE_SLACK_MS * 1e6) this.finish(rec, 'duration');
      return null;
    }
    const w = rec.writer;
    // Replay: wait for the file rather than copy events into memory meanwhile (a read-ahead
    // reader can deliver many batches before the open completes).
    if (w === null) return rec.opened;
    return w.drain().catch((e: Error) => { this.fail(rec, 'write', `cannot write ${rec.path}: ${e.message}`); });
  }

  /** No more events for `rec`; its file is closed now, or once it is open. */
  private finish(rec: Recording, why: StopReason): void {
    if (this.rec === rec) { this.rec = null; this.active = this.lookback !== null; this.gActive.value = 0; }
    if (rec.stopping) return;
    rec.stopping = true;
    rec.why = why;
    if (rec.writer !== null) this.track(this.closeFile(rec));
  }

  private async closeFile(rec: Recording): Promise<void> {
    const w = rec.writer;
    if (w === null || rec.failed) return;
    rec.writer = null;
    let bytes: number;
    try {
      await w.close();
      bytes = (await stat(rec.path)).size;
    } catch (e) {
      this.fail(rec, 'write', `cannot write ${rec.path}: ${(e as Error).message}`);
      return;
    }
    this.cEvents.value += rec.events;
    this.cBytes.value += bytes;
    this.finished.push({ path: rec.path, events: rec.events, bytes, predicted: rec.bytes, why: rec.why });
    if (this.finished.length > 16) this.finished.shift();
    this.stops[rec.why].value++;
    const what = rec.why === 'duration' ? 'duration passed' : rec.why === 'size' ? 'size cap reached'
      : rec.why === 'end' ? 'kestrel stopped or the input ended' : 'disk too slow';
    this.opts.log(`capture: finished ${rec.path}: ${rec.events} events, ${bytes} bytes (${what})`);
  }

  private fail(rec: Recording, reason: FailureReason, msg: string): void {
    if (this.rec === rec) { this.rec = null; this.active = this.lookback !== null; this.gActive.value = 0; }
    if (rec.failed) return;
    rec.failed = true;
    rec.stopping = true;
    rec.pending = [];
    this.failures[reason].value++;
    this.stops.failure.value++;
    const w = rec.writer;
    rec.writer = null;
    if (w !== null) this.track(w.close().catch(() => undefined));
    this.logLimited(reason, `capture: ${msg}; recording abandoned, detection goes on`);
  }

  private logLimited(key: string, line: string): void {
    const t = this.now();
    const last = this.lastLog.get(key);
    if (last !== undefined && t - last < LOG_EVERY_MS) return;
    this.lastLog.set(key, t);
    this.opts.log(line);
  }

  /** Ends the running recording (kestrel stops, the input ended) and waits for its file. */
  async close(): Promise<void> {
    if (this.rec !== null) this.finish(this.rec, 'end');
    // openFile may start a closeFile when it completes: loop until nothing is left.
    while (this.busy.size > 0) await Promise.all([...this.busy]);
  }
}

/** The event's timestamp in ns as a double (no BigInt per event; ~256 ns precision is plenty). */
function evTime(ev: EventView): number {
  return ev.tsHi * 4294967296 + ev.tsLo;
}

function pad20(n: bigint): string {
  return n.toString().padStart(20, '0');
}

/** Bytes of the event block ScapWriter writes for `ev` (0 when it drops the event). */
function blockSize(ev: EventView): number {
  if (ev.type >= EVENT_MAX_2022) return 0;
  const flags = ev.dumpFlags & ~4;
  const body = (flags !== 0 ? 6 : 2) + ev.len - ev.hdr + EVENT_HEADER_SIZE;
  return 12 + ((body + 3) & ~3);
}

// ---- header size: the blocks ScapWriter.writeHeader produces (checked against real files) ----

const pad4 = (n: number): number => (n + 3) & ~3;
const strSize = (s: string, max: number): number => 2 + Math.min(Buffer.byteLength(s, 'utf8'), max);
function strListSize(items: string[], max = 4096): number {
  let n = 0;
  for (const it of items) {
    const b = Buffer.byteLength(it, 'utf8') + 1;
    if (n + b > max) break;
    n += b;
  }
  return 2 + n;
}

function procSize(p: ProcEntry): number {
  return 4 + 40 + strSize(p.comm, 1024) + strSize(p.exe, 1024) + strSize(p.exepath, 1024) + strListSize(p.args)
    + strSize(p.cwd, 1024) + 8 + 12 + 12 + 16 + strListSize(p.env) + 16 + strListSize(p.cgroups) + strSize(p.root, 1024) + 29;
}

function fdSize(f: FdEntry): number {
  const type = f.type >= 1 && f.type <= FdType.FILE_V2 ? f.type : FdType.UNSUPPORTED;
  let n = 4 + 8 + 8 + 1;
  switch (type) {
    case FdType.IPV4_SOCK: n += 13; break;
    case FdType.IPV6_SOCK: n += 37; break;
    case FdType.IPV4_SERVSOCK: n += 7; break;
    case FdType.IPV6_SERVSOCK: n += 19; break;
    case FdType.UNIX_SOCK: n += 16 + strSize(f.name, 1023); break;
    case FdType.FILE_V2: n += 8 + strSize(f.name, 1023); break;
    default: n += strSize(f.name, 1023);
  }
  return n;
}

/** The size of the SHB and header blocks ScapWriter writes for `h`. */
export function headerSize(h: CaptureHeader): number {
  let total = 28;
  if (h.machine) total += 12 + 180;
  if (h.interfaces.length > 0) {
    let b = 0;
    for (const it of h.interfaces) b += (it.family === 4 ? 28 : 64) + Math.min(Buffer.byteLength(it.name, 'utf8'), 1023);
    total += 12 + pad4(b);
  }
  if (h.users.length > 0 || h.groups.length > 0) {
    let b = 0;
    for (const u of h.users) b += 13 + strSize(u.name, 255) + strSize(u.homedir, 255) + strSize(u.shell, 255);
    for (const g of h.groups) b += 9 + strSize(g.name, 255);
    total += 12 + pad4(b);
  }
  const tids = new Set<number>();
  if (h.procs.length > 0) {
    let b = 0;
    for (const p of h.procs) { tids.add(p.tid); b += procSize(p); }
    total += 12 + pad4(b);
  }
  for (const [tid, fds] of h.fds) {
    if (!tids.has(tid) || fds.length === 0) continue;
    let b = 8;
    for (const f of fds) b += fdSize(f);
    total += 12 + pad4(b);
  }
  return total;
}
