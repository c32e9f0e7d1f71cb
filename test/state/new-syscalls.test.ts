// State for the syscalls whose programs came in session 2 (live exit-only layouts): fd
// creation by type, close_range, pidfd_getfd, open_by_handle_at, setreuid/setregid.
// Table-driven: each row runs events on a fresh inspector and checks fields and tables.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inspector } from '../../src/state/inspector.js';
import { emptyHeader } from '../../src/capture/scap-header.js';
import { FdType } from '../../src/capture/types.js';
import { ev, i64, u32, u64, str, type P, field, procEntry } from './events.js';

const fileEntry = (fd: number, name: string) => ({ fd, ino: 7n, type: FdType.FILE, name, openFlags: 1, dev: 0, sip: new Uint8Array(0), dip: new Uint8Array(0), sport: 0, dport: 0, l4proto: 0, unixSource: 0n, unixDest: 0n });

/** pid 100 (uid 0) with fds 3..6 on files; pid 200 (uid 1000) with fd 5 on /etc/shadow. */
function setup(): Inspector {
  const h = emptyHeader();
  h.procs.push(procEntry({ pid: 100, comm: 'app' }), procEntry({ pid: 200, comm: 'victim', uid: 1000 }));
  h.fds.set(100, [3, 4, 5, 6].map((n) => fileEntry(n, `/tmp/f${n}`)));
  h.fds.set(200, [fileEntry(5, '/etc/shadow')]);
  h.users.push({ uid: 0, gid: 0, name: 'root', homedir: '/root', shell: '/bin/sh' }, { uid: 1000, gid: 1000, name: 'u', homedir: '/home/u', shell: '/bin/sh' });
  h.groups.push({ gid: 0, name: 'root' }, { gid: 1000, name: 'u' });
  const insp = new Inspector(ev(0, 100, []));
  insp.seed(h);
  return insp;
}

const fdsOf = (insp: Inspector, pid: number) => [...insp.threads.get(pid)!.fds.map.keys()].sort((a, b) => a - b);
const fdOf = (insp: Inspector, pid: number, fd: number) => insp.threads.get(pid)!.fds.get(fd);

interface Row { name: string; events: Array<[number, P[]]>; check: (insp: Inspector) => void }

const ROWS: Row[] = [
  { name: 'epoll_create: an eventpoll fd', events: [[375, [i64(8), u32(1)]]],
    check: (i) => { assert.equal(field(i, 'fd.type'), 'eventpoll'); assert.equal(field(i, 'fd.num'), 8); } },
  { name: 'epoll_create1: an eventpoll fd', events: [[377, [i64(9), u32(0)]]],
    check: (i) => { assert.equal(field(i, 'fd.typechar'), 'l'); assert.equal(fdOf(i, 100, 9)?.type, FdType.EVENTPOLL); } },
  { name: 'io_uring_setup: an io_uring fd', events: [[339, [i64(10), u32(8), u32(8), u32(16), u32(0), u32(0), u32(0), u32(0)]]],
    check: (i) => { assert.equal(field(i, 'fd.type'), 'io_uring'); assert.equal(fdOf(i, 100, 10)?.type, FdType.IOURING); } },
  { name: 'failed epoll_create1: no fd', events: [[377, [i64(-24), u32(0)]]],
    check: (i) => assert.deepEqual(fdsOf(i, 100), [3, 4, 5, 6]) },
  { name: 'open_by_handle_at: a file fd with its path, flags, dev, ino', events: [[337, [i64(11), i64(3), u32(4097), str('/var/lib/secret'), u32(0xfe00), u64(1234)]]],
    check: (i) => {
      assert.equal(field(i, 'fd.name'), '/var/lib/secret'); assert.equal(field(i, 'fd.type'), 'file');
      assert.equal(field(i, 'fd.directory'), '/var/lib'); assert.equal(field(i, 'fd.ino'), 1234n);
      assert.equal(fdOf(i, 100, 11)?.openFlags, 4097);
    } },
  { name: 'open_by_handle_at on a directory (O_DIRECTORY)', events: [[337, [i64(12), i64(3), u32(1024 | 1), str('/var/lib'), u32(0), u64(1)]]],
    check: (i) => assert.equal(field(i, 'fd.type'), 'directory') },
  { name: 'failed open_by_handle_at: no fd', events: [[337, [i64(-1), i64(-1), u32(1), str(''), u32(0), u64(0)]]],
    check: (i) => assert.deepEqual(fdsOf(i, 100), [3, 4, 5, 6]) },
  { name: 'close_range(4, 5): closes 4 and 5 only', events: [[451, [i64(0), u32(4), u32(5), u32(0)]]],
    check: (i) => assert.deepEqual(fdsOf(i, 100), [3, 6]) },
  { name: 'close_range(4, ~0U): closes from 4 up', events: [[451, [i64(0), u32(4), u32(0xffffffff), u32(0)]]],
    check: (i) => assert.deepEqual(fdsOf(i, 100), [3]) },
  { name: 'close_range CLOEXEC: only marks', events: [[451, [i64(0), u32(5), u32(0xffffffff), u32(4)]]],
    check: (i) => {
      assert.deepEqual(fdsOf(i, 100), [3, 4, 5, 6]);
      assert.equal(fdOf(i, 100, 5)!.openFlags & 4096, 4096); assert.equal(fdOf(i, 100, 4)!.openFlags & 4096, 0);
    } },
  { name: 'failed close_range: nothing closed', events: [[451, [i64(-22), u32(6), u32(3), u32(0)]]],
    check: (i) => assert.deepEqual(fdsOf(i, 100), [3, 4, 5, 6]) },
  { name: 'pidfd_open then pidfd_getfd: a copy of the target process fd', events: [[409, [i64(7), i64(200), u32(0)]], [407, [i64(8), i64(7), i64(5), u32(0)]]],
    check: (i) => {
      assert.equal(field(i, 'fd.name'), '/etc/shadow'); assert.equal(field(i, 'fd.type'), 'file');
      assert.equal(fdOf(i, 100, 7)?.type, FdType.PIDFD);
      assert.equal(fdOf(i, 200, 5)?.name, '/etc/shadow', 'the target keeps its fd');
    } },
  { name: 'pidfd_getfd of an unknown target fd: an fd of unknown type', events: [[409, [i64(7), i64(200), u32(0)]], [407, [i64(8), i64(7), i64(99), u32(0)]]],
    check: (i) => assert.equal(fdOf(i, 100, 8)?.type, FdType.UNSUPPORTED) },
  { name: 'setreuid(-1, 1000): the effective uid', events: [[427, [i64(0), u32(0xffffffff), u32(1000)]]],
    check: (i) => { assert.equal(field(i, 'user.uid'), 1000); assert.equal(field(i, 'user.name'), 'u'); } },
  { name: 'setreuid(1000, -1): euid unchanged', events: [[427, [i64(0), u32(1000), u32(0xffffffff)]]],
    check: (i) => assert.equal(field(i, 'user.uid'), 0) },
  { name: 'failed setreuid: unchanged', events: [[427, [i64(-1), u32(1000), u32(1000)]]],
    check: (i) => assert.equal(field(i, 'user.uid'), 0) },
  { name: 'setregid(1000, 1000): the effective gid', events: [[429, [i64(0), u32(1000), u32(1000)]]],
    check: (i) => { assert.equal(field(i, 'group.gid'), 1000); assert.equal(field(i, 'group.name'), 'u'); } },
];

for (const row of ROWS) {
  test(`state: ${row.name}`, () => {
    const insp = setup();
    for (const [type, params] of row.events) insp.process(ev(type, 100, params));
    row.check(insp);
  });
}
