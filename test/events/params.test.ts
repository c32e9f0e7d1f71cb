import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventView } from '../../src/events/event-view.js';
import {
  paramIndex, paramIndexIn, pStr, pFd, pErrno, pU32, pU64, pI64, pBytes, pSockAddr, pSockTuple, SockAddr, SockTuple,
  fdListCount, fdListFd, fdListFlags, pDynIndex, pDynType, pDynInt, flagNames, flagTableIndex, pFlagNames, syscallName, errnoName,
  sysdigErrnoName, signalName, ipv6ToString, pStrList, pInt, decodeAll,
} from '../../src/events/params.js';
import { formatG, resolvePath, eventTypeName } from '../../src/events/render.js';
import { encodeEvent } from '../support/raw-event.js';

/** Builds a v2 event (u16 lengths) in a larger buffer at an odd offset, to catch offset bugs. */
function view(type: number, params: Buffer[], tid = 42): EventView {
  const ev = encodeEvent(type, tid, 123n, params);
  const len = ev.length;
  const buf = Buffer.concat([Buffer.alloc(3, 0xee), ev, Buffer.alloc(5, 0xee)]);
  const v = new EventView();
  assert.equal(v.load(buf, 3, 3 + len, 1, 0), null);
  return v;
}
const i64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64LE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };

test('paramIndex finds 2022 and appended parameters by name', () => {
  assert.equal(paramIndex(3, 'fd'), 0);
  assert.equal(paramIndex(3, 'dev'), 4);
  assert.equal(paramIndex(3, 'ino'), 5); // appended by the current table
  assert.equal(paramIndex(3, 'nope'), -1);
  assert.equal(paramIndex(9999, 'fd'), -1);
  const v = view(3, [i64(3n), Buffer.from('/etc/passwd\0'), u32(1), u32(0), u32(0x803)]);
  assert.equal(paramIndexIn(v, 'dev'), 4);
  assert.equal(paramIndexIn(v, 'ino'), -1); // not present in this event
});

test('integers, fds, errno, strings without the NUL, byte buffers without copy', () => {
  const v = view(3, [i64(-2n), Buffer.from('/etc/pass\0wd\0'), u32(0xffffffff), u32(0o644), Buffer.alloc(0)]);
  assert.equal(pFd(v, 0), -2);
  assert.equal(pErrno(v, 0), -2);
  assert.equal(pI64(v, 0), -2);
  assert.equal(pStr(v, 1), '/etc/pass');
  assert.equal(pU32(v, 2), 0xffffffff);
  assert.equal(pInt(v, 2), 0xffffffff);
  assert.equal(pU32(v, 4, 7), 7); // empty -> default
  assert.equal(pU64(v, 3), 0n); // too short -> default
  const bytes = pBytes(v, 1);
  assert.equal(bytes.buffer, v.buf.buffer); // a view, not a copy
  assert.equal(pStr(v, 9, 'dflt'), 'dflt');
});

test('sockaddr and socktuple decode to sysdig-style strings', () => {
  const sa = Buffer.alloc(7); sa[0] = 2; Buffer.from([93, 184, 216, 34]).copy(sa, 1); sa.writeUInt16LE(80, 5);
  const tu = Buffer.alloc(37); tu[0] = 10;
  Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]).copy(tu, 1); tu.writeUInt16LE(5000, 17);
  Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 2]).copy(tu, 19); tu.writeUInt16LE(80, 35);
  const v = view(23, [i64(0n), tu]);
  const t = new SockTuple();
  assert.ok(pSockTuple(v, 1, t));
  assert.deepEqual([t.family, t.sip, t.sport, t.dip, t.dport], [2, '127.0.0.1', 5000, '10.0.0.2', 80]);
  const v2 = view(22, [i64(3n), sa]);
  const a = new SockAddr();
  assert.ok(pSockAddr(v2, 1, a));
  assert.deepEqual([a.family, a.addr, a.port], [2, '93.184.216.34', 80]);
  const un = Buffer.concat([Buffer.from([1]), Buffer.from('/run/x.sock\0')]);
  assert.ok(pSockAddr(view(22, [i64(3n), un]), 1, a));
  assert.deepEqual([a.family, a.addr], [1, '/run/x.sock']);
  assert.equal(pSockAddr(view(22, [i64(3n), Buffer.alloc(0)]), 1, a), false);
});

test('IPv6 text like inet_ntop', () => {
  const ip = (...w: number[]) => { const b = Buffer.alloc(16); w.forEach((x, i) => b.writeUInt16BE(x, 2 * i)); return b; };
  assert.equal(ipv6ToString(ip(0, 0, 0, 0, 0, 0, 0, 1), 0), '::1');
  assert.equal(ipv6ToString(ip(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1), 0), '2001:db8::1:0:0:1');
  assert.equal(ipv6ToString(ip(0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304), 0), '::ffff:1.2.3.4');
  assert.equal(ipv6ToString(ip(0, 0, 0, 0, 0, 0, 0, 0), 0), '::');
  assert.equal(ipv6ToString(ip(1, 0, 2, 0, 3, 0, 4, 0), 0), '1:0:2:0:3:0:4:0');
  assert.equal(ipv6ToString(ip(0xfe80, 0, 0, 0, 1, 2, 3, 4), 0), 'fe80::1:2:3:4');
});

