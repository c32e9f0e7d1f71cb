// Kernel tests, second batch: creat, fchmod, openat2, chdir, fchdir, symlinkat, linkat,
// renameat, mount, umount2, chroot; clone3 (thread and process), vfork, clone (glibc fork),
// execveat; dup, dup3, signalfd4, timerfd_create, inotify_init1, userfaultfd, socketpair,
// write, read, sendmsg, recvmsg, unix connect; setuid, setresgid, setpgid, setns, capset
// (generic), bpf. One probe load for the file.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveSource } from '../../src/capture/live-source.js';
import { buildHelper, runCaptured, i64, u64, u32, u16, u8, str, strs, type Captured, type RunResult, nearPid } from './util.js';

let src: LiveSource;
let trigger: string;

before(async () => {
  trigger = buildHelper('trigger');
  src = new LiveSource({
    syscalls: ['execve', 'procexit', 'creat', 'fchmod', 'openat2', 'chdir', 'fchdir', 'symlinkat', 'linkat', 'renameat',
      'mount', 'umount2', 'chroot', 'clone', 'clone3', 'vfork', 'execveat', 'dup', 'dup3', 'signalfd4', 'timerfd_create',
      'inotify_init1', 'userfaultfd', 'socketpair', 'write', 'read', 'sendmsg', 'recvmsg', 'connect', 'setuid', 'setresgid',
      'setpgid', 'setns', 'capset', 'bpf', 'kill', 'tgkill', 'shutdown', 'mprotect', 'pread64', 'pwrite64', 'readv', 'writev'],
    snapshot: false,
  });
  await src.open();
});
after(async () => { await src?.close(); });

/** Events of the trigger from its execve on (before it, the child is libuv's forked node). */
const mine = (r: RunResult): Captured[] => r.events.slice(Math.max(0, r.events.findIndex((e) => e.type === 293 && e.tid === r.pid)));
const all = (r: RunResult, type: number, tid = r.pid) => mine(r).filter((e) => e.type === type && e.tid === tid);
const one = (r: RunResult, type: number, tid = r.pid): Captured => {
  const evs = all(r, type, tid);
  assert.equal(evs.length, 1, `one event of type ${type} for tid ${tid}, got ${evs.length}`);
  return evs[0]!;
};
const res = (r: RunResult, name: string): number => r.results.find(([a]) => a === name)![1];
const near = nearPid;

test('creat, fchmod, openat2, chdir, fchdir, symlinkat, linkat, renameat, mount, umount2, chroot', async () => {
  const d = mkdtempSync(join(tmpdir(), 'kes-more-'));
  const r = await runCaptured(src, trigger, ['more-fs', d, 'exit', '0']);
  const fd = res(r, 'creat'), dfd = res(r, 'dirfd');
  const cr = one(r, 59);
  assert.deepEqual([i64(cr.params[0]!), str(cr.params[1]!), u32(cr.params[2]!)], [fd, `${d}/c.txt`, 0o640]);
  assert.equal(u64(cr.params[4]!), BigInt(statSync(`${d}/c.txt`).ino));
  assert.deepEqual([i64(one(r, 317).params[0]!), i64(one(r, 317).params[1]!), u32(one(r, 317).params[2]!)], [0, fd, 0o604]);
  const o2 = one(r, 327);
  assert.equal(o2.params.length, 8);
  assert.deepEqual([i64(o2.params[0]!), i64(o2.params[1]!), str(o2.params[2]!), u32(o2.params[3]!), u32(o2.params[4]!), u32(o2.params[5]!)],
    [res(r, 'openat2'), -100, `${d}/c.txt`, 1 | 4096, 0, 8 /* PPM_RESOLVE_NO_SYMLINKS */]);
  assert.deepEqual([i64(one(r, 95).params[0]!), str(one(r, 95).params[1]!)], [0, d]);
  assert.deepEqual([i64(one(r, 97).params[0]!), i64(one(r, 97).params[1]!)], [0, dfd]);
  const sl = one(r, 181);
  assert.deepEqual([i64(sl.params[0]!), str(sl.params[1]!), i64(sl.params[2]!), str(sl.params[3]!)], [0, 'c.txt', dfd, 's.lnk']);
  const la = one(r, 311);
  assert.deepEqual([i64(la.params[0]!), i64(la.params[1]!), str(la.params[2]!), i64(la.params[3]!), str(la.params[4]!), u32(la.params[5]!)],
    [0, dfd, 'c.txt', dfd, 'h.lnk', 0]);
  const ra = one(r, 177);
  assert.deepEqual([i64(ra.params[0]!), str(ra.params[2]!), str(ra.params[4]!)], [0, 'h.lnk', 'h2.lnk']);
  const mt = one(r, 257);
  assert.deepEqual([i64(mt.params[0]!), str(mt.params[1]!), str(mt.params[2]!), str(mt.params[3]!), u32(mt.params[4]!)],
    [0, 'kes-tmp', `${d}/mnt`, 'tmpfs', 2 | 4]);
  assert.deepEqual([i64(one(r, 259).params[0]!), str(one(r, 259).params[1]!)], [0, `${d}/mnt`]);
  assert.deepEqual([i64(one(r, 267).params[0]!), str(one(r, 267).params[1]!)], [0, '/']);
});

