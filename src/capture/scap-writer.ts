// scap writer following the writer profile of /work/shared/reference/scap-format.md §9, so the
// files read in sysdig 0.29.3 (libs 2022-03) and current libs alike:
//
//   SHB 1.2 (28 bytes, no options) → MI (192 bytes) → IL_V2 → UL_V2 → PL_V9 (29-byte tail)
//   → FDL_V2 per thread (tids of the PL only, fd types 1-16) → EV_V2 / EVF_V2 (flags ≠ 0)
//   → EV(F)_V2_LARGE when an event block would pass libscap's 64 KiB non-LARGE limit.
//
// Event ids >= 336 (not in the 2022 table) are dropped by default: sysdig 0.29.3 skips them
// anyway and current libs would run them through its converter; `keepNewEvents` keeps them.
// Legacy v1 events (22-byte header) are re-encoded with an nparams field.
//
// Output is batched without allocating per event: each event block is written straight into
// a 1 MiB output chunk (block header, then the event's bytes copied from the source buffer in
// one pass, see bytes.ts: a v2 event is already laid out as the block body wants it), and
// full chunks are handed to the file (or gzip) stream. Chunks come back to a free list when the stream has
// written them, so a long rewrite cycles through a few chunks instead of allocating (and
// page-faulting) a fresh MiB each time. Up to MAX_IN_FLIGHT chunks may be queued to the disk
// while the caller goes on decoding; past that, `drain()` (called between batches) waits:
// back-pressure, never a drop.

import { createWriteStream, type WriteStream } from 'node:fs';
import { createGzip, type Gzip } from 'node:zlib';
import { KestrelError } from '../errors.js';
import type { EventView } from '../events/event-view.js';
import { EVENT_HEADER_SIZE } from '../events/event-view.js';
import { BT, SHB_MAGIC } from './scap-blocks.js';
import { copyBytes, viewOf } from './bytes.js';
import type { CaptureHeader, FdEntry, ProcEntry } from './types.js';
import { FdType } from './types.js';

export interface ScapWriterOptions {
  /** gzip the whole file (what `sysdig -z` does). */
  gzip?: boolean;
  /** Keep events with ids >= 336 (unknown to sysdig 0.29.3). Default false. */
  keepNewEvents?: boolean;
  /**
   * Create the file with O_EXCL and this mode (never follow or overwrite what is at the path).
   * Default: truncate or create (0666 & ~umask), like `sysdig -w`.
   */
  exclusiveMode?: number;
}

export const EVENT_MAX_2022 = 336;
const OUT_CHUNK = 1 << 20;
/** Chunks handed to the stream and not written yet before drain() waits (8 MiB). */
const MAX_IN_FLIGHT = 8;
/** libscap's non-LARGE read buffer: block_total_length - 8 must not exceed it. */
const NON_LARGE_MAX_BODY = 65536;

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** A small growable little-endian builder for header blocks (not on the hot path). */
class Builder {
  buf = Buffer.alloc(4096);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const nb = Buffer.alloc(cap);
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
  }
  u8(v: number): void { this.ensure(1); this.buf[this.len++] = v & 0xff; }
  u16(v: number): void { this.ensure(2); this.buf.writeUInt16LE(v & 0xffff, this.len); this.len += 2; }
  u32(v: number): void { this.ensure(4); this.buf.writeUInt32LE(v >>> 0, this.len); this.len += 4; }
  i32(v: number): void { this.ensure(4); this.buf.writeInt32LE(v | 0, this.len); this.len += 4; }
  u64(v: bigint): void { this.ensure(8); this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.len); this.len += 8; }
  i64(v: number): void { this.u64(BigInt(Math.trunc(v))); }
  bytes(b: Uint8Array, n = b.length): void {
    this.ensure(n);
    for (let i = 0; i < n; i++) this.buf[this.len + i] = i < b.length ? b[i]! : 0;
    this.len += n;
  }
  /** u16 length + bytes, without NUL; cut at `max` bytes like the libscap reader limits. */
  str(s: string, max = 1024): void {
    let b = Buffer.from(s, 'utf8');
    if (b.length > max) b = b.subarray(0, max);
    this.u16(b.length);
    this.bytes(b);
  }
  /** NUL-separated list, each item NUL-terminated (args/env/cgroups), at most `max` bytes. */
  strList(items: string[], max = 4096): void {
    const parts: Buffer[] = [];
    let n = 0;
    for (const it of items) {
      const b = Buffer.from(it + '\0', 'utf8');
      if (n + b.length > max) break;
      parts.push(b);
      n += b.length;
    }
    this.u16(n);
    for (const p of parts) this.bytes(p);
  }
  at(): number { return this.len; }
  patchU32(pos: number, v: number): void { this.buf.writeUInt32LE(v >>> 0, pos); }
}

