// Corrupt input never crashes, hangs or allocates without bound: every failure is a
// KestrelError naming the byte offset and the block type.
import { test } from 'node:test';
import { SHARED_DIR } from '../support/shared-dir.js';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { ScapReader } from '../../src/capture/scap-reader.js';
import { KestrelError } from '../../src/errors.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ScapWriter } from '../../src/capture/scap-writer.js';
import { loadCapture, walk, type Walk } from './scap-walk.js';

const DATA = SHARED_DIR + '/data/scap';
// The smallest sample (gzip on disk, 41 KB uncompressed), legacy blocks: MI IL UL PL_V6 FDL EV.
const BASE = loadCapture(join(DATA, 'falco_trace_files_cat_write.scap'));
const W = walk(BASE);

/**
 * A small synthetic capture in the current layout (SHB MI IL_V2 UL_V2 PL_V9 FDL_V2 EV_V2 EVF_V2),
 * made by the writer from the sample's first threads and events.
 */
async function smallV2(): Promise<Buffer> {
  const r = await ScapReader.fromBuffer(BASE, 'base');
  const h = r.header;
  const procs = h.procs.slice(0, 3);
  const fds = new Map([...h.fds].filter(([tid]) => procs.some((p) => p.tid === tid)));
  const dir = mkdtempSync(join(tmpdir(), 'kes-corrupt-'));
  const out = join(dir, 'small.scap');
  const w = await ScapWriter.create(out);
  w.writeHeader({ ...h, procs, fds, users: h.users.slice(0, 2), groups: h.groups.slice(0, 2) });
  let n = 0;
  while (n < 40 && await r.nextBatch((ev) => {
    if (n++ >= 40) return;
    if (n === 5) ev.dumpFlags = 1; // one EVF_V2 block
    w.writeEvent(ev);
  })) { /* */ }
  await r.close();
  await w.close();
  const data = readFileSync(out);
  rmSync(dir, { recursive: true });
  return data;
}

/** Reads everything; returns the event count or the error thrown. */
async function tryRead(data: Buffer, chunkSize?: number): Promise<number | unknown> {
  try {
    const r = await ScapReader.fromBuffer(data, 'x.scap', chunkSize ? { chunkSize } : {});
    let n = 0;
    try {
      // A bounded loop: each batch consumes at least one block, so the number of batches can
      // never exceed the number of bytes.
      for (let guard = 0; guard <= data.length + 2; guard++) {
        if (!(await r.nextBatch(() => { n++; }))) return n;
      }
      throw new Error('reader did not finish (hang)');
    } finally {
      await r.close();
    }
  } catch (e) {
    return e;
  }
}

