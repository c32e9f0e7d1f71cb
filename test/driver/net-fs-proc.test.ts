// Kernel tests: network (socket, bind, listen, connect, accept4, sendto, recvfrom), filesystem
// changes (mkdir(at), symlink, link, rename, renameat2, chmod, fchmodat, unlink(at), rmdir),
// fds (pipe2, dup2, fcntl, eventfd2), clone family (fork: parent and child), credentials and
// generic events. One probe load for the file.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveSource } from '../../src/capture/live-source.js';
import { buildHelper, runCaptured, i64, u64, u32, u16, u8, str, strs, type Captured, type RunResult, nearPid } from './util.js';

let src: LiveSource;
let trigger: string;

const SYSCALLS = ['socket', 'bind', 'listen', 'connect', 'accept4', 'sendto', 'recvfrom', 'mkdir', 'mkdirat',
  'symlink', 'link', 'rename', 'renameat2', 'chmod', 'fchmodat', 'unlink', 'unlinkat', 'rmdir', 'fork',
  'pipe2', 'dup2', 'fcntl', 'eventfd2', 'setsid', 'setresuid', 'setgid', 'unshare', 'prctl', 'memfd_create',
  'ptrace', 'procexit', 'execve'];

before(async () => {
  trigger = buildHelper('trigger');
  src = new LiveSource({ syscalls: SYSCALLS, snapshot: false, snaplen: 80 });
  await src.open();
});
after(async () => { await src?.close(); });

const one = (r: RunResult, type: number, pred: (e: Captured) => boolean = () => true): Captured => {
  // events of the spawned child before its execve (libuv's pipe2/dup2 for stdio) are not ours
  const start = r.events.findIndex((e) => e.type === 293);
  const evs = r.events.slice(start).filter((e) => e.type === type && pred(e));
  assert.equal(evs.length, 1, `one event of type ${type}, got ${evs.length}`);
  return evs[0]!;
};
const res = (r: RunResult, name: string, nth = 0): number => r.results.filter(([a]) => a === name)[nth]![1];
const ip4 = (b: Buffer, off: number) => [...b.subarray(off, off + 4)].join('.');

test('tcp over loopback: socket, bind, listen, connect, accept4, sendto, recvfrom', async () => {
  const r = await runCaptured(src, trigger, ['tcp-loop', 'exit', '0']);
  const port = res(r, 'port'), cport = res(r, 'cport');
  const socks = r.events.filter((e) => e.type === 19);
  assert.equal(socks.length, 2);
  assert.equal(i64(socks[0]!.params[0]!), res(r, 'socket', 0));
  assert.deepEqual([u32(socks[0]!.params[1]!), u32(socks[0]!.params[2]!), u32(socks[0]!.params[3]!)], [2, 1, 0]);

  const bind = one(r, 21);
  assert.equal(i64(bind.params[0]!), 0);
  assert.equal(bind.params[1]!.length, 7);
  assert.equal(bind.params[1]![0], 2);
  assert.equal(ip4(bind.params[1]!, 1), '127.0.0.1');
  assert.equal(i64(bind.params[2]!), res(r, 'socket', 0));

  const listen = one(r, 25);
  assert.deepEqual([i64(listen.params[0]!), i64(listen.params[1]!), u32(listen.params[2]!)], [0, res(r, 'socket', 0), 7]);

  const conn = one(r, 23);
  assert.equal(i64(conn.params[0]!), 0);
  const t = conn.params[1]!;
  assert.equal(t.length, 13);
  assert.equal(t[0], 2);
  assert.equal(ip4(t, 1), '127.0.0.1');
  assert.equal(t.readUInt16LE(5), cport, 'source = client port');
  assert.equal(ip4(t, 7), '127.0.0.1');
  assert.equal(t.readUInt16LE(11), port, 'dest = server port');
  assert.equal(i64(conn.params[2]!), res(r, 'socket', 1));
  assert.equal(conn.params[3]!.readUInt16LE(5), port, 'addr port');

  const acc = one(r, 249);
  assert.equal(i64(acc.params[0]!), res(r, 'accept4'));
  const at = acc.params[1]!;
  assert.equal(at.readUInt16LE(5), cport, 'accept tuple source = peer (client)');
  assert.equal(at.readUInt16LE(11), port);
  assert.equal(u32(acc.params[4]!), 7, 'queuemax = backlog');

  const snd = one(r, 31);
  assert.equal(i64(snd.params[0]!), 13);
  assert.equal(snd.params[1]!.toString(), 'hello kestrel');
  assert.equal(i64(snd.params[2]!), res(r, 'socket', 1));
  assert.equal(u32(snd.params[3]!), 13);
  assert.equal(snd.params[4]!.readUInt16LE(5), cport);

  const rcv = one(r, 35);
  assert.equal(i64(rcv.params[0]!), 13);
  assert.equal(rcv.params[1]!.toString(), 'hello kestrel');
  assert.equal(rcv.params[2]!.readUInt16LE(5), cport, 'recvfrom tuple source = peer');
  assert.equal(i64(rcv.params[3]!), res(r, 'accept4'));
  assert.equal(u32(rcv.params[4]!), 64);
});

