// EventView.load: every header and length check with its exact message (the reader puts these
// in KES_SCAP_CORRUPT errors), for u16 lengths, u32 lengths (LARGE payload types) and the
// legacy v1 header; and the parameter table of valid events after a rejected one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventView } from '../../src/events/event-view.js';

/**
 * An event at offset 3 of a buffer: header (26 bytes, or 22 for v1), lengths of width `lw`,
 * then `body` bytes. `len` and `nparams` default to the consistent values.
 */
function event(type: number, lens: number[], body: number, o: { lw?: number; len?: number; nparams?: number; v1?: boolean; tid?: bigint } = {}): Buffer {
  const lw = o.lw ?? 2, hdr = o.v1 ? 22 : 26;
  const len = o.len ?? hdr + lw * lens.length + body;
  const b = Buffer.alloc(3 + Math.max(len, hdr + lw * lens.length + body));
  b.writeBigUInt64LE(0x1122334455667788n, 3);
  b.writeBigInt64LE(o.tid ?? 77n, 3 + 8);
  b.writeUInt32LE(len, 3 + 16);
  b.writeUInt16LE(type, 3 + 20);
  if (!o.v1) b.writeUInt32LE(o.nparams ?? lens.length, 3 + 22);
  lens.forEach((l, i) => { if (lw === 2) b.writeUInt16LE(l, 3 + hdr + 2 * i); else b.writeUInt32LE(l, 3 + hdr + 4 * i); });
  for (let i = 3 + hdr + lw * lens.length; i < b.length; i++) b[i] = i & 0xff;
  return b;
}

const load = (v: EventView, b: Buffer, v1 = false, end = b.length) => v.load(b, 3, end, 1, 0, v1);

test('EventView.load: exact messages of the v2 checks (u16 lengths)', () => {
  const v = new EventView();
  let b = event(3, [4, 8], 12);
  assert.equal(load(v, b, false, 3 + 25), 'event header truncated (25 of 26 bytes)');
  assert.equal(load(v, b, false, b.length - 1), 'event length 42 does not fit (available 41, header 26)');
  b = event(3, [], 0, { len: 20 });
  assert.equal(load(v, b), 'event length 20 does not fit (available 26, header 26)');
  b = event(3, [1], 1, { nparams: 65 });
  assert.equal(load(v, b), 'event has 65 parameters (max 64)');
  b = event(3, [1, 1, 1], 0, { len: 30 });
  assert.equal(load(v, b), 'parameter lengths (3) overrun event length 30');
  // lengths 4, 8, 100 with room for 20: the third is named, not just "too long"
  b = event(3, [4, 8, 100], 20);
  assert.equal(load(v, b), 'parameter 2 length 100 overruns event length 52');
  b = event(3, [30, 0, 0], 20);
  assert.equal(load(v, b), 'parameter 0 length 30 overruns event length 52');
  // lengths summing to less than the room are accepted (trailing bytes are not a parameter)
  b = event(3, [4, 8, 1], 20);
  assert.equal(load(v, b), null);
  assert.equal(v.nparams, 3);
});

test('EventView.load: u32 lengths of LARGE payload types (container, pluginevent, asyncevent)', () => {
  const v = new EventView();
  let b = event(324, [70000], 70000, { lw: 4 });
  assert.equal(load(v, b), null);
  assert.equal(v.nparams, 1);
  assert.equal(v.plen[0], 70000);
  assert.equal(v.poff[0], 3 + 26 + 4);
  b = event(402, [2, 5, 100000], 200, { lw: 4 });
  assert.equal(load(v, b), 'parameter 2 length 100000 overruns event length 238');
  b = event(402, [2, 5, 1], 0, { lw: 4, len: 37 });
  assert.equal(load(v, b), 'parameter lengths (3) overrun event length 37');
});

test('EventView.load: legacy v1 header (nparams rebuilt from the lengths)', () => {
  const v = new EventView();
  // open exit (type 3) has 5 parameters in the 2022 table; this one carries 2 of them
  let b = event(3, [8, 6], 14, { v1: true });
  assert.equal(load(v, b, true), null);
  assert.equal(v.hdr, 22);
  assert.equal(v.nparams, 2);
  assert.deepEqual([v.plen[0], v.plen[1]], [8, 6]);
  assert.equal(v.poff[1], 3 + 22 + 4 + 8);
  assert.equal(load(v, b, true, 3 + 21), 'event header truncated (21 of 22 bytes)');
  b = event(3, [8, 6], 14, { v1: true, len: 10 });
  assert.equal(load(v, b, true), 'event length 10 does not fit (available 40, header 22)');
});

test('EventView: a valid event after a rejected one; offsets built on first use', () => {
  const v = new EventView();
  assert.match(load(v, event(3, [4, 8, 100], 20))!, /parameter 2/);
  const b = event(5, [8, 0, 3], 11, { tid: -1n });
  assert.equal(load(v, b), null);
  assert.equal(v.type, 5);
  assert.equal(v.tid, -1);
  assert.equal(v.len, 26 + 6 + 11);
  assert.equal(v.nparams, 3);
  assert.equal(v.cpu, 1);
  assert.equal(v.ts(), 0x1122334455667788n);
  assert.equal(v.tsLo, 0x55667788);
  assert.equal(v.tsHi, 0x11223344);
  assert.deepEqual([...v.plen.subarray(0, 3)], [8, 0, 3]);
  assert.deepEqual([...v.poff.subarray(0, 3)], [35, 43, 43]);
  // a second event in the same buffer object reuses the view's DataView
  b.writeUInt16LE(9, 3 + 26);
  assert.equal(load(v, b), 'parameter 2 length 3 overruns event length 43');
  b.writeUInt16LE(8, 3 + 26);
  assert.equal(load(v, b), null);
  assert.equal(v.plen[0], 8);
  // another buffer, announced with useBuffer (what a reader does before its event loop) or not
  const c = event(7, [8, 2], 10);
  assert.equal(v.useBuffer(c).byteLength, c.length);
  assert.equal(load(v, c), null);
  assert.equal(v.type, 7);
  assert.equal(v.dv.getUint16(3 + 20, true), 7);
  assert.equal(load(v, b), null);
  assert.equal(v.type, 5);
  assert.equal(v.dv.byteLength, b.length);
});