export class ScapWriter {
  private out: Buffer = Buffer.allocUnsafe(OUT_CHUNK);
  private odv: DataView = viewOf(this.out);
  private olen = 0;
  /** Chunks the stream has written, ready for reuse (each OUT_CHUNK bytes). */
  private readonly free: Buffer[] = [];
  /** Chunks handed to the stream whose write callback has not run yet. */
  private inFlight = 0;
  /** What drain() callers wait on while inFlight >= MAX_IN_FLIGHT, and its resolver. */
  private waiting: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** DataView over the last buffer writeRaw was given (container events: a few per run). */
  private rawDv: DataView | null = null;
  private rawBuf: Buffer | null = null;
  /**
   * A run of consecutive source blocks copyEvent has reserved room for at runDst of the chunk
   * and not copied yet: runLen bytes at runSrc of runBuf (see copyEvent).
   */
  private runBuf: Buffer | null = null;
  private runSrc = 0;
  private runLen = 0;
  private runDst = 0;
  private readonly file: WriteStream;
  private readonly gz: Gzip | null;
  private readonly sink: WriteStream | Gzip;
  private error: Error | null = null;
  private headerDone = false;
  private closed = false;
  /** Output chunks (1 MiB) allocated so far: a few, however long the file (they are reused). */
  chunksAllocated = 1;
  /** Events copyEvent took as part of a run (copied with their neighbours in one memcpy). */
  runEvents = 0;
  /** Times drain() waited for the stream (MAX_IN_FLIGHT chunks queued): the disk was behind. */
  drainWaits = 0;
  /** Events written and dropped (ids >= 336 without keepNewEvents). */
  written = 0;
  dropped = 0;

  private constructor(readonly path: string, private readonly opts: ScapWriterOptions) {
    this.file = opts.exclusiveMode === undefined ? createWriteStream(path)
      : createWriteStream(path, { flags: 'wx', mode: opts.exclusiveMode });
    this.file.on('error', (e) => { this.error ??= e; this.wakeUp(); });
    if (opts.gzip) {
      this.gz = createGzip({ level: 6 });
      this.gz.on('error', (e) => { this.error ??= e; this.wakeUp(); });
      this.gz.pipe(this.file);
      this.sink = this.gz;
    } else {
      this.gz = null;
      this.sink = this.file;
    }
  }

  static async create(path: string, opts: ScapWriterOptions = {}): Promise<ScapWriter> {
    const w = new ScapWriter(path, opts);
    await new Promise<void>((resolve, reject) => {
      w.file.once('open', () => resolve());
      w.file.once('error', (e) => reject(new KestrelError('KES_IO', `cannot create ${path}: ${e.message}`, { cause: e })));
    });
    return w;
  }

  private checkError(): void {
    if (this.error) throw new KestrelError('KES_IO', `cannot write ${this.path}: ${this.error.message}`, { cause: this.error });
  }

