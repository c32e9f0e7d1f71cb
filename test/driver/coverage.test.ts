// Kernel tests, third batch: brk, mmap, munmap, chown, lchown, fchown, fchownat, mknod, mknodat,
// socket (type flags), setsockopt, getsockopt, close_range, setreuid, setregid, setfsuid and
// setfsgid (generic), epoll_create, epoll_create1, pidfd_open, pidfd_getfd, sendmmsg, recvmmsg,
// recvmsg (msgcontrol), io_uring_setup/enter/register, sendfile, open_by_handle_at, creat
// (creat_flags), procexit (reaper_tid), clone (pidns_init_start_ts); pipe, eventfd, signalfd,
// inotify_init, tkill, setgid, accept (the older variants); init_module/finit_module
// unavailable without module support. Each syscall is triggered by helpers/cover.c, captured
// live with the real probe, and every parameter is checked against what the syscall returned.
// One probe load for the file; events are filtered by the helper's pid.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, lstatSync, readFileSync, rmSync, realpathSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveSource } from '../../src/capture/live-source.js';
import { EVENTS } from '../../schema/events.js';
import { buildHelper, runCaptured, i64, u64, u32, u16, u8, str, type Captured, type RunResult, nearPid } from './util.js';

let src: LiveSource;
let cover: string;
let dir = '';

/** Event id by the schema's enum name, so the test reads like the table. */
function id(enumName: string): number {
  const e = EVENTS.find((x) => x.enumName === enumName);
  assert.ok(e, enumName);
  return e.id;
}

