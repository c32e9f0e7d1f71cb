// Streaming scap reader: plain or gzip files of any size in constant memory.
//
//   file ──(FileHandle.read | gunzip stream)──► chunk buffer [start, end) ──► blocks ──► EventView
//
// The chunk buffer (512 KiB) is reused: complete blocks are decoded in place, a block that
// straddles the end is moved to the front before the next read. A block larger than the
// buffer grows it once, up to the block caps (64 KiB for normal event blocks, 256 MiB for LARGE
// and header blocks), so a corrupt length cannot make us allocate without bound.
//
// Phases follow libscap: the file starts with an SHB; MI/PL/FDL/IL/UL blocks fill the
// CaptureHeader until the first event block; then events. A new SHB after events starts a
// concatenated section, whose header blocks are merged into the same header. Unknown block
// types are skipped in both phases (libscap skips them only in the header phase, and stops at
// one found mid-stream; kestrel keeps reading, the safer choice for a security tool).

import { createReadStream, openSync, readSync, read as readAsync, fstatSync, closeSync } from 'node:fs';
// zlib and streams are loaded only for gzip input (gzipInput below): plain replays skip them.
import type { Gunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { KestrelError } from '../errors.js';
import { EventView } from '../events/event-view.js';
import type { CaptureHeader } from './types.js';
import { BT, SHB_MAGIC, blockName, isEventBlock, MAX_EVENT_BLOCK, MAX_LARGE_BLOCK } from './scap-blocks.js';
import { emptyHeader, parseHeaderBlock } from './scap-header.js';

// 512 KiB: large enough that per-read overhead is negligible, small enough that first touch
// is cheap. Fresh pages are expensive here (measured: the first read into a new 4 MiB buffer
// took 65-125 ms, page faults; a reused one 1 ms), and a bigger chunk bought no throughput.
const CHUNK = 512 * 1024;

function dataView(b: Buffer): DataView<ArrayBufferLike> {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

const DRAIN_OK = 0;
const DRAIN_SLOW = 1;

interface ByteInput {
  read(buf: Buffer, off: number, len: number): Promise<number>;
  close(): Promise<void>;
  /** Total bytes when known up front (plain files, memory), else -1 (gzip). */
  readonly size: number;
}

/**
 * A plain file, read synchronously on the main thread. An async FileHandle.read hands each
 * chunk to a libuv pool thread and waits for it to be scheduled and to wake us again; on a
 * busy machine those two hand-offs per 4 MiB cost more wall time than the copy itself (a
 * replay of a 140 MB capture spent ~40% of its wall time waiting). The reader has nothing
 * else to do while a chunk is read, so blocking here loses nothing.
 */
class PlainInput implements ByteInput {
  constructor(private fd: number, readonly size: number) {}
  async read(buf: Buffer, off: number, len: number): Promise<number> {
    return readSync(this.fd, buf, off, len, null);
  }
  async close(): Promise<void> {
    if (this.fd >= 0) { const fd = this.fd; this.fd = -1; closeSync(fd); }
  }
}

/**
 * Bytes kept free in front of each prefetched chunk: the tail of a block that straddles two
 * chunks is copied there, so the block is whole in the next chunk's buffer without moving the
 * chunk. An event block (at most MAX_EVENT_BLOCK) always fits; larger (LARGE/header) blocks take
 * the copying path.
 */
const HEADROOM = 72 * 1024;
/** Prefetched chunk size and count: reads run one to three chunks ahead of the decoder. */
const PREFETCH_CHUNK = 1024 * 1024;
const PREFETCH_SLOTS = 4;
/** Files smaller than this are read synchronously (a read ahead would not pay for itself). */
const PREFETCH_MIN_SIZE = 4 * PREFETCH_CHUNK;

/** One prefetched chunk: file bytes in buf[start, end); buf[0] is file offset `fileOff`. */
interface Chunk {
  readonly buf: Buffer;
  readonly dv: DataView<ArrayBufferLike>;
  start: number;
  end: number;
  fileOff: number;
  /** 0 free, 1 read in flight, 2 filled. */
  state: number;
  error: Error | null;
  /** Resolves the consumer waiting for this chunk's read. */
  wake: (() => void) | null;
}

/**
 * A plain file read ahead on libuv's thread pool while the main thread decodes: the pread of
 * the next chunks overlaps the processing of the current one (reads were ~15% of a replay's
 * main-thread time). Chunks are handed to the reader in place (`next`), not copied; the reader
 * gives each back (`release`) once it has moved past it, and a freed slot is read into again
 * at once. A chunk whose read has not been started when it is needed is read synchronously
 * (the start of the file, before the pool threads are up), so waiting never costs more than
 * PlainInput did. `read` serves the copying path (blocks larger than the headroom).
 */
class PrefetchInput implements ByteInput {
  private readonly slots: Chunk[] = [];
  /** File offset of the next chunk to request, and the slot it goes to. */
  private nextPos = 0;
  private nextReq = 0;
  /** Slot the consumer takes next. */
  private nextTake = 0;
  /** The file offset where the last read came up short: nothing to read beyond. */
  private eofAt = -1;
  /** A chunk partly consumed by `read` (copying path), taken first by `next`. */
  private cur: Chunk | null = null;
  private inFlight = 0;
  private drained: (() => void) | null = null;
  private closed = false;

  constructor(private fd: number, readonly size: number, startAt: number) {
    this.nextPos = startAt;
    for (let i = 0; i < PREFETCH_SLOTS; i++) {
      const buf = Buffer.allocUnsafeSlow(HEADROOM + PREFETCH_CHUNK);
      this.slots.push({ buf, dv: dataView(buf), start: 0, end: 0, fileOff: 0, state: 0, error: null, wake: null });
    }
  }

  /**
   * Starts reads into every free slot, in file order (called first by ScapReader.prefetch, so
   * the first chunk too is read on the pool rather than by `next`).
   */
  request(): void {
    while (!this.closed && this.eofAt < 0) {
      const c = this.slots[this.nextReq]!;
      if (c.state !== 0) return;
      this.start(c, false);
    }
  }

  private start(c: Chunk, sync: boolean): void {
    const pos = this.nextPos;
    this.nextPos += PREFETCH_CHUNK;
    this.nextReq = (this.nextReq + 1) % PREFETCH_SLOTS;
    c.fileOff = pos - HEADROOM;
    c.start = HEADROOM;
    c.end = HEADROOM;
    c.error = null;
    if (sync) {
      let n = 0;
      try { n = readSync(this.fd, c.buf, HEADROOM, PREFETCH_CHUNK, pos); } catch (e) { c.error = e as Error; }
      this.filled(c, pos, n);
      return;
    }
    c.state = 1;
    this.inFlight++;
    readAsync(this.fd, c.buf, HEADROOM, PREFETCH_CHUNK, pos, (err, n) => {
      this.inFlight--;
      if (err) c.error = err;
      this.filled(c, pos, err ? 0 : n);
      if (this.inFlight === 0 && this.drained !== null) this.drained();
      const w = c.wake;
      c.wake = null;
      if (w !== null) w();
    });
  }

  private filled(c: Chunk, pos: number, n: number): void {
    c.end = HEADROOM + n;
    c.state = 2;
    if (n < PREFETCH_CHUNK && (this.eofAt < 0 || pos < this.eofAt)) this.eofAt = pos + n;
  }

  /** The next chunk in file order, or null at the end of the file. */
  async next(): Promise<Chunk | null> {
    if (this.cur !== null) { const c = this.cur; this.cur = null; return c; }
    const c = this.slots[this.nextTake]!;
    if (c.state === 0) {
      // Not requested yet: the reads have fallen behind (or not started): read it here.
      if (this.eofAt >= 0 && this.nextPos >= this.eofAt) return null;
      this.start(c, true);
    } else if (c.state === 1) {
      await new Promise<void>((resolve) => { c.wake = resolve; });
    }
    if (c.error !== null) {
      const e = c.error;
      throw new KestrelError('KES_IO', `read failed at offset ${c.fileOff + HEADROOM}: ${e.message}`, { cause: e });
    }
    if (c.end === c.start) { c.state = 0; return null; }
    this.nextTake = (this.nextTake + 1) % PREFETCH_SLOTS;
    this.request();
    return c;
  }

  /** Gives a chunk back: its slot is read into again. */
  release(c: Chunk): void {
    c.state = 0;
    this.request();
  }

  async read(buf: Buffer, off: number, len: number): Promise<number> {
    const c = this.cur ?? await this.next();
    this.cur = null;
    if (c === null) return 0;
    const n = Math.min(len, c.end - c.start);
    c.buf.copy(buf, off, c.start, c.start + n);
    c.start += n;
    if (c.start < c.end) this.cur = c;
    else this.release(c);
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    // A pread still on the pool must not see its fd closed (or reused) under it.
    if (this.inFlight > 0) await new Promise<void>((resolve) => { this.drained = resolve; });
    if (this.fd >= 0) { const fd = this.fd; this.fd = -1; closeSync(fd); }
  }
}

/** Whether the buffer starts with gzip's magic (1f 8b). */
function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** The open file's size and whether it is gzip (read from its first two bytes). */
function sniff(fd: number): { size: number; gz: boolean } {
  const size = fstatSync(fd).size;
  const magic = Buffer.alloc(2);
  return { size, gz: isGzip(magic.subarray(0, readSync(fd, magic, 0, 2, 0))) };
}

/** Whether a plain file of `size` bytes is read ahead (PrefetchInput) rather than PlainInput. */
function readsAhead(size: number, opts: ScapReaderOptions): boolean {
  return size >= PREFETCH_MIN_SIZE && opts.chunkSize === undefined && process.env.KESTREL_READ_AHEAD !== '0';
}

/** A read ahead started by ScapReader.prefetch, waiting for its open(). */
let early: { path: string; input: PrefetchInput } | null = null;

/** An in-memory capture (tests, small captures already in memory). */
class MemoryInput implements ByteInput {
  private pos = 0;
  readonly size: number;
  constructor(private data: Buffer) { this.size = data.length; }
  async read(buf: Buffer, off: number, len: number): Promise<number> {
    const n = Math.min(len, this.data.length - this.pos);
    this.data.copy(buf, off, this.pos, this.pos + n);
    this.pos += n;
    return n;
  }
  async close(): Promise<void> { /* nothing to release */ }
}

async function gzipInput(source: string | Buffer): Promise<GzipInput> {
  const [zlib, stream] = await Promise.all([import('node:zlib'), import('node:stream')]);
  return new GzipInput(source, zlib.createGunzip, stream.Readable);
}

class GzipInput implements ByteInput {
  readonly size = -1;
  private it: AsyncIterator<Buffer>;
  private pending: Buffer | null = null;
  private ppos = 0;
  private done = false;
  private stream: Gunzip;
  private src: Readable;
  constructor(source: string | Buffer, createGunzip: typeof import('node:zlib').createGunzip, readable: typeof Readable) {
    this.src = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : readable.from([source]);
    this.stream = createGunzip({ chunkSize: 1 << 20 });
    this.src.on('error', (e) => this.stream.destroy(e));
    this.src.pipe(this.stream);
    this.it = this.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }
  async read(buf: Buffer, off: number, len: number): Promise<number> {
    let n = 0;
    while (n < len) {
      if (this.pending === null || this.ppos >= this.pending.length) {
        if (this.done) break;
        let r: IteratorResult<Buffer>;
        try {
          r = await this.it.next();
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          if ((e as NodeJS.ErrnoException).code?.startsWith('Z_') || /unexpected end|incorrect header|invalid/i.test(msg)) {
            throw new KestrelError('KES_SCAP_CORRUPT', `gzip stream is corrupt or truncated (${msg})`);
          }
          throw new KestrelError('KES_IO', `cannot read capture: ${msg}`, { cause: e });
        }
        if (r.done) { this.done = true; break; }
        this.pending = r.value;
        this.ppos = 0;
        if (n > 0) break; // hand back what we have; the caller asks again if it needs more
        continue;
      }
      const k = Math.min(len - n, this.pending.length - this.ppos);
      this.pending.copy(buf, off + n, this.ppos, this.ppos + k);
      this.ppos += k;
      n += k;
    }
    return n;
  }
  async close(): Promise<void> {
    this.src.destroy();
    this.stream.destroy();
  }
}

export interface ScapReaderOptions {
  /** Chunk buffer size (tests use small ones to force blocks across chunk boundaries). */
  chunkSize?: number;
  /**
   * Deliver only events whose type is below this id (default: all). Skipped events are still
   * checked and counted in blockCounts/events, but not numbered.
   */
  typesBelow?: number;
}

export interface SectionHeaderInfo {
  major: number;
  minor: number;
  /** Bytes of pcapng options after the fixed SHB fields (sysdig 0.29.3 rejects files with options). */
  optionsLength: number;
}

export class ScapReader {
  readonly header: CaptureHeader = emptyHeader();
  /** SHB of each section, in file order. */
  readonly sections: SectionHeaderInfo[] = [];
  /** Blocks seen so far, by block type id. */
  readonly blockCounts = new Map<number, number>();
  /** Whether the file is gzip-compressed. */
  gzip = false;
  /** Event blocks read so far (delivered or skipped by `typesBelow`). */
  events = 0;
  /**
   * Events delivered so far; each delivered view carries its 1-based number in `num` (sysdig's
   * evt.num). Numbering here, not in a wrapper callback, keeps one call per event.
   */
  delivered = 0;
  private readonly typesBelow: number;

  private buf: Buffer;
  /** DataView over `buf`: one unaligned load per field in optimized code (vs four byte loads). */
  private dv: DataView<ArrayBufferLike>;
  private start = 0;
  private end = 0;
  /** File (uncompressed) offset of buf[0]. */
  private base = 0;
  private eof = false;
  private inEvents = false;
  private readonly view = new EventView();

  /** Whether the file is read ahead on the thread pool (plain files of PREFETCH_MIN_SIZE or more). */
  get readAhead(): boolean { return this.prefetch !== null; }
  /** The read-ahead input (plain files large enough), whose chunks the reader adopts in place. */
  private readonly prefetch: PrefetchInput | null;
  /** The prefetched chunk `buf` currently is, or null when `buf` is the reader's own buffer. */
  private chunk: Chunk | null = null;
  /** The reader's own buffer (the copying path). */
  private own: Buffer;
  private ownDv: DataView<ArrayBufferLike>;

  private constructor(private input: ByteInput, readonly path: string, chunk: number, typesBelow: number) {
    this.prefetch = input instanceof PrefetchInput ? input : null;
    // With a read ahead the own buffer only serves blocks too large to adopt in place.
    this.own = this.buf = Buffer.allocUnsafe(this.prefetch !== null ? 64 : chunk);
    this.ownDv = this.dv = dataView(this.buf);
    this.typesBelow = typesBelow;
  }

  /** Opens a capture (plain or gzip, sniffed from the first bytes) and reads its header blocks. */
  /**
   * Starts reading `path` ahead now, when it is a plain file that will be read ahead, so the
   * first chunks (and their fresh pages, ~13 us each here) are read on the pool while the
   * caller still compiles its filter; the next `open(path)` takes them over. Errors are left
   * for `open` to report.
   */
  static prefetch(path: string): void {
    early?.input.close().catch(() => {});
    early = null;
    if (process.env.KESTREL_READ_AHEAD === '0') return;
    let fd = -1;
    try {
      fd = openSync(path, 'r');
      const { size, gz } = sniff(fd);
      if (!gz && readsAhead(size, {})) {
        const input = new PrefetchInput(fd, size, 0);
        input.request();
        early = { path, input };
        return;
      }
    } catch { /* open() reports it */ }
    if (fd >= 0) closeSync(fd);
  }

  static async open(path: string, opts: ScapReaderOptions = {}): Promise<ScapReader> {
    if (early !== null) {
      const e = early;
      early = null;
      if (e.path === path && readsAhead(e.input.size, opts)) return ScapReader.start(e.input, path, false, opts);
      await e.input.close();
    }
    let fd: number;
    let size: number;
    let gz: boolean;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw new KestrelError('KES_IO', `cannot open capture ${path}: ${(e as Error).message}`, { cause: e });
    }
    try {
      ({ size, gz } = sniff(fd));
    } catch (e) {
      closeSync(fd);
      throw new KestrelError('KES_IO', `cannot read capture ${path}: ${(e as Error).message}`, { cause: e });
    }
    let input: ByteInput;
    if (gz) {
      closeSync(fd);
      input = await gzipInput(path);
    } else if (readsAhead(size, opts)) {
      input = new PrefetchInput(fd, size, 0);
    } else {
      input = new PlainInput(fd, size);
    }
    return ScapReader.start(input, path, gz, opts);
  }

  /** Reads a capture held in memory (plain or gzip); `name` is used in messages. */
  static async fromBuffer(data: Buffer, name = '<buffer>', opts: ScapReaderOptions = {}): Promise<ScapReader> {
    const gz = isGzip(data);
    return ScapReader.start(gz ? await gzipInput(data) : new MemoryInput(data), name, gz, opts);
  }

  private static async start(input: ByteInput, name: string, gz: boolean, opts: ScapReaderOptions): Promise<ScapReader> {
    const r = new ScapReader(input, name, Math.max(64, opts.chunkSize ?? CHUNK), opts.typesBelow ?? Infinity);
    r.gzip = gz;
    try {
      await r.readHeaderPhase();
    } catch (e) {
      await r.close();
      throw e;
    }
    return r;
  }

  private corrupt(off: number, block: string, what: string): KestrelError {
    return new KestrelError('KES_SCAP_CORRUPT',
      `${this.path}: corrupt ${block} block at offset ${off}${this.gzip ? ' (uncompressed)' : ''}: ${what}`);
  }

  /** Makes at least `n` bytes available at `start` unless the input ends first; grows the buffer if needed. */
  private async fill(n: number): Promise<void> {
    if (this.end - this.start >= n) return;
    const pf = this.prefetch;
    if (pf !== null) {
      // In place: carry the unread tail (part of one block) into the headroom of the next
      // chunk and decode from that chunk's buffer. No copy of the chunk itself.
      while (this.end - this.start < n && !this.eof) {
        const r = this.end - this.start;
        if (r > HEADROOM || n > HEADROOM + PREFETCH_CHUNK) break;
        const c = await pf.next();
        if (c === null) { this.eof = true; return; }
        const at = c.start - r; // c.start >= HEADROOM >= r
        if (r > 0) this.buf.copy(c.buf, at, this.start, this.end);
        if (this.chunk !== null) pf.release(this.chunk);
        this.chunk = c;
        this.buf = c.buf;
        this.dv = c.dv;
        this.base = c.fileOff;
        this.start = at;
        this.end = c.end;
        c.start = c.end;
      }
      if (this.end - this.start >= n || this.eof) return;
      // A block larger than the headroom: continue in the own buffer, copying chunks into it.
      if (this.chunk !== null) {
        const r = this.end - this.start;
        if (this.own.length < Math.max(r, 64)) { this.own = Buffer.allocUnsafe(Math.max(r, 64)); this.ownDv = dataView(this.own); }
        this.buf.copy(this.own, 0, this.start, this.end);
        pf.release(this.chunk);
        this.chunk = null;
        this.base += this.start;
        this.start = 0;
        this.end = r;
        this.buf = this.own;
        this.dv = this.ownDv;
      }
    }
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.base += this.start;
      this.end -= this.start;
      this.start = 0;
    }
    if (n > this.buf.length) {
      const nb = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
      this.buf.copy(nb, 0, 0, this.end);
      this.own = this.buf = nb;
      this.ownDv = this.dv = dataView(nb);
    }
    while (this.end < n && !this.eof) {
      let got: number;
      try {
        got = await this.input.read(this.buf, this.end, this.buf.length - this.end);
      } catch (e) {
        if (e instanceof KestrelError && e.code === 'KES_SCAP_CORRUPT') {
          const at = this.base + this.start;
          const name = this.end - this.start >= 4 ? blockName(this.buf.readUInt32LE(this.start)) : 'block';
          throw this.corrupt(at, name, `${e.message} at uncompressed offset ${this.base + this.end}`);
        }
        if (e instanceof KestrelError) throw e;
        throw new KestrelError('KES_IO', `${this.path}: read failed: ${(e as Error).message}`, { cause: e });
      }
      if (got === 0) this.eof = true;
      this.end += got;
    }
  }

  /**
   * Reads the next block header; returns its type and total length, or null at a clean end of
   * input. Checks the length against the caps and makes the whole block available.
   */
  private async nextBlock(): Promise<{ type: number; len: number } | null> {
    await this.fill(8);
    const avail = this.end - this.start;
    if (avail === 0) return null;
    const off = this.base + this.start;
    if (avail < 8) throw this.corrupt(off, 'block', `truncated block header (${avail} of 8 bytes)`);
    const type = this.buf.readUInt32LE(this.start);
    const len = this.buf.readUInt32LE(this.start + 4);
    this.checkLen(type, len, off);
    await this.fill(len);
    if (this.end - this.start < len) {
      throw this.corrupt(off, blockName(type), `truncated: block length ${len}, only ${this.end - this.start} bytes left in file`);
    }
    if (this.buf.readUInt32LE(this.start + len - 4) !== len) {
      throw this.corrupt(off, blockName(type),
        `block length ${len} does not match its trailer ${this.buf.readUInt32LE(this.start + len - 4)}`);
    }
    this.blockCounts.set(type, (this.blockCounts.get(type) ?? 0) + 1);
    return { type, len };
  }

  private checkLen(type: number, len: number, off: number): void {
    const name = blockName(type);
    if (len < 12) throw this.corrupt(off, name, `block length ${len} is below the 12-byte minimum`);
    const large = type === BT.EV_V2_LARGE || type === BT.EVF_V2_LARGE;
    const cap = isEventBlock(type) && !large ? MAX_EVENT_BLOCK : MAX_LARGE_BLOCK;
    if (len > cap) throw this.corrupt(off, name, `block length ${len} exceeds the ${cap}-byte limit`);
    // When the input size is known, a block longer than the rest of the file is truncation:
    // report it before growing the buffer for it.
    const size = this.input.size;
    if (size >= 0 && len > size - off) {
      throw this.corrupt(off, name, `truncated: block length ${len}, only ${size - off} bytes left in file`);
    }
  }

  private parseShb(len: number): void {
    const off = this.base + this.start;
    if (len < 28) throw this.corrupt(off, 'SHB', `section header length ${len} is below 28`);
    const b = this.buf;
    const s = this.start;
    const magic = b.readUInt32LE(s + 8);
    if (magic !== SHB_MAGIC) {
      throw this.corrupt(off, 'SHB', `byte-order magic 0x${magic.toString(16)} (expected 0x1a2b3c4d)`);
    }
    const major = b.readUInt16LE(s + 12);
    const minor = b.readUInt16LE(s + 14);
    if (major !== 1) {
      throw new KestrelError('KES_SCAP_UNSUPPORTED', `${this.path}: SHB block at offset ${off}: scap version ${major}.${minor} is not supported (major 1 only)`);
    }
    this.sections.push({ major, minor, optionsLength: len - 28 });
  }

  private async readHeaderPhase(): Promise<void> {
    const first = await this.nextBlockOrEmpty();
    if (first.type !== BT.SHB) {
      throw this.corrupt(this.base + this.start, blockName(first.type), 'the file does not start with a section header block (not a scap file)');
    }
    this.parseShb(first.len);
    this.start += first.len;
    await this.headerBlocks();
  }

  private async nextBlockOrEmpty(): Promise<{ type: number; len: number }> {
    const b = await this.nextBlock();
    if (b === null) throw this.corrupt(0, 'SHB', 'empty file');
    return b;
  }

  /** Header blocks until the first event block (left unconsumed) or the end of input. */
  private async headerBlocks(): Promise<void> {
    for (;;) {
      // Peek: an event block ends the phase without being consumed.
      await this.fill(8);
      if (this.end - this.start >= 8 && isEventBlock(this.buf.readUInt32LE(this.start))) {
        this.inEvents = true;
        return;
      }
      const blk = await this.nextBlock();
      if (blk === null) return;
      const bodyOff = this.start + 8;
      const bodyEnd = this.start + blk.len - 4;
      if (blk.type === BT.SHB) this.parseShb(blk.len);
      else parseHeaderBlock(blk.type, this.buf, bodyOff, bodyEnd, this.base, this.header);
      this.start += blk.len;
    }
  }

  /**
   * Decodes every complete event block currently buffered (at least one, reading more input if
   * needed) and calls onEvent for each. Resolves false once the input is exhausted.
   */
  async nextBatch(onEvent: (ev: EventView) => void): Promise<boolean> {
    if (!this.inEvents) {
      await this.headerBlocks();
      if (!this.inEvents) return false;
    }
    // Ensure one full block is buffered (this also handles the end of input and corrupt tails).
    const first = await this.peekEventBlock();
    if (first === null) return false;
    const r = this.drain(first, onEvent);
    return r === DRAIN_SLOW ? this.slowBlock() : true;
  }

  /**
   * The per-event loop, synchronous: V8 optimizes it as a plain function (inside the async
   * nextBatch, the optimized loop deoptimized on resuming after an await and was compiled
   * twice). Returns DRAIN_SLOW when the first buffered block is not an event block.
   */
  /** drain calls so far, up to 16 (see drain). */
  private warmCalls = 0;

  private drain(first: number, onEvent: (ev: EventView) => void): number {
    const b0 = this.buf;
    const dv = this.dv;
    const view = this.view;
    // The read ahead changes buffers every chunk: the view is switched here, once per batch,
    // not inside its per-event load.
    view.useBuffer(b0);
    let s = this.start;
    // The first calls stop after a few KiB (the first block always fits: peekEventBlock
    // buffered it), so every path of the loop, its exit included, runs in the interpreter
    // before V8 optimizes it: optimized during the long first call, the loop deoptimized at
    // its never-seen exit and again on later calls (2-136 deopts per replay, ~35M instructions).
    const e = this.warmCalls < 16 ? (this.warmCalls++, Math.min(this.end, Math.max(s + 4096, first + this.buf.readUInt32LE(first + 4)))) : this.end;
    const base = this.base;
    let lastType = -1;
    let lastCount = 0;
    const typesBelow = this.typesBelow;
    let num = this.delivered;
    // Hot loop: plain index arithmetic over the buffered bytes; no allocation per event.
    while (e - s >= 8) {
      const type = dv.getUint32(s, true);
      const len = dv.getUint32(s + 4, true);
      if (len > e - s) break;
      let evOff: number, cpu: number, flags = 0, v1 = false;
      switch (type) {
        case BT.EV_V2: case BT.EV_V2_LARGE:
          evOff = s + 10; cpu = dv.getUint16(s + 8, true); break;
        case BT.EVF_V2: case BT.EVF_V2_LARGE:
          evOff = s + 14; cpu = dv.getUint16(s + 8, true); flags = dv.getUint32(s + 10, true); break;
        case BT.EV: case BT.EV_INT:
          evOff = s + 10; cpu = dv.getUint16(s + 8, true); v1 = true; break;
        case BT.EVF:
          evOff = s + 14; cpu = dv.getUint16(s + 8, true); flags = dv.getUint32(s + 10, true); v1 = true; break;
        default:
          // A non-event block: leave it for the slow path (checks, SHB, header blocks).
          this.countBlocks(lastType, lastCount);
          this.delivered = num;
          this.start = s;
          return s === first ? DRAIN_SLOW : DRAIN_OK;
      }
      if (len < 12 || len > (type === BT.EV_V2_LARGE || type === BT.EVF_V2_LARGE ? MAX_LARGE_BLOCK : MAX_EVENT_BLOCK)) {
        this.start = s;
        this.checkLen(type, len, base + s);
      }
      if (dv.getUint32(s + len - 4, true) !== len) {
        throw this.corrupt(base + s, blockName(type), `block length ${len} does not match its trailer ${b0.readUInt32LE(s + len - 4)}`);
      }
      const bodyEnd = s + len - 4;
      if (evOff > bodyEnd) throw this.corrupt(base + s, blockName(type), `block length ${len} is too short for an event`);
      const err = view.load(b0, evOff, bodyEnd, cpu, flags, v1);
      if (err !== null) throw this.corrupt(base + s, blockName(type), `event at offset ${base + evOff}: ${err}`);
      // Per-type counters in a small array; the Map is updated once per batch.
      if (type === lastType) lastCount++;
      else { this.countBlocks(lastType, lastCount); lastType = type; lastCount = 1; }
      s += len;
      this.start = s;
      if (view.type >= typesBelow) continue;
      view.num = ++num;
      this.delivered = num;
      onEvent(view);
    }
    this.countBlocks(lastType, lastCount);
    return DRAIN_OK;
  }

  private countBlocks(type: number, n: number): void {
    if (n === 0) return;
    this.blockCounts.set(type, (this.blockCounts.get(type) ?? 0) + n);
    this.events += n;
  }

  /** Buffers the next block completely; returns its buffer offset, or null at the end of input. */
  private async peekEventBlock(): Promise<number | null> {
    await this.fill(8);
    const avail = this.end - this.start;
    if (avail === 0) return null;
    const off = this.base + this.start;
    if (avail < 8) throw this.corrupt(off, 'block', `truncated block header (${avail} of 8 bytes)`);
    const type = this.buf.readUInt32LE(this.start);
    const len = this.buf.readUInt32LE(this.start + 4);
    this.checkLen(type, len, off);
    await this.fill(len);
    if (this.end - this.start < len) {
      throw this.corrupt(this.base + this.start, blockName(type), `truncated: block length ${len}, only ${this.end - this.start} bytes left in file`);
    }
    return this.start;
  }

  /** A non-event block in the event phase: a new section (SHB) or a header block. */
  private async slowBlock(): Promise<boolean> {
    const blk = await this.nextBlock();
    if (blk === null) return false;
    if (blk.type === BT.SHB) {
      this.parseShb(blk.len);
      this.start += blk.len;
      this.inEvents = false;
      await this.headerBlocks();
      return true;
    }
    parseHeaderBlock(blk.type, this.buf, this.start + 8, this.start + blk.len - 4, this.base, this.header);
    this.start += blk.len;
    return true;
  }

  async close(): Promise<void> {
    await this.input.close();
  }
}