  private wakeUp(): void {
    const w = this.wake;
    if (w !== null) { this.wake = null; this.waiting = null; w(); }
  }

  /** Hands the filled part of the current chunk to the stream and takes a free chunk. */
  private flushChunk(): void {
    if (this.runLen !== 0) this.endRun();
    if (this.olen === 0) return;
    const chunk = this.out;
    this.inFlight++;
    // The callback runs once the stream (fs or zlib) is done with the bytes: the chunk can be
    // reused from then on. One closure per MiB, not per event.
    this.sink.write(chunk.subarray(0, this.olen), (e?: Error | null) => {
      this.inFlight--;
      if (e) this.error ??= e;
      else if (chunk.length === OUT_CHUNK) this.free.push(chunk);
      if (this.inFlight < MAX_IN_FLIGHT) this.wakeUp();
    });
    let next = this.free.pop();
    if (next === undefined) { next = Buffer.allocUnsafe(OUT_CHUNK); this.chunksAllocated++; }
    this.setChunk(next);
  }

  private setChunk(b: Buffer): void {
    this.out = b;
    this.odv = viewOf(b);
    this.olen = 0;
  }

  private room(n: number): void {
    if (this.olen + n <= this.out.length) return;
    this.flushChunk();
    // A block larger than a chunk (LARGE events) gets a buffer of its own, not reused.
    if (n > this.out.length) {
      this.free.push(this.out);
      this.setChunk(Buffer.allocUnsafe(n));
    }
  }

  private putBlock(type: number, body: Buffer, bodyLen: number): void {
    if (this.runLen !== 0) this.endRun();
    const total = 12 + pad4(bodyLen);
    this.room(total);
    const o = this.out;
    let p = this.olen;
    o.writeUInt32LE(type, p); o.writeUInt32LE(total, p + 4);
    body.copy(o, p + 8, 0, bodyLen);
    p += 8 + bodyLen;
    while (p < this.olen + total - 4) o[p++] = 0;
    o.writeUInt32LE(total, p);
    this.olen += total;
  }

  /** Writes SHB and the header blocks. Must come before any event. */
  writeHeader(h: CaptureHeader): void {
    if (this.headerDone) throw new KestrelError('KES_USAGE', 'scap writer: header written twice');
    this.headerDone = true;
    const shb = Buffer.alloc(16);
    shb.writeUInt32LE(SHB_MAGIC, 0);
    shb.writeUInt16LE(1, 4);
    shb.writeUInt16LE(2, 6);
    shb.writeBigUInt64LE(0xffffffffffffffffn, 8);
    this.putBlock(BT.SHB, shb, 16);

    if (h.machine) {
      const m = Buffer.alloc(180);
      m.writeUInt32LE(h.machine.numCpus >>> 0, 0);
      m.writeBigUInt64LE(BigInt.asUintN(64, h.machine.memorySizeBytes), 4);
      m.writeBigUInt64LE(BigInt.asUintN(64, h.machine.maxPid), 12);
      Buffer.from(h.machine.hostname, 'utf8').subarray(0, 127).copy(m, 20);
      m.writeBigUInt64LE(BigInt.asUintN(64, h.machine.bootTsEpoch), 148);
      m.writeBigUInt64LE(BigInt.asUintN(64, h.machine.flags), 156);
      this.putBlock(BT.MI, m, 180);
    }

    if (h.interfaces.length > 0) {
      const b = new Builder();
      for (const it of h.interfaces) {
        const name = Buffer.from(it.name, 'utf8').subarray(0, 1023);
        const v4 = it.family === 4;
        b.u32((v4 ? 24 : 60) + name.length); // entry_len excludes itself
        b.u16(v4 ? 1 : 2);
        b.u16(name.length);
        const w = v4 ? 4 : 16;
        b.bytes(it.addr, w); b.bytes(it.netmask, w); b.bytes(it.bcast, w);
        b.u64(it.linkspeed);
        b.bytes(name);
      }
      this.putBlock(BT.IL_V2, b.buf, b.len);
    }

    if (h.users.length > 0 || h.groups.length > 0) {
      const b = new Builder();
      for (const u of h.users) {
        const at = b.at();
        b.u32(0); b.u8(0); b.u32(u.uid); b.u32(u.gid);
        b.str(u.name, 255); b.str(u.homedir, 255); b.str(u.shell, 255);
        b.patchU32(at, b.at() - at); // entry_len includes itself
      }
      for (const g of h.groups) {
        const at = b.at();
        b.u32(0); b.u8(1); b.u32(g.gid); b.str(g.name, 255);
        b.patchU32(at, b.at() - at);
      }
      this.putBlock(BT.UL_V2, b.buf, b.len);
    }

    const tids = new Set<number>();
    if (h.procs.length > 0) {
      const b = new Builder();
      for (const p of h.procs) {
        tids.add(p.tid);
        writeProc(b, p);
      }
      this.putBlock(BT.PL_V9, b.buf, b.len);
    }

    for (const [tid, fds] of h.fds) {
      // libscap 2022 fails on an FDL whose tid is not in the PL.
      if (!tids.has(tid) || fds.length === 0) continue;
      const b = new Builder();
      b.i64(tid);
      for (const f of fds) writeFd(b, f);
      this.putBlock(BT.FDL_V2, b.buf, b.len);
    }
    this.checkError();
  }

