// A disk spool for an output whose receiver is away: append-only file of one alert per line,
// plus a small "<path>.offset" file holding how far replay has got, so a restart neither loses
// nor repeats alerts.
//
//   <path>          [ replayed … | waiting … ]        append at the end
//                                ^ readOffset          (persisted in <path>.offset)
//   when readOffset reaches the end the file is truncated to 0 and both start over.
//
// All file operations are synchronous on purpose: they are small, local, and being synchronous
// means an append can never interleave with a replay step or a truncation (single thread).
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync, renameSync, writeFileSync, writeSync, readFileSync } from 'node:fs';

export class Spool {
  private fd: number;
  private size: number;
  private readOffset = 0;
  private waiting = 0;
  private chunk = Buffer.alloc(64 * 1024);

  constructor(readonly path: string, readonly maxBytes: number) {
    this.fd = openSync(path, 'a+', 0o600);
    this.size = fstatSync(this.fd).size;
    try {
      const off = Number(readFileSync(path + '.offset', 'utf8').trim());
      if (Number.isInteger(off) && off >= 0 && off <= this.size) this.readOffset = off;
    } catch { /* no offset file: replay from the start */ }
    this.waiting = this.countLines();
  }

  /** Alerts waiting for replay. */
  get count(): number { return this.waiting; }
  /** Bytes waiting for replay. */
  get bytes(): number { return this.size - this.readOffset; }

  /** Appends lines; returns how many fitted under maxBytes (the rest the caller counts as dropped). */
  append(lines: readonly string[]): number {
    let data = '';
    let n = 0;
    let bytes = 0;
    for (const l of lines) {
      const b = Buffer.byteLength(l) + 1;
      if (this.bytes + bytes + b > this.maxBytes) break;
      data += l + '\n';
      bytes += b;
      n++;
    }
    if (n === 0) return 0;
    const buf = Buffer.from(data);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
    this.size += buf.length;
    this.waiting += n;
    return n;
  }

  /** The next waiting line and its size in bytes (with the newline), or null. */
  peek(): { line: string; bytes: number } | null {
    if (this.readOffset >= this.size) return null;
    for (;;) {
      const want = Math.min(this.chunk.length, this.size - this.readOffset);
      const got = readSync(this.fd, this.chunk, 0, want, this.readOffset);
      const nl = this.chunk.indexOf(10, 0);
      if (nl >= 0 && nl < got) return { line: this.chunk.toString('utf8', 0, nl), bytes: nl + 1 };
      if (got < this.chunk.length) {
        // A torn last line (crash mid-append): skip it.
        return { line: '', bytes: got };
      }
      this.chunk = Buffer.alloc(this.chunk.length * 2);
    }
  }

  /** Marks `bytes` as replayed; truncates the file once everything is. */
  advance(bytes: number): void {
    this.readOffset += bytes;
    if (this.waiting > 0) this.waiting--;
    if (this.readOffset >= this.size) {
      ftruncateSync(this.fd, 0);
      this.size = 0;
      this.readOffset = 0;
      this.waiting = 0;
    }
    this.saveOffset();
  }

  close(): void {
    this.saveOffset();
    closeSync(this.fd);
    this.fd = -1;
  }

  private saveOffset(): void {
    // Write-then-rename so a crash leaves either the old or the new offset, never a torn one.
    const tmp = this.path + '.offset.tmp';
    writeFileSync(tmp, String(this.readOffset));
    renameSync(tmp, this.path + '.offset');
  }

  private countLines(): number {
    let n = 0;
    let pos = this.readOffset;
    const buf = Buffer.alloc(64 * 1024);
    while (pos < this.size) {
      const got = readSync(this.fd, buf, 0, Math.min(buf.length, this.size - pos), pos);
      if (got <= 0) break;
      for (let i = 0; i < got; i++) if (buf[i] === 10) n++;
      pos += got;
    }
    return n;
  }
}

export function spoolExists(path: string): boolean { return existsSync(path); }