test('filesystem changes: paths, dirfds, modes, flags, results', async () => {
  const d = mkdtempSync(join(tmpdir(), 'kes-fs-'));
  const r = await runCaptured(src, trigger, ['fs', d, 'exit', '0']);
  const dfd = res(r, 'dirfd');
  const mk = one(r, 277);
  assert.deepEqual([i64(mk.params[0]!), str(mk.params[1]!), u32(mk.params[2]!)], [0, `${d}/sub`, 0o751]);
  const mka = one(r, 305);
  assert.deepEqual([i64(mka.params[0]!), i64(mka.params[1]!), str(mka.params[2]!), u32(mka.params[3]!)], [0, dfd, 'sub2', 0o700]);
  const sym = one(r, 179);
  assert.deepEqual([i64(sym.params[0]!), str(sym.params[1]!), str(sym.params[2]!)], [0, `${d}/file`, `${d}/sym`]);
  const ln = one(r, 309);
  assert.deepEqual([i64(ln.params[0]!), str(ln.params[1]!), str(ln.params[2]!)], [0, `${d}/file`, `${d}/hard`]);
  const rn = one(r, 175);
  assert.deepEqual([str(rn.params[1]!), str(rn.params[2]!)], [`${d}/hard`, `${d}/moved`]);
  const rn2 = one(r, 319);
  assert.deepEqual([i64(rn2.params[0]!), i64(rn2.params[1]!), str(rn2.params[2]!), i64(rn2.params[3]!), str(rn2.params[4]!), u32(rn2.params[5]!)],
    [0, dfd, 'moved', dfd, 'moved2', 1]);
  const ch = one(r, 315);
  assert.deepEqual([i64(ch.params[0]!), str(ch.params[1]!), u32(ch.params[2]!)], [0, `${d}/file`, 0o4755]);
  const cha = one(r, 313);
  assert.deepEqual([i64(cha.params[1]!), str(cha.params[2]!), u32(cha.params[3]!)], [dfd, 'file', 0o600]);
  const ul = one(r, 301);
  assert.deepEqual([i64(ul.params[0]!), str(ul.params[1]!)], [0, `${d}/file`]);
  const ula = one(r, 303);
  assert.deepEqual([i64(ula.params[0]!), i64(ula.params[1]!), str(ula.params[2]!), u32(ula.params[3]!)], [0, dfd, 'sub2', 512]);
  const rm = one(r, 279);
  assert.deepEqual([i64(rm.params[0]!), str(rm.params[1]!)], [0, `${d}/sub`]);
});

test('fork: parent and child clone exits, child procexit', async () => {
  const r = await runCaptured(src, trigger, ['fork', 'exit', '0'], { matchTids: nearPid });
  const child = res(r, 'fork');
  const forks = r.events.filter((e) => e.type === 225);
  const parent = forks.find((e) => e.tid === r.pid)!;
  const kid = forks.find((e) => e.tid === child)!;
  assert.ok(parent && kid, 'fork exit in parent and in child');
  assert.equal(parent.params.length, 21);
  assert.equal(i64(parent.params[0]!), child);
  assert.equal(i64(kid.params[0]!), 0);
  assert.equal(i64(kid.params[3]!), child, 'child tid');
  assert.equal(i64(kid.params[4]!), child, 'child pid');
  assert.equal(i64(kid.params[5]!), r.pid, 'child ptid');
  assert.equal(str(kid.params[1]!), trigger, 'exe');
  assert.deepEqual(strs(kid.params[2]!), ['fork', 'exit', '0']);
  assert.equal(str(kid.params[13]!), 'trigger');
  assert.equal(u32(kid.params[15]!), 0, 'flags');
  assert.equal(u32(kid.params[16]!), 0, 'uid');
  assert.equal(i64(kid.params[18]!), child, 'vtid');
  const pe = r.events.find((e) => e.type === 186 && e.tid === child);
  assert.ok(pe);
  assert.equal(i64(pe.params[1]!), 7);
});

test('fds: pipe2, dup2, fcntl(F_DUPFD_CLOEXEC), eventfd2', async () => {
  const r = await runCaptured(src, trigger, ['fds', 'exit', '0']);
  const p = one(r, 61);
  assert.deepEqual([i64(p.params[0]!), i64(p.params[1]!), i64(p.params[2]!)], [0, res(r, 'fd0'), res(r, 'fd1')]);
  assert.ok(u64(p.params[3]!) > 0n, 'pipe inode');
  const dup = one(r, 363); // DUP2_X: res, oldfd, newfd
  assert.deepEqual(dup.params.map((p) => i64(p)), [50, res(r, 'fd0'), 50]);
  const fc = one(r, 151);
  assert.deepEqual([i64(fc.params[0]!), i64(fc.params[1]!), u8(fc.params[2]!)], [60, res(r, 'fd1'), 26]);
  const ev = one(r, 63);
  assert.deepEqual([i64(ev.params[0]!), Number(u64(ev.params[1]!))], [res(r, 'eventfd2'), 5]);
});

test('credentials, namespaces, ptrace and generic events', async () => {
  const r = await runCaptured(src, trigger, ['cred', 'exit', '0']);
  assert.equal(i64(one(r, 275).params[0]!), r.pid, 'setsid returns the new session id');
  const sr = one(r, 193);
  assert.deepEqual([i64(sr.params[0]!), u32(sr.params[1]!), u32(sr.params[2]!), u32(sr.params[3]!)], [0, 0xffffffff, 0, 0xffffffff]);
  assert.deepEqual([i64(one(r, 201).params[0]!), u32(one(r, 201).params[1]!)], [0, 0]);
  const un = one(r, 285);
  assert.deepEqual([i64(un.params[0]!), u32(un.params[1]!)], [0, 128], 'CLONE_NEWUTS → PPM_CL_CLONE_NEWUTS');
  const gen = r.events.slice(r.events.findIndex((e) => e.type === 293)).filter((e) => e.type === 1);
  assert.deepEqual(gen.map((e) => [u16(e.params[0]!), u16(e.params[1]!)]), [[106, 157], [0, 319]], 'prctl, memfd_create');
  const pt = one(r, 169);
  assert.equal(i64(pt.params[0]!), 0);
  assert.equal(pt.params[1]!.length, 9);
  assert.equal(u16(pt.params[3]!), 1, 'PPM_PTRACE_TRACEME');
});