test('clone3 (thread and process), vfork, clone (glibc fork), execveat', async () => {
  const r = await runCaptured(src, trigger, ['more-proc', 'exit', '0'], { matchTids: near });
  const c3 = all(r, 335);
  // glibc creates threads with clone3: one parent exit for the thread, one for the process
  const thr = c3.find((e) => (u32(e.params[15]!) & 8192) !== 0)!;
  assert.ok(thr, 'clone3 with CLONE_THREAD');
  assert.ok((u32(thr.params[15]!) & 32768) !== 0, 'CLONE_VM');
  const ttid = i64(thr.params[0]!);
  const inThread = one(r, 335, ttid);
  assert.deepEqual([i64(inThread.params[0]!), i64(inThread.params[3]!), i64(inThread.params[4]!)], [0, ttid, r.pid], 'thread: res 0, tid, pid = process');
  const proc = c3.find((e) => i64(e.params[0]!) === res(r, 'clone3'))!;
  assert.ok(proc);
  const kid = one(r, 335, res(r, 'clone3'));
  assert.deepEqual([i64(kid.params[0]!), i64(kid.params[4]!), i64(kid.params[5]!)], [0, res(r, 'clone3'), r.pid]);
  const vf = one(r, 227);
  assert.equal(i64(vf.params[0]!), res(r, 'vfork'));
  assert.equal(u32(vf.params[15]!), 134217728 | 32768, 'PPM CLONE_VFORK|CLONE_VM');
  const fk = all(r, 223).find((e) => i64(e.params[0]!) === res(r, 'fork'));
  assert.ok(fk, 'glibc fork() is clone(2)');
  assert.ok((u32(fk.params[15]!) & (8388608 | 16777216)) !== 0, 'CHILD_CLEARTID|CHILD_SETTID');
  const ea = one(r, 331, res(r, 'fork'));
  assert.equal(ea.params.length, 30, 'execveat: 20 + 10 appended (no filename in its table)');
  assert.deepEqual([i64(ea.params[0]!), str(ea.params[1]!), strs(ea.params[2]!), str(ea.params[13]!)], [0, 'true-via-execveat', ['x'], 'true']);
  assert.equal(str(ea.params[27]!), '/usr/bin/true', 'trusted_exepath');
});

test('dup, dup3, signalfd4, timerfd_create, inotify_init1, userfaultfd, socketpair, write, read, sendmsg, recvmsg, unix connect', async () => {
  const r = await runCaptured(src, trigger, ['more-fds', 'exit', '0']);
  assert.deepEqual(one(r, 367).params.map((p) => i64(p)), [res(r, 'dup'), 1], 'DUP_1_X: res, oldfd');
  const d3 = one(r, 365);
  assert.deepEqual([i64(d3.params[0]!), i64(d3.params[1]!), i64(d3.params[2]!), u32(d3.params[3]!)], [70, 1, 70, 4096], 'DUP3_X: res, oldfd, newfd, O_CLOEXEC');
  const sf = one(r, 127);
  assert.deepEqual([i64(sf.params[0]!), i64(sf.params[1]!), u32(sf.params[2]!)], [res(r, 'signalfd4'), -1, 1 << 9]);
  const tf = one(r, 137);
  assert.deepEqual([i64(tf.params[0]!), u8(tf.params[1]!)], [res(r, 'timerfd_create'), 1]);
  assert.equal(i64(one(r, 139).params[0]!), res(r, 'inotify_init1'));
  const uf = one(r, 321);
  assert.deepEqual([i64(uf.params[0]!), u32(uf.params[1]!)], [res(r, 'userfaultfd'), 0o2000000]);
  const sp = one(r, 43);
  assert.deepEqual([i64(sp.params[0]!), i64(sp.params[1]!), i64(sp.params[2]!)], [0, res(r, 'sv0'), res(r, 'sv1')]);
  assert.ok(u64(sp.params[3]!) !== 0n && u64(sp.params[4]!) !== 0n && u64(sp.params[3]!) !== u64(sp.params[4]!), 'socket pointers');
  assert.deepEqual([u32(sp.params[5]!), u32(sp.params[6]!)], [1, 1]);
  const wr = all(r, 9).find((e) => i64(e.params[2]!) === res(r, 'sv0'))!;
  assert.deepEqual([i64(wr.params[0]!), wr.params[1]!.toString(), u32(wr.params[3]!)], [20, '0123456789abcdefghij', 20]);
  const rd = all(r, 7).find((e) => i64(e.params[2]!) === res(r, 'sv1'))!;
  assert.deepEqual([i64(rd.params[0]!), rd.params[1]!.toString(), u32(rd.params[3]!)], [20, '0123456789abcdefghij', 128]);
  const sm = one(r, 49);
  assert.deepEqual([i64(sm.params[0]!), sm.params[1]!.toString(), i64(sm.params[2]!), u32(sm.params[3]!)], [8, 'msg-data', res(r, 'sv0'), 8]);
  assert.equal(sm.params[4]![0], 1, 'unix tuple');
  const rm = one(r, 53);
  assert.deepEqual([i64(rm.params[0]!), u32(rm.params[1]!), rm.params[2]!.toString(), i64(rm.params[5]!)], [8, 8, 'msg-data', res(r, 'sv1')]);
  const cn = one(r, 23);
  assert.equal(i64(cn.params[0]!), -2);
  assert.equal(cn.params[1]!.length, 0, 'no tuple for a failed connect');
  assert.equal(cn.params[3]![0], 1);
  assert.equal(cn.params[3]!.subarray(1).toString(), '/nonexistent/kes.sock\0');
});

