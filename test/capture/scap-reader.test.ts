import { test } from 'node:test';
import { SHARED_DIR } from '../support/shared-dir.js';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ScapReader } from '../../src/capture/scap-reader.js';
import { FileSource } from '../../src/capture/file-source.js';
import { loadCapture, walk } from './scap-walk.js';

const DATA = SHARED_DIR + '/data/scap';
const FILES = readdirSync(DATA).filter((f) => f.endsWith('.scap')).sort();

async function readAll(r: ScapReader): Promise<{ events: number; types: Map<number, number> }> {
  const types = new Map<number, number>();
  let events = 0;
  while (await r.nextBatch((ev) => { events++; types.set(ev.type, (types.get(ev.type) ?? 0) + 1); })) { /* batches */ }
  return { events, types };
}

test('sample captures: at least 10 files present', () => {
  assert.ok(FILES.length >= 10, `found ${FILES.length}`);
});

for (const f of FILES) {
  test(`reads ${f} to the end with the exact block and event counts`, async () => {
    const w = walk(loadCapture(join(DATA, f)));
    const r = await ScapReader.open(join(DATA, f));
    const got = await readAll(r);
    await r.close();
    assert.equal(got.events, w.events);
    assert.deepEqual(new Map([...r.blockCounts].sort()), new Map([...w.blocks].sort()));
    assert.ok(r.sections.length === 1);
  });

  test(`reads ${f} identically with a tiny chunk buffer (blocks straddle chunks)`, async () => {
    const big = await ScapReader.open(join(DATA, f));
    const sig: string[] = [];
    while (await big.nextBatch((ev) => { sig.push(`${ev.type}/${ev.tid}/${ev.len}/${ev.cpu}/${ev.nparams}`); })) { /* */ }
    await big.close();
    const small = await ScapReader.open(join(DATA, f), { chunkSize: 97 });
    const sig2: string[] = [];
    while (await small.nextBatch((ev) => { sig2.push(`${ev.type}/${ev.tid}/${ev.len}/${ev.cpu}/${ev.nparams}`); })) { /* */ }
    await small.close();
    assert.deepEqual(sig2, sig);
  });
}

test('SHB with pcapng options (libs_e2e_curl_google_comments, rejected by sysdig 0.29.3) is read', async () => {
  const r = await ScapReader.open(join(DATA, 'libs_e2e_curl_google_comments.scap'));
  assert.equal(r.sections[0]!.optionsLength, 116 - 28);
  const got = await readAll(r);
  await r.close();
  assert.equal(got.events, 1536);
  assert.equal(got.types.get(234), 315); // procinfo events, per the sample notes
});

test('header blocks are decoded (libs_sample: MI, IL_V2, UL_V2, PL_V9 66-byte tail, FDL_V2)', async () => {
  const r = await ScapReader.open(join(DATA, 'libs_sample.scap'));
  const h = r.header;
  assert.ok(h.machine);
  assert.equal(h.machine!.bootTsEpoch, 1690556576768000000n);
  const lo = h.interfaces.find((i) => i.name === 'lo' && i.family === 4);
  assert.ok(lo);
  assert.deepEqual([...lo!.addr], [127, 0, 0, 1]);
  assert.equal(h.procs.length, 94);
  assert.equal(h.fds.size, 94);
  const root = h.users.find((u) => u.uid === 0);
  assert.equal(root?.name, 'root');
  // The current 66-byte tail is read right: loginuid is not the low half of pidns_init_start_ts
  // (sysdig 0.29.3 shows -420151296 for multipathd).
  const mp = h.procs.find((p) => p.comm === 'multipathd');
  assert.ok(mp);
  assert.notEqual(mp!.loginuid, -420151296);
  await r.close();
});

test('legacy v1 events (falco_empty, EV 0x204) get nparams rebuilt from lengths', async () => {
  const r = await ScapReader.open(join(DATA, 'falco_empty.scap'));
  let n = 0;
  while (await r.nextBatch((ev) => { n++; assert.ok(ev.hdr === 22); assert.ok(ev.nparams <= 8); })) { /* */ }
  await r.close();
  assert.equal(n, 83);
});

test('concatenated captures are read as two sections', async () => {
  const one = loadCapture(join(DATA, 'falco_trace_files_cat_write.scap'));
  const both = Buffer.concat([one, one]);
  const r = await ScapReader.fromBuffer(both, 'concat');
  const got = await readAll(r);
  await r.close();
  assert.equal(got.events, 2 * 345);
  assert.equal(r.sections.length, 2);
});

test('FileSource numbers events 1.. and sysdigCompat skips ids >= 336', async () => {
  const all = new FileSource(join(DATA, 'libs_sample.scap'));
  await all.open();
  let last = 0;
  while (await all.nextBatch((ev) => { assert.equal(ev.num, last + 1); last = ev.num; })) { /* */ }
  await all.close();
  assert.equal(last, 572);
  const compat = new FileSource(join(DATA, 'libs_sample.scap'), { sysdigCompat: true });
  await compat.open();
  let n = 0;
  while (await compat.nextBatch((ev) => { assert.ok(ev.type < 336); n = ev.num; })) { /* */ }
  await compat.close();
  assert.equal(n, 477);
  assert.equal(compat.stats().events, 477);
});
