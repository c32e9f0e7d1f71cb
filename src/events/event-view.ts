// EventView: a reusable, fixed-shape window onto one encoded event (struct ppm_evt_hdr + params)
// inside a larger buffer: a capture-file block or a batch drained from the kernel. Nothing is
// copied or allocated per event; parameters are decoded on demand (src/events/params.ts).
//
//   off+0  u64 ts (ns since epoch)      off+16 u32 len (header+lengths+params)
//   off+8  u64 tid                      off+20 u16 type   off+22 u32 nparams
//   off+26 u16|u32 lengths[nparams]     then the parameter bytes, back to back

import { EVENT_LARGE_PAYLOAD, EVENT_NPARAMS_2022 } from './generated/event-table.js';

export const EVENT_HEADER_SIZE = 26;
/** Header of the legacy v1 encoding (no nparams field). */
export const EVENT_HEADER_SIZE_V1 = 22;
export const MAX_PARAMS = 64;

const EMPTY = Buffer.alloc(0);
// Module-local copies for the hot path (see `load`).
const HDR = 26;
const MAXP = 64;
const LARGE = EVENT_LARGE_PAYLOAD;

export class EventView {
  buf: Buffer = EMPTY;
  /** Offset of the event header in `buf`. */
  off = 0;
  type = 0;
  /** Thread id; -1 for events not tied to a thread (container events). Exact below 2^53. */
  tid = 0;
  /** Total event length (header + lengths array + params). */
  len = 0;
  nparams = 0;
  /** Header size of this event's encoding: 26, or 22 for legacy v1 events (no nparams). */
  hdr = EVENT_HEADER_SIZE;
  cpu = 0;
  /** scap dump flags (1 = state only, 2 = tracer). */
  dumpFlags = 0;
  /** Sequence number, 1-based, assigned by the source (sysdig's evt.num). */
  num = 0;
  /** Low and high u32 halves of the timestamp (the state's per-event clock without BigInt). */
  tsLo = 0;
  tsHi = 0;
  /** Absolute offset in `buf` of each parameter's bytes, and its length (see `poff`/`plen`). */
  private readonly offs = new Int32Array(MAX_PARAMS);
  private readonly lens = new Int32Array(MAX_PARAMS);
  /**
   * Whether offs/lens describe the current event. Most events are consumed without reading a
   * parameter (scheduler switches, procinfo, syscalls the state ignores), so `load` only checks
   * that the lengths add up and the table is filled on the first access to `poff`/`plen`.
   */
  private built = true;
  /** Width (2 or 4 bytes) of each entry of the current event's lengths array. */
  private lw = 2;
  /**
   * DataView over `buf` after a successful load (read-only for consumers: fixed-layout readers
   * such as the state's switch counters use it for one-load field reads, within the lengths
   * `load` checked).
   */
  dv: DataView<ArrayBufferLike> = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);
  /** The buffer `dv` views (both set by `useBuffer`). */
  private dvBuf: Buffer = EMPTY;

  /** Absolute offset in `buf` of each parameter's bytes (valid below `nparams`). */
  get poff(): Int32Array {
    if (!this.built) this.build();
    return this.offs;
  }

  /** Length of each parameter (valid below `nparams`). */
  get plen(): Int32Array {
    if (!this.built) this.build();
    return this.lens;
  }

  /**
   * Point the view at an event. Returns an error message (without position) if the event's
   * own lengths do not fit in `end`, otherwise null. `v1` selects the legacy 22-byte header.
   */
  load(buf: Buffer, off: number, end: number, cpu: number, dumpFlags: number, v1 = false): string | null {
    // v1 (22-byte header, no nparams) is rare: its own function keeps this one small, which
    // matters because the reader's loop inlines it (less to compile, sooner optimized). Every
    // error message is built in `loadError`: a template literal here put a number-to-string
    // call on the optimized path of every event. HDR and MAXP are module-local on purpose: in
    // the CommonJS bundle an exported constant is read as `exports.X` (a property load).
    if (v1) return this.loadV1(buf, off, end, cpu, dumpFlags);
    if (end - off < HDR) return this.loadError(off, end, 0, 0);
    const dv = this.head(buf, off, HDR, cpu, dumpFlags);
    const len = this.len;
    const type = this.type;
    const n = dv.getUint32(off + 22, true);
    if (len < HDR || len > end - off || n > MAXP) return this.loadError(off, end, len, n);
    if (type < LARGE.length && LARGE[type] === 1) return this.checkLengths(off, len, HDR, n, 4);
    this.lw = 2;
    // The lengths must fit in the event (a corrupt event is the reader's error, not a later
    // consumer's); the offsets table is built on demand. Lengths are u16 and n <= 64, so the
    // sum is exact: one comparison after the loop instead of one per parameter, and the slow
    // check only runs to name the parameter of an error.
    const room = len - HDR - 2 * n;
    if (room < 0) return this.checkLengths(off, len, HDR, n, 2);
    let sum = 0;
    for (let q = off + HDR, e = q + 2 * n; q < e; q += 2) sum += dv.getUint16(q, true);
    if (sum > room) return this.checkLengths(off, len, HDR, n, 2);
    this.nparams = n;
    this.built = n === 0;
    return null;
  }

  /**
   * Points the view at the event header at `off` (its size `hdr` already checked against the
   * buffer) and reads the fields both encodings share: timestamp, tid, length, type. Returns
   * the buffer's DataView. Small, so `load` inlines it.
   */
  private head(buf: Buffer, off: number, hdr: number, cpu: number, dumpFlags: number): DataView<ArrayBufferLike> {
    this.buf = buf;
    this.off = off;
    this.hdr = hdr;
    this.cpu = cpu;
    this.dumpFlags = dumpFlags;
    // A DataView per buffer (readers reuse theirs, so this is rarely rebuilt): in optimized code
    // each field is one unaligned load, cheaper than byte arithmetic and than Buffer.read*,
    // which validates its offset on every call. Bounds are checked by the caller.
    // A new buffer takes a call. Readers that switch buffers should call `useBuffer` once per
    // batch, outside their per-event loop: a call here that first runs after the optimizing
    // compiler has seen only one buffer has no type feedback and deoptimizes load.
    const dv = this.dvBuf === buf ? this.dv : this.useBuffer(buf);
    this.tsLo = dv.getUint32(off, true);
    this.tsHi = dv.getUint32(off + 4, true);
    this.tid = dv.getInt32(off + 12, true) * 4294967296 + dv.getUint32(off + 8, true);
    this.len = dv.getUint32(off + 16, true);
    this.type = dv.getUint16(off + 20, true);
    return dv;
  }

  /**
   * Prepares the view for events in `buf` (a DataView over it, kept for the next loads from
   * the same buffer) and returns the DataView. `load` calls it when the buffer changes; a
   * reader that switches buffers calls it before its per-event loop (see `load`).
   */
  useBuffer(buf: Buffer): DataView<ArrayBufferLike> {
    if (this.dvBuf === buf) return this.dv;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.dv = dv;
    this.dvBuf = buf;
    return dv;
  }

  /** The message of a header that `load` rejected (same checks, in the same order). */
  private loadError(off: number, end: number, len: number, n: number): string {
    if (end - off < HDR) return `event header truncated (${end - off} of ${HDR} bytes)`;
    if (len < HDR || len > end - off) return `event length ${len} does not fit (available ${end - off}, header ${HDR})`;
    return `event has ${n} parameters (max ${MAXP})`;
  }

  /**
   * Checks the lengths array (width `lw`) of the event at `off` against its length `len`, naming
   * the first parameter that overruns; sets `lw`, `nparams` and `built` like `load`.
   */
  private checkLengths(off: number, len: number, hdr: number, n: number, lw: number): string | null {
    this.lw = lw;
    if (hdr + n * lw > len) return `parameter lengths (${n}) overrun event length ${len}`;
    const dv = this.dv;
    let room = len - hdr - n * lw;
    let q = off + hdr;
    for (let i = 0; i < n; i++, q += lw) {
      const l = lw === 2 ? dv.getUint16(q, true) : dv.getUint32(q, true);
      if (l > room) return `parameter ${i} length ${l} overruns event length ${len}`;
      room -= l;
    }
    this.nparams = n;
    this.built = n === 0;
    return null;
  }

  /** `load` for the legacy v1 encoding (22-byte header, nparams rebuilt from the lengths). */
  private loadV1(buf: Buffer, off: number, end: number, cpu: number, dumpFlags: number): string | null {
    const hdr = EVENT_HEADER_SIZE_V1;
    if (end - off < hdr) return `event header truncated (${end - off} of ${hdr} bytes)`;
    const dv = this.head(buf, off, hdr, cpu, dumpFlags);
    const len = this.len;
    const type = this.type;
    if (len < hdr || len > end - off) return `event length ${len} does not fit (available ${end - off}, header ${hdr})`;
    const lw = type < LARGE.length && LARGE[type] === 1 ? 4 : 2;
    // v1 events do not store nparams: start from the table's count and drop trailing
    // params until the lengths add up (what libscap does for these files).
    let n = type < EVENT_NPARAMS_2022.length ? EVENT_NPARAMS_2022[type] : 0;
    for (; n > 0; n--) {
      if (hdr + n * lw > len) continue;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += lw === 2 ? dv.getUint16(off + hdr + i * 2, true) : dv.getUint32(off + hdr + i * 4, true);
      if (hdr + n * lw + sum === len) break;
    }
    if (n > MAXP) return `event has ${n} parameters (max ${MAXP})`;
    return this.checkLengths(off, len, hdr, n, lw);
  }

  /** Fills offs/lens from the lengths array (already checked by `load`). */
  private build(): void {
    this.built = true;
    const b = this.buf, n = this.nparams, offs = this.offs, lens = this.lens;
    let q = this.off + this.hdr;
    let p = q + n * this.lw;
    if (this.lw === 2) {
      for (let i = 0; i < n; i++, q += 2) {
        const l = b[q]! | (b[q + 1]! << 8);
        offs[i] = p;
        lens[i] = l;
        p += l;
      }
    } else {
      for (let i = 0; i < n; i++, q += 4) {
        const l = (b[q]! | (b[q + 1]! << 8) | (b[q + 2]! << 16) | (b[q + 3]! << 24)) >>> 0;
        offs[i] = p;
        lens[i] = l;
        p += l;
      }
    }
  }

  /** Timestamp in ns since the epoch. */
  ts(): bigint {
    return this.buf.readBigUInt64LE(this.off);
  }

  /** The event's bytes (header + params), without copying. */
  bytes(): Buffer {
    return this.buf.subarray(this.off, this.off + this.len);
  }
}
