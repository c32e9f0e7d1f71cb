// The dup family copies the old fd's facts to the new fd, and the event's own fd (fd.*) is the
// old one: 2022 enter/exit pairs from files (fd on the enter event) and the live exit-only
// events of the current table (DUP_1/DUP2/DUP3 carrying oldfd/newfd). This is what the
// reverse-shell rule reads: evt.rawres in (0,1,2) and fd.type in (ipv4, ipv6).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inspector } from '../../src/state/inspector.js';
import { emptyHeader } from '../../src/capture/scap-header.js';
import { ev, i64, u32, tuple4, field, procEntry } from './events.js';

/** sh (pid 300) with stdin/stdout on a tty and fd 3 a connected TCP socket. */
function setup(): Inspector {
  const h = emptyHeader();
  h.procs.push(procEntry({ pid: 300, comm: 'sh', cwd: '/tmp' }));
  const blank = { ino: 0n, openFlags: 3, dev: 0, sip: new Uint8Array(0), dip: new Uint8Array(0), sport: 0, dport: 0, l4proto: 0, unixSource: 0n, unixDest: 0n };
  h.fds.set(300, [
    { ...blank, fd: 0, type: 1, name: '/dev/pts/1' },
    { ...blank, fd: 1, type: 1, name: '/dev/pts/1' },
  ]);
  // this machine's address: sinsp tells local from remote by whether the client address is one
  h.interfaces.push({ family: 4, name: 'eth0', addr: Uint8Array.of(10, 0, 0, 5), netmask: Uint8Array.of(255, 255, 255, 0), bcast: Uint8Array.of(10, 0, 0, 255), linkspeed: 0n });
  const insp = new Inspector(ev(0, 300, []));
  insp.seed(h);
  // socket(AF_INET, SOCK_STREAM) = 3, connect(3) to 10.1.2.3:4444 (2022 pairs)
  insp.process(ev(18, 300, [u32(2), u32(1), u32(0)]));
  insp.process(ev(19, 300, [i64(3)]));
  insp.process(ev(22, 300, [i64(3), Buffer.alloc(0)]));
  insp.process(ev(23, 300, [i64(0), tuple4('10.0.0.5', 50000, '10.1.2.3', 4444)]));
  assert.equal(field(insp, 'fd.name'), '10.0.0.5:50000->10.1.2.3:4444');
  return insp;
}

/** After the dup: the exit sees the socket as its fd; fd 0/1 now is that socket. */
function assertCopied(insp: Inspector, newfd: number, what: string): void {
  assert.equal(field(insp, 'evt.rawres'), newfd, what);
  // sysdig 0.29.3 names the new fd on the exit (`< dup 5 ... res=5`, seen on a live capture
  // in test/diff/live-capture.test.ts); it carries the old fd's facts.
  assert.equal(field(insp, 'fd.num'), newfd, `${what}: fd.num is the new fd`);
  assert.equal(field(insp, 'fd.type'), 'ipv4', `${what}: fd.type copied from the old fd`);
  assert.equal(field(insp, 'fd.name'), '10.0.0.5:50000->10.1.2.3:4444', what);
  // A later read on the new fd sees the socket (read enter: fd, size).
  insp.process(ev(6, 300, [i64(newfd), u32(10)]));
  assert.equal(field(insp, 'fd.num'), newfd, what);
  assert.equal(field(insp, 'fd.type'), 'ipv4', `${what}: the new fd copied the socket`);
  assert.equal(field(insp, 'fd.rip'), '10.1.2.3', what);
  assert.equal(field(insp, 'fd.rport'), 4444, what);
}

test('live exit-only dup2 (DUP2_X 363: res, oldfd, newfd) copies the socket to fd 0', () => {
  const insp = setup();
  insp.process(ev(363, 300, [i64(0), i64(3), i64(0)]));
  assert.equal(field(insp, 'evt.type'), 'dup2');
  assertCopied(insp, 0, 'dup2');
});

test('live exit-only dup3 (DUP3_X 365: res, oldfd, newfd, flags) copies the socket to fd 1', () => {
  const insp = setup();
  insp.process(ev(365, 300, [i64(1), i64(3), i64(1), u32(0)]));
  assert.equal(field(insp, 'evt.type'), 'dup3');
  assertCopied(insp, 1, 'dup3');
});

test('live exit-only dup (DUP_1_X 367: res, oldfd) copies the socket to the lowest free fd', () => {
  const insp = setup();
  insp.process(ev(367, 300, [i64(2), i64(3)]));
  assert.equal(field(insp, 'evt.type'), 'dup');
  assertCopied(insp, 2, 'dup');
});

test('2022 pair from a file: DUP_E (124, fd) then DUP_X (125, res)', () => {
  const insp = setup();
  insp.process(ev(124, 300, [i64(3)]));
  insp.process(ev(125, 300, [i64(2)]));
  assertCopied(insp, 2, 'dup pair');
});

test('current-table pair from a file: DUP2_E (362, fd) then DUP2_X (363, res, oldfd, newfd)', () => {
  const insp = setup();
  insp.process(ev(362, 300, [i64(3)]));
  insp.process(ev(363, 300, [i64(0), i64(3), i64(0)]));
  assertCopied(insp, 0, 'dup2 pair');
});

test('a failed dup copies nothing; an unknown old fd leaves the new fd alone', () => {
  const insp = setup();
  insp.process(ev(363, 300, [i64(-9), i64(3), i64(0)]));
  insp.process(ev(6, 300, [i64(0), u32(10)]));
  assert.equal(field(insp, 'fd.name'), '/dev/pts/1', 'EBADF: fd 0 unchanged');
  insp.process(ev(363, 300, [i64(1), i64(42), i64(1)]));
  assert.equal(field(insp, 'fd.num'), 42, 'the exit names the old fd');
  assert.notEqual(field(insp, 'fd.type'), 'ipv4', 'old fd 42 unknown: an untyped fd, not a socket');
  insp.process(ev(6, 300, [i64(1), u32(10)]));
  assert.equal(field(insp, 'fd.name'), '/dev/pts/1', 'fd 1 unchanged');
});