test('fdlist, DYN, flags, syscall, errno and signal names', () => {
  const fl = Buffer.alloc(22); fl.writeUInt16LE(2, 0); fl.writeBigInt64LE(3n, 2); fl.writeUInt16LE(1, 10); fl.writeBigInt64LE(7n, 12); fl.writeUInt16LE(0x45, 20);
  const v = view(80, [fl, i64(-1n)]);
  assert.equal(fdListCount(v, 0), 2);
  assert.deepEqual([fdListFd(v, 0, 1), fdListFlags(v, 0, 1)], [7, 0x45]);
  // A count larger than the bytes is bounded by the bytes.
  fl.writeUInt16LE(999, 0);
  assert.equal(fdListCount(view(80, [fl, i64(-1n)]), 0), 2);
  const so = view(45, [i64(0n), i64(3n), Buffer.from([1]), Buffer.from([2]), Buffer.from([2, 1, 0, 0, 0]), u32(4)]);
  assert.equal(pDynIndex(so, 4), 2);
  assert.equal(pDynType(so, 4), 7); // UINT32
  assert.equal(pDynInt(so, 4), 1);
  const bpf = view(297, [Buffer.concat([Buffer.from([1]), i64(-13n)])]);
  assert.equal(pDynType(bpf, 0), 11); // ERRNO
  assert.equal(pDynInt(bpf, 0), -13);
  const ff = flagTableIndex('file_flags');
  assert.equal(flagNames(ff, 1), 'O_RDONLY');
  assert.equal(flagNames(ff, 3), 'O_RDWR');
  assert.equal(flagNames(ff, 262), 'O_TRUNC|O_CREAT|O_WRONLY');
  assert.equal(flagNames(ff, 0), 'O_NONE');
  assert.equal(pFlagNames(view(3, [i64(3n), Buffer.from('/x\0'), u32(4097), u32(0), u32(0)]), 2), 'O_RDONLY|O_CLOEXEC');
  assert.equal(syscallName(76), 'init_module');
  assert.equal(errnoName(-2), 'ENOENT');
  assert.equal(errnoName(130), 'EOWNERDEAD');
  assert.equal(sysdigErrnoName(-130), ''); // sysdig 0.29.3's table stops at ECANCELED
  assert.equal(sysdigErrnoName(-512), 'ERESTARTSYS');
  assert.equal(signalName(9), 'SIGKILL');
  assert.equal(eventTypeName(view(0, [Buffer.from([76, 0]), Buffer.from([175, 0])])), 'init_module');
});

test('string lists, %g, path resolution, decodeAll', () => {
  const v = view(293, [i64(0n), Buffer.from('ls\0'), Buffer.from('-l\0/tmp\0')]);
  assert.deepEqual(pStrList(v, 2), ['-l', '/tmp']);
  assert.equal(formatG(1.5), '1.5');
  assert.equal(formatG(5e-9), '5e-09');
  assert.equal(formatG(1234567), '1.23457e+06');
  assert.equal(formatG(0.0001), '0.0001');
  assert.equal(resolvePath('/home/u/', '../a/./b'), '/home/a/b');
  assert.equal(resolvePath('/home/u/', '/abs'), '');
  assert.equal(resolvePath('', 'a/../b'), 'b');
  // sysdig's quirks: a '..' not followed by '/' or the end is copied, a lone final '.' dropped.
  assert.equal(resolvePath('/h/', 'x/...'), '/h/x/..');
  assert.equal(resolvePath('/h/', 'x/.../y'), '/h/x/..y');
  assert.equal(resolvePath('/h/', 'a//b/'), '/h/a/b');
  assert.equal(resolvePath('/', '../../..'), '/');
  assert.ok(decodeAll(v, new SockTuple(), new SockAddr()) > 0);
});

test('EventView.load rejects lengths that do not fit', () => {
  const v = new EventView();
  const b = Buffer.alloc(40);
  b.writeUInt32LE(40, 16); b.writeUInt16LE(3, 20); b.writeUInt32LE(1000, 22);
  assert.match(v.load(b, 0, 40, 0, 0)!, /parameters/);
  b.writeUInt32LE(1, 22); b.writeUInt16LE(100, 26);
  assert.match(v.load(b, 0, 40, 0, 0)!, /overruns/);
  b.writeUInt32LE(400, 16);
  assert.match(v.load(b, 0, 40, 0, 0)!, /does not fit/);
  assert.match(v.load(b, 0, 10, 0, 0)!, /truncated/);
});