before(async () => {
  cover = buildHelper('cover');
  dir = mkdtempSync(join(tmpdir(), 'kes-cover-'));
  src = new LiveSource({
    syscalls: ['execve', 'procexit', 'clone', 'brk', 'mmap', 'munmap', 'chown', 'lchown', 'fchown', 'fchownat', 'mknod',
      'mknodat', 'socket', 'setsockopt', 'getsockopt', 'close_range', 'setreuid', 'setregid', 'epoll_create',
      'epoll_create1', 'pidfd_open', 'pidfd_getfd', 'sendmmsg', 'recvmmsg', 'recvmsg', 'io_uring_setup',
      'io_uring_enter', 'io_uring_register', 'sendfile', 'creat', 'open_by_handle_at', 'pipe', 'eventfd', 'signalfd',
      'inotify_init', 'tkill', 'setgid', 'accept', 'init_module', 'finit_module', 'setfsuid', 'setfsgid'],
    snapshot: false,
  });
  await src.open();
});
after(async () => {
  await src?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Events of the helper from its execve on (before it, the child is libuv's forked node). */
const mine = (r: RunResult): Captured[] => r.events.slice(Math.max(0, r.events.findIndex((e) => e.type === id('PPME_SYSCALL_EXECVE_19_X') && e.tid === r.pid)));
const all = (r: RunResult, type: number, tid = r.pid) => mine(r).filter((e) => e.type === type && e.tid === tid);
const one = (r: RunResult, type: number, tid = r.pid): Captured => {
  const evs = all(r, type, tid);
  assert.equal(evs.length, 1, `one event of type ${type} for tid ${tid}, got ${evs.length}`);
  return evs[0]!;
};
const res = (r: RunResult, name: string): number => {
  const v = r.results.find(([a]) => a === name);
  assert.ok(v, `helper printed ${name}: ${r.stdout}`);
  return v[1];
};
const near = nearPid;
/** DYN parameter: [selector, value bytes]. */
const dyn = (b: Buffer): [number, Buffer] => [b[0]!, b.subarray(1)];

test('brk, mmap, munmap: results, arguments as PPM flags, memory after the call', async () => {
  const r = await runCaptured(src, cover, ['mm', join(dir, 'map')]);
  assert.equal(r.code, 0);
  const brk = all(r, id('PPME_SYSCALL_BRK_4_X')).find((e) => u64(e.params[4]!) === BigInt(res(r, 'brk_cur') + 8192))!;
  assert.ok(brk, 'brk event with our address');
  assert.equal(brk.params.length, 5);
  assert.equal(u64(brk.params[0]!), BigInt(res(r, 'brk')));
  const vmOk = (e: Captured, tag: string) => {
    assert.equal(u32(e.params[1]!), res(r, `${tag}_vmsize`), `${tag} vm_size`);
    assert.ok(Math.abs(u32(e.params[2]!) - res(r, `${tag}_vmrss`)) <= 1024 && u32(e.params[2]!) > 0, `${tag} vm_rss ${u32(e.params[2]!)} vs ${res(r, `${tag}_vmrss`)}`);
    assert.equal(u32(e.params[3]!), res(r, `${tag}_vmswap`), `${tag} vm_swap`);
  };
  vmOk(brk, 'brk');

  const maps = all(r, id('PPME_SYSCALL_MMAP_X'));
  const anon = maps.find((e) => u64(e.params[0]!) === BigInt(res(r, 'mmap')))!;
  assert.ok(anon, 'anonymous mmap event');
  assert.equal(anon.params.length, 10);
  vmOk(anon, 'mmap');
  // addr NULL, length, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE (PPM 2|8|128), fd -1, offset 0
  assert.deepEqual([u64(anon.params[4]!), u64(anon.params[5]!), u32(anon.params[6]!), u32(anon.params[7]!), i64(anon.params[8]!), u64(anon.params[9]!)],
    [0n, 3n * 4096n, 1 | 2, 2 | 8 | 128, -1, 0n]);
  const file = maps.find((e) => u64(e.params[0]!) === BigInt(res(r, 'mmap_file')))!;
  assert.ok(file, 'file mmap event');
  assert.deepEqual([u64(file.params[5]!), u32(file.params[6]!), u32(file.params[7]!), i64(file.params[8]!), u64(file.params[9]!)],
    [4096n, 1, 1 /* MAP_SHARED */, res(r, 'mmap_fd'), 4096n]);

  const un = all(r, id('PPME_SYSCALL_MUNMAP_X')).find((e) => u64(e.params[4]!) === BigInt(res(r, 'munmap_addr')))!;
  assert.ok(un, 'munmap event');
  assert.equal(un.params.length, 6);
  assert.deepEqual([i64(un.params[0]!), u64(un.params[5]!)], [0, 3n * 4096n]);
  vmOk(un, 'munmap');
});

test('chown, lchown, fchown, fchownat: path/fd, uid, gid, flags; a failed call', async () => {
  const d = mkdtempSync(join(dir, 'own-'));
  const r = await runCaptured(src, cover, ['own', d]);
  assert.equal(r.code, 0);
  const ch = all(r, id('PPME_SYSCALL_CHOWN_X'));
  assert.equal(ch.length, 2);
  assert.deepEqual(ch.map((e) => [i64(e.params[0]!), str(e.params[1]!), u32(e.params[2]!), u32(e.params[3]!)]),
    [[0, `${d}/f`, 1234, 5678], [res(r, 'chown_missing'), '/nonexistent/kestrel', 1, 1]]);
  const lc = one(r, id('PPME_SYSCALL_LCHOWN_X'));
  assert.deepEqual([i64(lc.params[0]!), str(lc.params[1]!), u32(lc.params[2]!), u32(lc.params[3]!)], [0, `${d}/l`, 1235, 0xffffffff]);
  const fc = one(r, id('PPME_SYSCALL_FCHOWN_X'));
  assert.deepEqual([i64(fc.params[0]!), i64(fc.params[1]!), u32(fc.params[2]!), u32(fc.params[3]!)], [0, res(r, 'fd'), 0xffffffff, 5679]);
  const fa = one(r, id('PPME_SYSCALL_FCHOWNAT_X'));
  assert.deepEqual([i64(fa.params[0]!), i64(fa.params[1]!), str(fa.params[2]!), u32(fa.params[3]!), u32(fa.params[4]!), u32(fa.params[5]!)],
    [0, res(r, 'dirfd'), 'l', 1236, 5680, 256 /* AT_SYMLINK_NOFOLLOW */]);
  // the kernel did what the events say
  const f = statSync(`${d}/f`);
  assert.deepEqual([f.uid, f.gid], [1234, 5679]);
  const l = lstatSync(`${d}/l`);
  assert.deepEqual([l.uid, l.gid], [1236, 5680]);
});

test('mknod, mknodat: path, mode (S_IF* and permission bits), dev', async () => {
  const d = mkdtempSync(join(dir, 'nodes-'));
  const r = await runCaptured(src, cover, ['nodes', d]);
  assert.equal(r.code, 0);
  const mk = one(r, id('PPME_SYSCALL_MKNOD_X'));
  assert.deepEqual([i64(mk.params[0]!), str(mk.params[1]!), u32(mk.params[2]!), u32(mk.params[3]!)], [0, `${d}/fifo`, 0o010640, 0]);
  const ma = one(r, id('PPME_SYSCALL_MKNODAT_X'));
  assert.deepEqual([i64(ma.params[0]!), i64(ma.params[1]!), str(ma.params[2]!), u32(ma.params[3]!), u32(ma.params[4]!)],
    [0, res(r, 'dirfd'), 'null2', 0o020600, res(r, 'rdev')]);
  assert.equal(statSync(`${d}/null2`).rdev, u32(ma.params[4]!), 'dev is what stat shows as st_rdev');
});

test('socket type flags; setsockopt, getsockopt: level, optname, typed values, optlen', async () => {
  const r = await runCaptured(src, cover, ['sockopt']);
  assert.equal(r.code, 0);
  const so = one(r, id('PPME_SOCKET_SOCKET_X'));
  assert.deepEqual([i64(so.params[0]!), u32(so.params[1]!), u32(so.params[2]!) & 0xf, u32(so.params[3]!), u32(so.params[4]!)],
    [res(r, 'socket'), 2, 1, 0, 64 | 4096 /* PPM O_NONBLOCK | O_CLOEXEC */]);
  const fd = res(r, 'socket');
  const sets = all(r, id('PPME_SOCKET_SETSOCKOPT_X'));
  assert.equal(sets.length, 4);
  const [reuse, rcvtimeo, nodelay, badfd] = sets as [Captured, Captured, Captured, Captured];
  for (const e of sets) assert.equal(e.params.length, 6);
  // SO_REUSEADDR: SOL_SOCKET, option 2, UINT32 value 1, optlen 4
  assert.deepEqual([i64(reuse.params[0]!), i64(reuse.params[1]!), u8(reuse.params[2]!), u8(reuse.params[3]!), u32(reuse.params[5]!)], [0, fd, 1, 2, 4]);
  assert.deepEqual(dyn(reuse.params[4]!).map((x, i) => (i === 0 ? x : u32(x as Buffer))), [2, 1]);
  // SO_RCVTIMEO {2 s, 500000 us}: RELTIME in ns
  assert.deepEqual([u8(rcvtimeo.params[3]!), ...dyn(rcvtimeo.params[4]!).map((x, i) => (i === 0 ? x : u64(x as Buffer)))], [20, 4, 2_500_000_000n]);
  assert.equal(u32(rcvtimeo.params[5]!), 16);
  // TCP_NODELAY: SOL_TCP, option not decoded (0), raw bytes
  assert.deepEqual([u8(nodelay.params[2]!), u8(nodelay.params[3]!), dyn(nodelay.params[4]!)[0], u32(dyn(nodelay.params[4]!)[1])], [2, 0, 0, 1]);
  assert.deepEqual([i64(badfd.params[0]!), i64(badfd.params[1]!)], [res(r, 'set_badfd'), -1]);
  const gets = all(r, id('PPME_SOCKET_GETSOCKOPT_X'));
  assert.equal(gets.length, 3);
  const [rcvbuf, err, cookie] = gets as [Captured, Captured, Captured];
  assert.deepEqual([i64(rcvbuf.params[0]!), i64(rcvbuf.params[1]!), u8(rcvbuf.params[2]!), u8(rcvbuf.params[3]!), dyn(rcvbuf.params[4]!)[0], u32(dyn(rcvbuf.params[4]!)[1]), u32(rcvbuf.params[5]!)],
    [0, fd, 1, 8, 2, res(r, 'rcvbuf'), 4]);
  assert.deepEqual([u8(err.params[3]!), dyn(err.params[4]!)[0], i64(dyn(err.params[4]!)[1])], [4, 1, 0], 'SO_ERROR: ERRNO 0');
  assert.deepEqual([u8(cookie.params[3]!), dyn(cookie.params[4]!)[0], u64(dyn(cookie.params[4]!)[1]), u32(cookie.params[5]!)],
    [53, 3, BigInt(res(r, 'cookie')), 8], 'SO_COOKIE: PPM 53, UINT64');
});

test('close_range, setregid, setreuid, setfsgid, setfsuid (generic), epoll_create, epoll_create1', async () => {
  const r = await runCaptured(src, cover, ['close_range', 'epoll', 'setre']);
  assert.equal(r.code, 0);
  const cr = all(r, id('PPME_SYSCALL_CLOSE_RANGE_X'));
  assert.deepEqual(cr.map((e) => [i64(e.params[0]!), u32(e.params[1]!), u32(e.params[2]!), u32(e.params[3]!)]),
    [[0, res(r, 'y'), res(r, 'z'), 0], [0, res(r, 'x'), res(r, 'x'), 4 /* CLOSE_RANGE_CLOEXEC */]]);
  const ec = one(r, id('PPME_SYSCALL_EPOLL_CREATE_X'));
  assert.deepEqual([i64(ec.params[0]!), ec.params[1]!.readInt32LE(0)], [res(r, 'epoll_create'), 7]);
  const ec1 = one(r, id('PPME_SYSCALL_EPOLL_CREATE1_X'));
  assert.deepEqual([i64(ec1.params[0]!), u32(ec1.params[1]!)], [res(r, 'epoll_create1'), 1 /* EPOLL_CLOEXEC */]);
  const rg = one(r, id('PPME_SYSCALL_SETREGID_X'));
  assert.deepEqual([i64(rg.params[0]!), u32(rg.params[1]!), u32(rg.params[2]!)], [0, 0xffffffff, 4321]);
  const ru = all(r, id('PPME_SYSCALL_SETREUID_X'));
  assert.deepEqual(ru.map((e) => [i64(e.params[0]!), u32(e.params[1]!), u32(e.params[2]!)]),
    [[0, 0xffffffff, 4321], [res(r, 'setreuid_denied'), 0, 0]]);
  // setfsgid/setfsuid: GENERIC_X with the PPM_SC code and the x86-64 syscall number
  const gen = all(r, id('PPME_GENERIC_X')).map((e) => [u16(e.params[0]!), u16(e.params[1]!)]);
  assert.deepEqual(gen, [[136, 123], [135, 122]]);
});

test('pidfd_open, pidfd_getfd', async () => {
  const r = await runCaptured(src, cover, ['pidfd']);
  assert.equal(r.code, 0);
  const po = one(r, id('PPME_SYSCALL_PIDFD_OPEN_X'));
  assert.deepEqual([i64(po.params[0]!), i64(po.params[1]!), u32(po.params[2]!)], [res(r, 'pidfd_open'), res(r, 'child'), 1 /* PIDFD_NONBLOCK */]);
  const pg = one(r, id('PPME_SYSCALL_PIDFD_GETFD_X'));
  assert.deepEqual([i64(pg.params[0]!), i64(pg.params[1]!), i64(pg.params[2]!), u32(pg.params[3]!)], [res(r, 'pidfd_getfd'), res(r, 'pidfd_open'), 1, 0]);
});

test('sendmmsg, recvmmsg, recvmsg: first message, unix tuples, SCM_CREDENTIALS as msgcontrol', async () => {
  const r = await runCaptured(src, cover, ['mmsg']);
  assert.equal(r.code, 0);
  const cred = (b: Buffer) => {
    // struct cmsghdr { u64 len; i32 level; i32 type } + struct ucred { pid, uid, gid }
    assert.equal(b.length, res(r, 'controllen'));
    assert.deepEqual([Number(b.readBigUInt64LE(0)), b.readInt32LE(8), b.readInt32LE(12), b.readInt32LE(16), b.readUInt32LE(20), b.readUInt32LE(24)],
      [28, 1 /* SOL_SOCKET */, 2 /* SCM_CREDENTIALS */, r.pid, 0, 0]);
  };
  const sm = one(r, id('PPME_SOCKET_SENDMMSG_X'));
  assert.equal(sm.params.length, 5);
  assert.deepEqual([i64(sm.params[0]!), i64(sm.params[1]!), u32(sm.params[2]!), sm.params[3]!.toString()], [2, res(r, 'fd0'), 5, 'hello']);
  assert.equal(sm.params[4]![0], 1, 'unix tuple');
  const rm = one(r, id('PPME_SOCKET_RECVMMSG_X'));
  assert.equal(rm.params.length, 6);
  assert.deepEqual([i64(rm.params[0]!), i64(rm.params[1]!), u32(rm.params[2]!), rm.params[3]!.toString()], [2, res(r, 'fd1'), 5, 'hello']);
  assert.equal(rm.params[4]![0], 1, 'unix tuple');
  cred(rm.params[5]!);
  const rv = one(r, id('PPME_SOCKET_RECVMSG_X'));
  assert.deepEqual([i64(rv.params[0]!), u32(rv.params[1]!), rv.params[2]!.toString(), i64(rv.params[5]!)], [1, 1, 'x', res(r, 'fd1')]);
  assert.equal(res(r, 'recvmsg_controllen'), res(r, 'controllen'));
  cred(rv.params[4]!);
});

test('io_uring_setup, io_uring_enter, io_uring_register', async (t) => {
  if (readFileSync('/proc/sys/kernel/io_uring_disabled', 'utf8').trim() !== '0') { t.skip('io_uring disabled by sysctl'); return; }
  const r = await runCaptured(src, cover, ['iouring']);
  assert.equal(r.code, 0);
  const fd = res(r, 'io_uring_setup');
  if (fd < 0) { t.skip(`io_uring_setup refused here (${fd})`); return; }
  const su = one(r, id('PPME_SYSCALL_IO_URING_SETUP_X'));
  assert.deepEqual(su.params.map((p, i) => (i === 0 ? i64(p) : u32(p))),
    [fd, 4, res(r, 'sq_entries'), res(r, 'cq_entries'), 32 /* PPM IORING_SETUP_CLAMP */, 0, 0, res(r, 'features') & 0x7ff]);
  const en = one(r, id('PPME_SYSCALL_IO_URING_ENTER_X'));
  assert.deepEqual(en.params.map((p, i) => (i < 2 ? i64(p) : u32(p))), [0, fd, 0, 0, 1 /* GETEVENTS */, 0]);
  const rg = one(r, id('PPME_SYSCALL_IO_URING_REGISTER_X'));
  assert.deepEqual([i64(rg.params[0]!), i64(rg.params[1]!), u16(rg.params[2]!), u64(rg.params[3]!), u32(rg.params[4]!)],
    [res(r, 'io_uring_register'), fd, 4 /* REGISTER_EVENTFD */, BigInt(res(r, 'efd_addr')), 1]);
});

test('sendfile (named after the event, attached to sendfile64): res, offset after the copy, fds, size', async () => {
  const d = mkdtempSync(join(dir, 'sf-'));
  const r = await runCaptured(src, cover, ['sendfile', d]);
  assert.equal(r.code, 0);
  const sf = all(r, id('PPME_SYSCALL_SENDFILE_X'));
  assert.deepEqual(sf.map((e) => [i64(e.params[0]!), u64(e.params[1]!), i64(e.params[2]!), i64(e.params[3]!), u64(e.params[4]!)]),
    [[50, 60n, res(r, 'out_fd'), res(r, 'in_fd'), 50n], [30, 0n, res(r, 'out_fd'), res(r, 'in_fd'), 30n]]);
});

test('open_by_handle_at: fds, flags, the opened file\'s path, dev and inode; a failed call', async () => {
  const f = join(dir, 'handle.txt');
  const r = await runCaptured(src, cover, ['handle', f, dir]);
  assert.equal(r.code, 0);
  assert.equal(res(r, 'name_to_handle_at'), 0);
  const evs = all(r, id('PPME_SYSCALL_OPEN_BY_HANDLE_AT_X'));
  assert.equal(evs.length, 2);
  const [ok, bad] = evs as [Captured, Captured];
  const st = statSync(f);
  assert.deepEqual([i64(ok.params[0]!), i64(ok.params[1]!), u32(ok.params[2]!), str(ok.params[3]!), u64(ok.params[5]!)],
    [res(r, 'open_by_handle_at'), res(r, 'mountfd'), 1 | 4096 /* PPM O_RDONLY | O_CLOEXEC */, realpathSync(f), BigInt(st.ino)]);
  assert.ok(u32(ok.params[4]!) !== 0, 'dev');
  assert.deepEqual([i64(bad.params[0]!), i64(bad.params[1]!), bad.params[3]!.length, u64(bad.params[5]!)], [res(r, 'open_by_handle_at_bad'), -1, 0, 0n]);
});

test('creat: creat_flags 0 off overlayfs', async () => {
  const r = await runCaptured(src, cover, ['creat', join(dir, 'c.txt')]);
  const cr = one(r, id('PPME_SYSCALL_CREAT_X'));
  assert.deepEqual([i64(cr.params[0]!), str(cr.params[1]!), u32(cr.params[2]!), u64(cr.params[4]!), u16(cr.params[5]!)],
    [res(r, 'creat'), join(dir, 'c.txt'), 0o644, BigInt(statSync(join(dir, 'c.txt')).ino), 0]);
});

test('procexit reaper_tid: child subreaper, live thread, no children', async () => {
  const r = await runCaptured(src, cover, ['reaper'], { matchTids: near });
  assert.equal(r.code, 0);
  const exitOf = (tid: number) => {
    const evs = r.events.filter((e) => e.type === id('PPME_PROCEXIT_1_E') && e.tid === tid);
    assert.equal(evs.length, 1, `procexit of ${tid}`);
    assert.equal(evs[0]!.params.length, 5);
    return i64(evs[0]!.params[4]!);
  };
  assert.equal(exitOf(res(r, 'middle')), r.pid, 'orphaned grandchild goes to the subreaper');
  assert.equal(exitOf(res(r, 'thread_tid')), r.pid, 'a thread\'s child goes to a live thread of its process');
  assert.equal(exitOf(res(r, 'grandchild')), 0, 'no children: no reaper');
  assert.equal(exitOf(res(r, 'thread_child')), 0);
  assert.equal(exitOf(r.pid), 0);
});

test('clone pidns_init_start_ts: the init of the pid namespace (host init; a new namespace\'s own init)', async () => {
  const r = await runCaptured(src, cover, ['newpidns'], { matchTids: near });
  assert.equal(r.code, 0);
  const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]);
  const initTicks = Number(readFileSync('/proc/1/stat', 'utf8').replace(/^.*\) /s, '').split(' ')[19]);
  const child = res(r, 'child');
  const clones = r.events.filter((e) => e.type === id('PPME_SYSCALL_CLONE_20_X'));
  const parent = clones.find((e) => e.tid === r.pid && i64(e.params[0]!) === child)!;
  const inChild = clones.find((e) => e.tid === child && i64(e.params[0]!) === 0)!;
  assert.ok(parent && inChild, 'clone exits in parent and child');
  const hostInit = u64(parent.params[20]!), nsInit = u64(inChild.params[20]!);
  // /proc gives whole seconds (btime) and ticks: allow a second
  const expectHost = BigInt(btime) * 1_000_000_000n + BigInt(Math.round(initTicks * 1e9 / hz));
  assert.ok(hostInit > expectHost - 1_100_000_000n && hostInit < expectHost + 1_100_000_000n, `host init start ${hostInit} vs ${expectHost}`);
  // the new namespace's init is the child: its start, relative to host init, to a tick or two
  const rel = Number(nsInit - hostInit) / 1e9, expectRel = (res(r, 'child_start_ticks') - initTicks) / hz;
  assert.ok(Math.abs(rel - expectRel) <= 2.5 / hz, `namespace init start ${rel} s after host init, /proc says ${expectRel}`);
  assert.equal(i64(inChild.params[19]!), 1, 'vpid 1 in the new namespace');
});