test('setuid, setresgid, setpgid, setns, capset, bpf', async () => {
  const r = await runCaptured(src, trigger, ['more-cred', 'exit', '0']);
  assert.deepEqual([i64(one(r, 199).params[0]!), u32(one(r, 199).params[1]!)], [0, 0]);
  assert.deepEqual(one(r, 195).params.map((p, i) => (i === 0 ? i64(p) : u32(p))), [0, 0, 0, 0]);
  assert.deepEqual(one(r, 295).params.map((p) => i64(p)), [0, 0, 0]);
  const ns = one(r, 241);
  assert.deepEqual([i64(ns.params[0]!), i64(ns.params[1]!), u32(ns.params[2]!)], [0, res(r, 'nsfd'), 128]);
  const cap = one(r, 1);
  assert.deepEqual([u16(cap.params[0]!), u16(cap.params[1]!)], [115, 126]);
  const b = one(r, 369); // BPF_2_X: fd/res, cmd
  assert.deepEqual([i64(b.params[0]!), u32(b.params[1]!)], [-22, 9999]);
});

test('kill, tgkill, shutdown, mprotect, pwrite64, pread64, writev, readv', async () => {
  const d = mkdtempSync(join(tmpdir(), 'kes-misc-'));
  const r = await runCaptured(src, trigger, ['misc', join(d, 'f'), 'exit', '0']);
  const k = one(r, 129);
  assert.deepEqual([i64(k.params[0]!), i64(k.params[1]!), u8(k.params[2]!)], [0, r.pid, 0]);
  const tk = one(r, 133);
  assert.deepEqual([i64(tk.params[0]!), i64(tk.params[1]!), i64(tk.params[2]!), u8(tk.params[3]!)], [0, r.pid, r.pid, 0]);
  const sh = one(r, 37);
  assert.deepEqual([i64(sh.params[0]!), i64(sh.params[1]!), u8(sh.params[2]!)], [0, res(r, 'sv0'), 1]);
  const mp = all(r, 329).find((e) => u64(e.params[1]!) === BigInt(res(r, 'maddr')))!; // ld.so's own mprotects come first
  assert.ok(mp);
  assert.deepEqual([i64(mp.params[0]!), u64(mp.params[1]!), u64(mp.params[2]!), u32(mp.params[3]!)], [0, BigInt(res(r, 'maddr')), 4096n, 1 | 4]);
  const fd = res(r, 'fd');
  const onFd = (t: number) => { const v = all(r, t).filter((e) => i64(e.params[t === 117 ? 3 : 2]!) === fd); assert.equal(v.length, 1, `type ${t} on fd ${fd}`); return v[0]!; };
  const pw = onFd(115);
  assert.deepEqual([i64(pw.params[0]!), pw.params[1]!.toString(), i64(pw.params[2]!), u32(pw.params[3]!), u64(pw.params[4]!)], [10, 'positional', fd, 10, 5n]);
  const pr = onFd(113); // ld.so preads the ELF headers too
  assert.deepEqual([i64(pr.params[0]!), pr.params[1]!.toString(), i64(pr.params[2]!), u32(pr.params[3]!), u64(pr.params[4]!)], [10, 'positional', fd, 20, 5n]);
  const wv = onFd(119);
  assert.deepEqual([i64(wv.params[0]!), wv.params[1]!.toString(), i64(wv.params[2]!), u32(wv.params[3]!)], [15, 'vec-one|', fd, 15]);
  const rv = onFd(117);
  assert.deepEqual([i64(rv.params[0]!), u32(rv.params[1]!), rv.params[2]!.toString(), i64(rv.params[3]!)], [15, 40, 'vec-one|', fd]);
});