  /** Copies the pending run (copyEvent) into its place in the chunk. */
  private endRun(): void {
    this.runBuf!.copy(this.out, this.runDst, this.runSrc, this.runSrc + this.runLen);
    this.runBuf = null;
    this.runLen = 0;
  }

  /**
   * Like writeEvent, for an event a ScapReader delivered (`ev` points into the reader's buffer,
   * inside its block): when the block is already what writeEvent would write (an EV_V2 block
   * of exactly this event, zero padding), it is not copied now but added to a run of
   * consecutive blocks, copied in one memcpy when the run ends. So an unfiltered rewrite
   * copies whole stretches of the input, and a filtered one each stretch of passing events.
   *
   * The run refers to the reader's buffer: call endBatch() after each nextBatch, before the
   * reader reads again (drain() and close() end the run too).
   */
  copyEvent(ev: EventView): boolean {
    const off = ev.off, len = ev.len;
    const total = 12 + pad4(2 + len); // EV_V2: 8 + (cpu u16 + event, padded) + trailer
    const bs = off - 10;
    const dv = ev.dv;
    // Anything else (flags, v1, LARGE, another layout, a padded block) goes through writeParts.
    if (ev.hdr !== EVENT_HEADER_SIZE || ev.dumpFlags !== 0 || bs < 0 || len + 6 > NON_LARGE_MAX_BODY || !this.headerDone ||
      (ev.type >= EVENT_MAX_2022 && !this.opts.keepNewEvents) ||
      dv.getUint32(bs, true) !== BT.EV_V2 || dv.getUint32(bs + 4, true) !== total) {
      return this.writeEvent(ev);
    }
    for (let q = off + len, e = bs + total - 4; q < e; q++) if (dv.getUint8(q) !== 0) return this.writeEvent(ev);
    const buf = ev.buf;
    if (this.runLen !== 0 && (this.runBuf !== buf || this.runSrc + this.runLen !== bs)) this.endRun();
    if (this.olen + total > this.out.length) this.flushChunk(); // ends the run first
    if (this.runLen === 0) {
      this.runBuf = buf;
      this.runSrc = bs;
      this.runDst = this.olen;
    }
    this.runLen += total;
    this.olen += total;
    this.written++;
    this.runEvents++;
    return this.inFlight >= MAX_IN_FLIGHT;
  }

  /** Ends copyEvent's run: call before the buffer of the events given to it changes. */
  endBatch(): void {
    if (this.runLen !== 0) this.endRun();
  }