function assertCorrupt(e: unknown, ctx: string): void {
  if (!(e instanceof KestrelError)) assert.fail(`${ctx}: expected KestrelError, got ${e instanceof Error ? e.stack : String(e)}`);
  assert.ok(e.code === 'KES_SCAP_CORRUPT' || e.code === 'KES_SCAP_UNSUPPORTED', `${ctx}: code ${e.code}`);
  assert.match(e.message, /offset \d+/, `${ctx}: no offset in "${e.message}"`);
  assert.match(e.message, /(SHB|MI|PL_V\d|FDL|EV|IL|UL|block|unknown\(0x)/, `${ctx}: no block in "${e.message}"`);
}

async function truncations(data: Buffer, w: Walk, stride: number): Promise<void> {
  const boundaries = new Map<number, number>();
  w.ends.forEach((end, i) => boundaries.set(end, w.eventsAt[i]!));
  const cuts = new Set<number>();
  for (let cut = 0; cut < data.length; cut += stride) cuts.add(cut);
  // Always include every block boundary and its neighbours.
  for (const end of w.ends) for (const d of [-1, 0, 1]) if (end + d >= 0 && end + d < data.length) cuts.add(end + d);
  for (const cut of cuts) {
    const res = await tryRead(data.subarray(0, cut), 4096);
    const expected = boundaries.get(cut);
    if (expected !== undefined) {
      assert.equal(res, expected, `cut at ${cut} (block boundary)`);
    } else {
      assertCorrupt(res, `cut at ${cut}`);
    }
  }
}

test('truncation at every offset of a small v2 capture: clean end at block boundaries, KES_SCAP_CORRUPT elsewhere', async () => {
  const data = await smallV2();
  const w = walk(data);
  assert.ok(w.blocks.get(0x215) === 1 && w.blocks.get(0x218)! >= 1 && w.blocks.get(0x217) === 1, 'synthetic has PL_V9, FDL_V2, EVF_V2');
  assert.ok(data.length < 20000, `synthetic capture is ${data.length} bytes`);
  await truncations(data, w, 1);
});

test('truncation of the legacy-layout sample (every 31st offset and around every block boundary)', async () => {
  await truncations(BASE, W, 31);
});

test('a truncated gzip capture is KES_SCAP_CORRUPT', async () => {
  const gz = gzipSync(BASE);
  for (const cut of [10, 100, Math.floor(gz.length / 2), gz.length - 5]) {
    const res = await tryRead(gz.subarray(0, cut));
    assertCorrupt(res, `gzip cut at ${cut}`);
  }
  const bad = Buffer.from(gz);
  bad[Math.floor(bad.length / 2)] ^= 0xff;
  const res = await tryRead(bad);
  assert.ok(typeof res === 'number' || res instanceof KestrelError, 'flipped gzip byte: number or KestrelError');
});

/** Mulberry32: a small seeded PRNG so failures are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('random byte flips (seeded): a count or a KestrelError, never another throw or a hang', async () => {
  const rnd = prng(0x5ca9);
  for (let iter = 0; iter < 1000; iter++) {
    const data = Buffer.from(BASE);
    const flips = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < flips; k++) data[Math.floor(rnd() * data.length)] = Math.floor(rnd() * 256);
    const t0 = process.cpuUsage(); // CPU time: immune to the load of other test files
    const res = await tryRead(data);
    const c = process.cpuUsage(t0);
    assert.ok((c.user + c.system) / 1000 < 5000, `iteration ${iter} took too long`);
    if (typeof res !== 'number') assertCorrupt(res, `flip iteration ${iter}`);
  }
});

function firstBlockOf(type: number): number {
  let o = 0;
  while (o < BASE.length) {
    if (BASE.readUInt32LE(o) === type) return o;
    o += BASE.readUInt32LE(o + 4);
  }
  throw new Error(`no block 0x${type.toString(16)}`);
}

test('absurd lengths are rejected before any allocation', async () => {
  const cases: [string, (d: Buffer) => void, RegExp][] = [
    ['block length 4 GiB', (d) => { const o = firstBlockOf(0x204); d.writeUInt32LE(0xfffffff0, o + 4); }, /exceeds/],
    ['block length 0', (d) => { const o = firstBlockOf(0x204); d.writeUInt32LE(0, o + 4); }, /below the 12-byte minimum/],
    ['header block length 1 GiB', (d) => { const o = firstBlockOf(0x212); d.writeUInt32LE(0x40000000, o + 4); }, /exceeds/],
    ['event len past its block', (d) => { const o = firstBlockOf(0x204); d.writeUInt32LE(0x7fffffff, o + 10 + 16); }, /event length/],
    ['trailer mismatch', (d) => { const o = firstBlockOf(0x204); const l = d.readUInt32LE(o + 4); d.writeUInt32LE(l + 4, o + l - 4); }, /trailer/],
    ['PL string length past the block', (d) => { const o = firstBlockOf(0x212); d.writeUInt16LE(0xffff, o + 8 + 32); }, /PL_V6/],
    ['FDL entry type unknown (legacy, cannot skip)', (d) => { const o = firstBlockOf(0x203); d[o + 8 + 8 + 16] = 99; }, /fd type 99|FDL/],
    ['bad SHB magic', (d) => { d.writeUInt32LE(0xdeadbeef, 8); }, /magic/],
    ['not a scap file', (d) => { d.writeUInt32LE(0x12345678, 0); }, /section header/],
  ];
  for (const [name, mutate, re] of cases) {
    const d = Buffer.from(BASE);
    mutate(d);
    const res = await tryRead(d);
    assertCorrupt(res, name);
    assert.match((res as Error).message, re, name);
  }
  const v2 = Buffer.from(BASE);
  v2.writeUInt16LE(2, 12);
  const res = await tryRead(v2);
  assert.ok(res instanceof KestrelError && res.code === 'KES_SCAP_UNSUPPORTED');
});

test('an empty file and a file that is only an SHB', async () => {
  assertCorrupt(await tryRead(Buffer.alloc(0)), 'empty');
  assert.equal(await tryRead(BASE.subarray(0, W.ends[0]!)), 0);
});
