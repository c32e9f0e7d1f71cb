// The read ahead (src/capture/scap-reader.ts PrefetchInput): plain files of 4 MiB or more are
// read in 1 MiB chunks on libuv's pool while the main thread decodes, and blocks are decoded in
// place in those chunks. These tests read the same files with and without it (KESTREL_READ_AHEAD=0)
// and require the same events, byte for byte, and the same errors: blocks straddling chunk
// boundaries, blocks larger than the headroom (the copying path and back), corruption and
// truncation beyond the first chunk, and closing early.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED_DIR } from '../support/shared-dir.js';
import { ScapReader } from '../../src/capture/scap-reader.js';
import { KestrelError } from '../../src/errors.js';
import { walk } from './scap-walk.js';

const MIB = 1024 * 1024;
let dir = '';
let plain = '';
let data: Buffer;

/** An unknown block type: readers skip it, in the event phase too. */
function unknownBlock(bodyLen: number): Buffer {
  const b = Buffer.alloc(12 + bodyLen, 0x5a);
  b.writeUInt32LE(0x7e57, 0);
  b.writeUInt32LE(b.length, 4);
  b.writeUInt32LE(b.length, b.length - 4);
  return b;
}

/** Splits `buf` at the end of the first block ending at or after `at`. */
function blockEndAfter(buf: Buffer, at: number): number {
  let o = 0;
  while (o < at) o += buf.readUInt32LE(o + 4);
  return o;
}

/** Every event as a digest line (number, type, tid, raw bytes), or the error thrown. */
async function digest(file: string, readAhead: boolean): Promise<{ lines: string[]; used: boolean; error: string | null }> {
  const prev = process.env.KESTREL_READ_AHEAD;
  if (readAhead) delete process.env.KESTREL_READ_AHEAD; else process.env.KESTREL_READ_AHEAD = '0';
  const lines: string[] = [];
  let used = false;
  let error: string | null = null;
  try {
    const r = await ScapReader.open(file);
    used = r.readAhead;
    try {
      while (await r.nextBatch((ev) => {
        const raw = ev.buf.subarray(ev.off, ev.off + ev.len);
        lines.push(`${ev.num} ${ev.type} ${ev.tid} ${createHash('sha1').update(raw).digest('hex')}`);
      })) { /* batches */ }
    } finally {
      await r.close();
    }
  } catch (e) {
    if (!(e instanceof KestrelError)) throw e;
    error = `${e.code} ${e.message}`;
  } finally {
    if (prev === undefined) delete process.env.KESTREL_READ_AHEAD; else process.env.KESTREL_READ_AHEAD = prev;
  }
  return { lines, used, error };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kes-readahead-'));
  const base = join(dir, 'base.scap');
  execFileSync('python3', [join(SHARED_DIR, 'bench/make_big.py'), '--base', join(SHARED_DIR, 'data/scap/libs_sample.scap'),
    '--out', base, '--min-events', '90000'], { stdio: 'ignore' });
  const b = readFileSync(base);
  // Unknown blocks larger than the 72 KiB headroom, one across the 1 MiB and one across the
  // 3 MiB chunk boundary: they take the copying path, and decoding goes back in place after.
  const s1 = blockEndAfter(b, MIB - 5000);
  const s2 = blockEndAfter(b, 3 * MIB - 200_000);
  data = Buffer.concat([b.subarray(0, s1), unknownBlock(300_000), b.subarray(s1, s2), unknownBlock(100_000), b.subarray(s2)]);
  plain = join(dir, 'big.scap');
  writeFileSync(plain, data);
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

test('read ahead: the same events, byte for byte, as synchronous reads; every block counted', async () => {
  assert.ok(data.length > 6 * MIB, `test file is ${data.length} bytes`);
  const on = await digest(plain, true);
  const off = await digest(plain, false);
  assert.equal(on.used, true);
  assert.equal(off.used, false);
  assert.equal(on.error, null);
  assert.equal(off.error, null);
  assert.equal(on.lines.length, walk(data).events);
  assert.deepEqual(on.lines, off.lines);
});

test('read ahead: corruption and truncation beyond the first chunk give the same error as synchronous reads', async () => {
  // A trailer that disagrees with the block length, in the block straddling the 2 MiB boundary.
  const at = blockEndAfter(data, 2 * MIB);
  const prevLen = (() => { let o = 0, last = 0; while (o < at) { last = o; o += data.readUInt32LE(o + 4); } return last; })();
  const bad = Buffer.from(data);
  bad.writeUInt32LE(bad.readUInt32LE(prevLen + 4) + 1, at - 4);
  const badFile = join(dir, 'bad.scap');
  writeFileSync(badFile, bad);
  const cut = join(dir, 'cut.scap');
  writeFileSync(cut, data.subarray(0, 5 * MIB + 17));
  for (const f of [badFile, cut]) {
    const on = await digest(f, true);
    const off = await digest(f, false);
    assert.equal(on.used, true, f);
    assert.match(on.error ?? '', /^KES_SCAP_CORRUPT .*offset \d+/, f);
    assert.equal(on.error, off.error, f);
    assert.deepEqual(on.lines, off.lines, f);
  }
});

test('read ahead: closing after the first batch returns (reads in flight are awaited) and the file reads again', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await ScapReader.open(plain);
    assert.equal(r.readAhead, true);
    let n = 0;
    assert.equal(await r.nextBatch(() => { n++; }), true);
    assert.ok(n > 0);
    await r.close();
  }
  const again = await digest(plain, true);
  assert.equal(again.error, null);
  assert.equal(again.lines.length, walk(data).events);
});

test('read ahead started early (ScapReader.prefetch): open takes it over; another path or a missing file behave as without it', async () => {
  const expected = (await digest(plain, false)).lines;
  ScapReader.prefetch(plain);
  const r = await ScapReader.open(plain);
  assert.equal(r.readAhead, true);
  const lines: string[] = [];
  while (await r.nextBatch((ev) => {
    lines.push(`${ev.num} ${ev.type} ${ev.tid} ${createHash('sha1').update(ev.buf.subarray(ev.off, ev.off + ev.len)).digest('hex')}`);
  })) { /* batches */ }
  await r.close();
  assert.deepEqual(lines, expected);
  // Prefetched one file, opened another: the early reads are dropped, the other file is read.
  ScapReader.prefetch(plain);
  const small = join(SHARED_DIR, 'data/scap/libs_sample.scap');
  const r2 = await ScapReader.open(small);
  assert.equal(r2.readAhead, false);
  let n = 0;
  while (await r2.nextBatch(() => { n++; })) { /* batches */ }
  await r2.close();
  assert.equal(n, walk(readFileSync(small)).events);
  // A missing file: prefetch stays quiet, open names it.
  ScapReader.prefetch(join(dir, 'missing.scap'));
  await assert.rejects(ScapReader.open(join(dir, 'missing.scap')), (e: unknown) => e instanceof KestrelError && e.code === 'KES_IO' && /missing\.scap/.test(e.message));
});