  /** Writes one event from a view (any source encoding; v1 events are re-encoded as v2). */
  writeEvent(ev: EventView): boolean {
    return this.writeParts(ev.buf, ev.dv, ev.off, ev.hdr, ev.len, ev.type, ev.nparams, ev.cpu, ev.dumpFlags);
  }

  /** Writes raw v2 event bytes (a ppm_evt_hdr with nparams, as the probe produces them). */
  writeRaw(bytes: Buffer, cpu: number, dumpFlags = 0): boolean {
    if (bytes.length < EVENT_HEADER_SIZE) throw new KestrelError('KES_USAGE', `scap writer: event of ${bytes.length} bytes is shorter than its header`);
    const len = bytes.readUInt32LE(16);
    if (len > bytes.length || len < EVENT_HEADER_SIZE) throw new KestrelError('KES_USAGE', `scap writer: event length ${len} does not match its ${bytes.length} bytes`);
    if (this.rawBuf !== bytes) { this.rawBuf = bytes; this.rawDv = viewOf(bytes); }
    return this.writeParts(bytes, this.rawDv!, 0, EVENT_HEADER_SIZE, len, bytes.readUInt16LE(20), bytes.readUInt32LE(22), cpu, dumpFlags);
  }

  /**
   * The event at `off` in `b` (`dv` views all of `b`), header size `hdr` (26, or 22 for v1),
   * as one EV(F)_V2(_LARGE) block in the output chunk. A v2 event is copied as it is (its
   * header already holds this len, type and nparams); a v1 event gets the nparams field.
   */
  private writeParts(b: Buffer, dv: DataView, off: number, hdr: number, len: number, type: number, nparams: number,
    cpu: number, dumpFlags: number): boolean {
    if (!this.headerDone) throw new KestrelError('KES_USAGE', 'scap writer: writeHeader() must come before events');
    if (type >= EVENT_MAX_2022 && !this.opts.keepNewEvents) { this.dropped++; return this.inFlight >= MAX_IN_FLIGHT; }
    if (this.runLen !== 0) this.endRun();
    const flags = dumpFlags & ~4; // SCAP_DF_LARGE is never stored: it selects the block type
    const evLen = len - hdr + EVENT_HEADER_SIZE;
    const prefix = flags !== 0 ? 6 : 2;
    const bodyLen = prefix + evLen;
    const large = bodyLen + 4 > NON_LARGE_MAX_BODY;
    const btype = flags !== 0 ? (large ? BT.EVF_V2_LARGE : BT.EVF_V2) : (large ? BT.EV_V2_LARGE : BT.EV_V2);
    const total = 12 + pad4(bodyLen);
    if (this.olen + total > this.out.length) this.room(total);
    const o = this.odv;
    const start = this.olen;
    let p = start;
    o.setUint32(p, btype, true);
    o.setUint32(p + 4, total, true);
    o.setUint16(p + 8, cpu & 0xffff, true);
    if (flags !== 0) o.setUint32(p + 10, flags >>> 0, true);
    p += 8 + prefix;
    if (hdr === EVENT_HEADER_SIZE) {
      copyBytes(b, dv, off, this.out, o, p, len);
    } else {
      // v1: ts and tid as they are, then len/type/nparams of the v2 header, then the rest.
      copyBytes(b, dv, off, this.out, o, p, 16);
      o.setUint32(p + 16, evLen, true);
      o.setUint16(p + 20, type, true);
      o.setUint32(p + 22, nparams, true);
      copyBytes(b, dv, off + hdr, this.out, o, p + EVENT_HEADER_SIZE, len - hdr);
    }
    p += evLen;
    const end = start + total - 4;
    for (; p < end; p++) o.setUint8(p, 0);
    o.setUint32(p, total, true);
    this.olen = start + total;
    this.written++;
    return this.inFlight >= MAX_IN_FLIGHT;
  }