test('older variants: pipe, eventfd, signalfd, inotify_init, tkill, setgid, accept', async () => {
  const r = await runCaptured(src, cover, ['legacy']);
  assert.equal(r.code, 0);
  const pp = one(r, id('PPME_SYSCALL_PIPE_X'));
  assert.deepEqual([i64(pp.params[0]!), i64(pp.params[1]!), i64(pp.params[2]!)], [0, res(r, 'pipe0'), res(r, 'pipe1')]);
  assert.ok(u64(pp.params[3]!) > 0n, 'pipe inode');
  const ef = one(r, id('PPME_SYSCALL_EVENTFD_X'));
  assert.deepEqual([i64(ef.params[0]!), u64(ef.params[1]!), u32(ef.params[2]!)], [res(r, 'eventfd'), 5n, 0]);
  const sf = one(r, id('PPME_SYSCALL_SIGNALFD_X'));
  assert.deepEqual([i64(sf.params[0]!), i64(sf.params[1]!), u32(sf.params[2]!), u8(sf.params[3]!)], [res(r, 'signalfd'), -1, 1 << 9 /* SIGUSR1 */, 0]);
  const inn = one(r, id('PPME_SYSCALL_INOTIFY_INIT_X'));
  assert.deepEqual([i64(inn.params[0]!), u8(inn.params[1]!)], [res(r, 'inotify_init'), 0]);
  const tk = one(r, id('PPME_SYSCALL_TKILL_X'));
  assert.deepEqual([i64(tk.params[0]!), i64(tk.params[1]!), u8(tk.params[2]!)], [0, r.pid, 12 /* SIGUSR2 */]);
  const sg = one(r, id('PPME_SYSCALL_SETGID_X'));
  assert.deepEqual([i64(sg.params[0]!), u32(sg.params[1]!)], [res(r, 'setgid'), 0]);
  const ac = one(r, id('PPME_SOCKET_ACCEPT_5_X'));
  assert.equal(i64(ac.params[0]!), res(r, 'accept'));
  // tuple: family AF_INET, then peer (client) -> us (server), addresses and ports
  const t = ac.params[1]!;
  assert.deepEqual([t[0], t.readUInt32BE(1), t.readUInt16LE(5), t.readUInt32BE(7), t.readUInt16LE(11)],
    [2, 0x7f000001, res(r, 'client_port'), 0x7f000001, res(r, 'port')]);
  assert.deepEqual([u32(ac.params[3]!), u32(ac.params[4]!)], [0, 4], 'queue: now empty, max 4 (the backlog)');
});

test('init_module, finit_module: listed as unavailable when the kernel has no module tracepoints', (t) => {
  if (existsSync('/sys/kernel/tracing/events/syscalls/sys_exit_init_module') || existsSync('/sys/kernel/debug/tracing/events/syscalls/sys_exit_init_module')) {
    assert.deepEqual(src.unavailable, []);
    t.skip('this kernel has module tracepoints');
    return;
  }
  assert.deepEqual([...src.unavailable].sort(), ['finit_module', 'init_module']);
});
