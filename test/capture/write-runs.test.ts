// ScapWriter.copyEvent (what `inspect -r -w` uses) must write exactly what writeEvent writes:
// it copies runs of source blocks that are already in the output's form in one memcpy and
// hands everything else (flags, LARGE blocks, padding that is not zero, dropped ids) to the
// per-event path. Both paths run here over the same reader, with the read ahead and with a
// tiny chunk size (many batches, blocks straddling chunks), gzip, all events or a selection.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ScapWriter } from '../../src/capture/scap-writer.js';
import { ScapReader, type ScapReaderOptions } from '../../src/capture/scap-reader.js';
import { emptyHeader } from '../../src/capture/scap-header.js';
import { exitStream } from './write-gen.js';
import { encodeEvent } from '../support/raw-event.js';

const tmp = mkdtempSync(join(tmpdir(), 'kes-write-runs-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** A ~6 MiB input: EV_V2 blocks (ids >= 336 among them), some EVF_V2 and a LARGE one, and
 * some blocks whose padding bytes are not zero. */
async function makeInput(): Promise<string> {
  const file = join(tmp, 'in.scap');
  const w = await ScapWriter.create(file, { keepNewEvents: true });
  w.writeHeader(emptyHeader());
  const evs = exitStream(21, 2);
  const big = Buffer.alloc(70_000, 0x41);
  big[big.length - 1] = 0;
  let i = 0;
  while (i < 60_000) {
    for (const b of evs) {
      i++;
      // every 97th event with a flag (EVF_V2 block), every 5000th a LARGE container event
      w.writeRaw(b, i % 4, i % 97 === 0 ? 1 : 0);
      if (i % 5000 === 0) {
        const hdr = Buffer.alloc(30);
        hdr.writeBigUInt64LE(BigInt(i), 0);
        hdr.writeBigInt64LE(-1n, 8);
        hdr.writeUInt32LE(30 + big.length, 16);
        hdr.writeUInt16LE(324, 20);
        hdr.writeUInt32LE(1, 22);
        hdr.writeUInt32LE(big.length, 26);
        w.writeRaw(Buffer.concat([hdr, big]), 0);
      }
    }
    await w.drain();
  }
  await w.close();
  // Non-zero padding in every 7th padded EV_V2 block (readers ignore it; the writer zeroes it).
  const data = readFileSync(file);
  let off = 0, k = 0;
  while (off < data.length) {
    const type = data.readUInt32LE(off), total = data.readUInt32LE(off + 4);
    if (type === 0x216) {
      const len = data.readUInt32LE(off + 10 + 16);
      const pad = total - 12 - 2 - len;
      if (pad > 0 && ++k % 7 === 0) data.fill(0xaa, off + 10 + len, off + 10 + len + pad);
    }
    off += total;
  }
  writeFileSync(file, data);
  assert.ok(data.length > 5 << 20);
  return file;
}

async function rewrite(input: string, out: string, ropts: ScapReaderOptions, keep: boolean, runs: boolean, pick: (n: number) => boolean): Promise<ScapWriter> {
  const r = await ScapReader.open(input, ropts);
  const w = await ScapWriter.create(out, { keepNewEvents: keep });
  try {
    w.writeHeader(r.header);
    let n = 0;
    const each = runs ? (ev: Parameters<ScapWriter['writeEvent']>[0]) => { if (pick(++n)) w.copyEvent(ev); }
      : (ev: Parameters<ScapWriter['writeEvent']>[0]) => { if (pick(++n)) w.writeEvent(ev); };
    for (;;) {
      const more = await r.nextBatch(each);
      if (runs) w.endBatch();
      await w.drain();
      if (!more) break;
    }
  } finally {
    await r.close();
    await w.close();
  }
  return w;
}

test('copyEvent writes the bytes writeEvent writes (read ahead, small chunks, gzip; all or some events)', async () => {
  const input = await makeInput();
  const gz = join(tmp, 'in.scap.gz');
  writeFileSync(gz, gzipSync(readFileSync(input), { level: 1 }));
  const all = () => true;
  const some = (n: number) => n % 5 !== 0 && n % 11 !== 3;
  for (const [name, file, ropts] of [['read ahead', input, {}], ['3000-byte chunks', input, { chunkSize: 3000 }], ['gzip', gz, {}]] as const) {
    for (const keep of [true, false]) {
      for (const [pname, pick] of [['all', all], ['some', some]] as const) {
        const what = `${name}, keepNewEvents ${keep}, ${pname} events`;
        const a = join(tmp, 'a.scap'), b = join(tmp, 'b.scap');
        const wa = await rewrite(file, a, ropts, keep, false, pick);
        const wb = await rewrite(file, b, ropts, keep, true, pick);
        assert.ok(readFileSync(a).equals(readFileSync(b)), what);
        assert.equal(wb.written, wa.written, what);
        assert.equal(wb.dropped, wa.dropped, what);
        // most events went through runs; the flagged, LARGE and padded ones did not
        assert.ok(wb.runEvents > wb.written * 0.8 && wb.runEvents < wb.written, `${what}: ${wb.runEvents} of ${wb.written} in runs`);
      }
    }
  }
});

test('copyEvent on views that are not in a reader block falls back to writeEvent', async () => {
  const evs = exitStream(3, 1).slice(0, 50);
  const a = join(tmp, 'raw-a.scap'), b = join(tmp, 'raw-b.scap');
  const { EventView } = await import('../../src/events/event-view.js');
  for (const [file, runs] of [[a, false], [b, true]] as const) {
    const w = await ScapWriter.create(file, { keepNewEvents: true });
    w.writeHeader(emptyHeader());
    const v = new EventView();
    // events at offset 0 of their own buffers, and one whose preceding bytes look like a block
    // header of another length
    for (const e of evs) {
      assert.equal(v.load(e, 0, e.length, 0, 0), null);
      if (runs) w.copyEvent(v); else w.writeEvent(v);
    }
    const fake = Buffer.concat([Buffer.from([0x16, 0x02, 0, 0, 99, 0, 0, 0, 0, 0]), encodeEvent(5, 1, 5n, [Buffer.alloc(8)])]);
    assert.equal(v.load(fake, 10, fake.length, 0, 0), null);
    if (runs) w.copyEvent(v); else w.writeEvent(v);
    w.endBatch();
    await w.close();
    if (runs) assert.equal(w.runEvents, 0);
  }
  assert.ok(readFileSync(a).equals(readFileSync(b)));
});
