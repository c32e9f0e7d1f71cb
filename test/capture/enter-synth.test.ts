// Enter events synthesized for capture files written from live (exit-only) events: each enter
// parameter comes from the exit parameter of the same name; execve's filename, which the probe
// cannot always read, falls back to the resolved executable path.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnterSynth } from '../../src/capture/enter-synth.js';
import { renderArgs } from '../../src/events/render.js';
import { ev, i64, u32, i32, str, list, u64, cloneX } from '../state/events.js';
import { EVENTS } from '../../schema/events.js';

/** execve_19 exit (293) with the current table's appended parameters; filename last. */
function execveExit(filename: string, trusted: string) {
  return ev(293, 500, [
    i64(0), str('ls'), list(['-la']), i64(500), i64(500), i64(400), str('/tmp'), u64(1024), u64(0), u64(0),
    u32(0), u32(0), u32(0), str('ls'), list(['cpu=/']), list([]), i32(0), i64(500), i32(0), u32(0),
    u64(0), u64(0), u64(0), u64(42), u64(0), u64(0), u32(0), str(trusted), i64(500), u32(0), str(filename),
  ]);
}

test('execve enter takes the filename the probe read', () => {
  const e = new EnterSynth().enterFor(execveExit('/bin/ls', '/usr/bin/ls'));
  assert.ok(e);
  assert.equal(e.type, 292);
  assert.equal(renderArgs(e), 'filename=/bin/ls ');
});

test('execve enter falls back to the trusted executable path when the filename is empty', () => {
  const e = new EnterSynth().enterFor(execveExit('', '/usr/bin/ls'));
  assert.ok(e);
  assert.equal(renderArgs(e), 'filename=/usr/bin/ls ');
});

test('an enter parameter no exit parameter names is written empty', () => {
  // accept4 exit (249) carries no flags: the enter's flags stay empty (NULL)
  const x = ev(249, 500, [i64(5), Buffer.alloc(0), Buffer.from([0]), u32(0), u32(4)]);
  const e = new EnterSynth().enterFor(x);
  assert.ok(e);
  assert.equal(e.type, 248);
  assert.equal(e.plen[0], 0);
});

// The synthesizer moves 64-bit values as u32 halves (no BigInt per event): the cases where a
// half borrows or only the high half is set.
const tsOf = (v: { buf: Buffer; off: number }) => v.buf.readBigUInt64LE(v.off);
function withTs(x: ReturnType<typeof ev>, ts: bigint) {
  x.buf.writeBigUInt64LE(ts, x.off);
  assert.equal(x.load(x.buf, x.off, x.off + x.len, x.cpu, 0), null);
  return x;
}

test('the enter is 1 ns before its exit, across a 32-bit boundary; 0 stays 0', () => {
  const s = new EnterSynth();
  for (const [ts, want] of [[1n << 32n, (1n << 32n) - 1n], [(5n << 32n) + 7n, (5n << 32n) + 6n], [0n, 0n], [1n, 0n]] as const) {
    const e = s.enterFor(withTs(ev(5, 500, [i64(0)]), ts)); // close exit
    assert.ok(e);
    assert.equal(tsOf(e), want, `ts ${ts}`);
  }
  // the 2022 pairs: enter 1 ns before, exit at the same time
  const d = withTs(ev(367, 500, [i64(4), i64(3)]), 3n << 32n); // dup_1 exit: res 4, oldfd 3
  const pair = s.legacyPair(d);
  assert.ok(pair);
  assert.equal(tsOf(pair[0]), (3n << 32n) - 1n);
  assert.equal(tsOf(pair[1]), 3n << 32n);
  assert.equal(pair[0].buf.readBigInt64LE(pair[0].poff[0]!), 3n);
  assert.equal(pair[1].buf.readBigInt64LE(pair[1].poff[0]!), 4n);
});

test('clone: the child side (res 0) gets no enter; a res with a zero low half is not 0', () => {
  const s = new EnterSynth();
  const o = { pid: 500, ptid: 1, comm: 'a', exe: 'a', args: [], cwd: '/' };
  assert.equal(s.enterFor(cloneX(500, 0, o)), null);
  assert.ok(s.enterFor(cloneX(500, 2 ** 32, o)));
  assert.ok(s.enterFor(cloneX(500, 77, o)));
});

test('sendfile: the enter offset is the exit offset minus the bytes copied (with a borrow)', () => {
  const s = new EnterSynth();
  const at = (res: number, off: bigint) => {
    const e = s.enterFor(ev(189, 500, [i64(res), u64(off), i64(1), i64(2), u64(100)]));
    assert.ok(e);
    return e.buf.readBigUInt64LE(e.poff[2]!);
  };
  assert.equal(at(2 ** 32 + 5, (2n << 32n) + 3n), (2n << 32n) + 3n - (1n << 32n) - 5n);
  assert.equal(at(10, 110n), 100n);
  assert.equal(at(0, 110n), 110n);     // nothing copied
  assert.equal(at(-11, 110n), 110n);   // an error
  assert.equal(at(200, 110n), 110n);   // more than the offset: left as is
});

test('bpf: cmd as the enter, res_or_fd as an FD for map/program creation, else an ERRNO', () => {
  const s = new EnterSynth();
  for (const [res, cmd, sel] of [[7, 0, 0], [7, 5, 0], [7, 2, 1], [-1, 0, 1], [2 ** 32 + 1, 5, 0]] as const) {
    const pair = s.legacyPair(ev(369, 500, [i64(res), u32(cmd)]));
    assert.ok(pair);
    assert.equal(pair[0].type, 296);
    assert.equal(pair[0].buf.readBigInt64LE(pair[0].poff[0]!), BigInt(cmd));
    assert.equal(pair[1].type, 297);
    assert.equal(pair[1].plen[0], 9);
    assert.equal(pair[1].buf[pair[1].poff[0]!], sel, `res ${res} cmd ${cmd}`);
    assert.equal(pair[1].buf.readBigInt64LE(pair[1].poff[0]! + 1), BigInt(res));
  }
});

test('execveat: execveat(AT_FDCWD, trusted path, 0), or all empty without the path', () => {
  const s = new EnterSynth();
  const x = EVENTS[331]!;
  const names = [...x.params, ...x.appended].map((q) => q.name);
  const ti = names.indexOf('trusted_exepath');
  assert.ok(ti > 0);
  const params: Buffer[] = names.map(() => Buffer.alloc(0));
  params[ti] = str('/usr/bin/ls');
  const e = s.enterFor(ev(331, 500, params));
  assert.ok(e);
  assert.equal(e.type, 330);
  assert.equal(e.buf.readBigInt64LE(e.poff[0]!), -100n);
  assert.equal(e.buf.toString('latin1', e.poff[1]!, e.poff[1]! + e.plen[1]!), '/usr/bin/ls\0');
  assert.equal(e.plen[2], 4);
  assert.equal(e.buf.readUInt32LE(e.poff[2]!), 0);
  const none = s.enterFor(ev(331, 500, names.map(() => Buffer.alloc(0))));
  assert.ok(none);
  assert.deepEqual([none.plen[0], none.plen[1], none.plen[2]], [0, 0, 0]);
});