  /**
   * Resolves when the stream can take more (call between batches): at once unless
   * MAX_IN_FLIGHT chunks are still queued to the disk (or gzip), then after one of them.
   */
  async drain(): Promise<void> {
    if (this.runLen !== 0) this.endRun();
    this.checkError();
    while (this.inFlight >= MAX_IN_FLIGHT && this.error === null) {
      if (this.waiting === null) {
        this.drainWaits++;
        this.waiting = new Promise<void>((resolve) => { this.wake = resolve; });
      }
      await this.waiting;
    }
    this.checkError();
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flushChunk();
    await new Promise<void>((resolve) => {
      // A write error destroys the stream, which may have closed already: waiting for a
      // 'close' that came would leave nothing on the event loop and the process would end
      // with the error unreported (exit 0).
      if (this.file.closed || this.file.destroyed) { resolve(); return; }
      this.file.once('close', () => resolve());
      this.file.once('error', () => resolve());
      // a failed gzip stream no longer ends the file it was piped to
      if (this.gz !== null && this.gz.destroyed) this.file.end();
      else this.sink.end();
    });
    this.checkError();
  }
}

function writeProc(b: Builder, p: ProcEntry): void {
  const at = b.at();
  b.u32(0);
  b.i64(p.tid); b.i64(p.pid); b.i64(p.ptid); b.i64(p.sid); b.i64(p.vpgid);
  b.str(p.comm); b.str(p.exe); b.str(p.exepath);
  b.strList(p.args);
  b.str(p.cwd);
  b.u64(p.fdlimit);
  b.u32(p.flags); b.u32(p.uid); b.u32(p.gid);
  b.u32(p.vmsizeKb); b.u32(p.vmrssKb); b.u32(p.vmswapKb);
  b.u64(p.pfmajor); b.u64(p.pfminor);
  b.strList(p.env);
  b.i64(p.vtid); b.i64(p.vpid);
  b.strList(p.cgroups);
  b.str(p.root);
  // The 29-byte tail both readers agree on (no pidns_init_start_ts / tty: 0.29.3 would misread).
  b.i32(p.loginuid);
  b.u8(p.exeWritable ? 1 : 0);
  b.u64(p.capInheritable); b.u64(p.capPermitted); b.u64(p.capEffective);
  b.patchU32(at, b.at() - at);
}

function writeFd(b: Builder, f: FdEntry): void {
  const at = b.at();
  b.u32(0);
  b.i64(f.fd);
  b.u64(f.ino);
  // Types 17+ (bpf, userfaultfd, io_uring, memfd, pidfd) are fatal for sysdig 0.29.3.
  const type = f.type >= 1 && f.type <= FdType.FILE_V2 ? f.type : FdType.UNSUPPORTED;
  b.u8(type);
  switch (type) {
    case FdType.IPV4_SOCK:
      b.bytes(f.sip, 4); b.bytes(f.dip, 4); b.u16(f.sport); b.u16(f.dport); b.u8(f.l4proto); break;
    case FdType.IPV6_SOCK:
      b.bytes(f.sip, 16); b.bytes(f.dip, 16); b.u16(f.sport); b.u16(f.dport); b.u8(f.l4proto); break;
    case FdType.IPV4_SERVSOCK:
      b.bytes(f.sip, 4); b.u16(f.sport); b.u8(f.l4proto); break;
    case FdType.IPV6_SERVSOCK:
      b.bytes(f.sip, 16); b.u16(f.sport); b.u8(f.l4proto); break;
    case FdType.UNIX_SOCK:
      b.u64(f.unixSource); b.u64(f.unixDest); b.str(f.name, 1023); break;
    case FdType.FILE_V2:
      b.u32(f.openFlags); b.str(f.name, 1023); b.u32(f.dev); break;
    default:
      b.str(f.name, 1023);
  }
  b.patchU32(at, b.at() - at);
}
