// Kernel tests: openat, open, close, execve, procexit through the real probe. One probe load
// for the file; each test runs the trigger program and asserts every parameter.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { LiveSource } from '../../src/capture/live-source.js';
import { buildHelper, runCaptured, i64, u64, u32, u8, str, strs, type Captured } from './util.js';

const OPENAT_X = 307, OPEN_X = 3, CLOSE_X = 5, EXECVE_X = 293, PROCEXIT = 186;
let src: LiveSource;
let trigger: string;
let dir: string;

before(async () => {
  trigger = buildHelper('trigger');
  dir = mkdtempSync(join(tmpdir(), 'kes-drv-'));
  src = new LiveSource({ syscalls: ['openat', 'open', 'close', 'execve', 'procexit'], snapshot: false });
  await src.open();
});
after(async () => { await src?.close(); });

const ofType = (evs: Captured[], t: number) => evs.filter((e) => e.type === t);

test('openat: fd, dirfd, name, flags, mode, dev, ino (created file)', async () => {
  const path = join(dir, 'created.txt');
  const r = await runCaptured(src, trigger, ['openat', 'cwd', path, '0101', '0640', 'exit', '0']);
  const fd = r.results[0]![1];
  assert.ok(fd >= 3);
  const ev = ofType(r.events, OPENAT_X).find((e) => str(e.params[2]!) === path);
  assert.ok(ev, 'openat exit event for the file');
  assert.equal(ev.params.length, 7);
  assert.equal(i64(ev.params[0]!), fd);
  assert.equal(i64(ev.params[1]!), -100);
  assert.equal(u32(ev.params[3]!), 2 | 4); // PPM_O_WRONLY | PPM_O_CREAT
  assert.equal(u32(ev.params[4]!), 0o640);
  const st = statSync(path);
  assert.equal(u32(ev.params[5]!), st.dev);
  assert.equal(u64(ev.params[6]!), BigInt(st.ino));
});

test('openat: relative path against a dirfd, failure, O_RDONLY|O_CLOEXEC|O_DIRECTORY', async () => {
  writeFileSync(join(dir, 'rel.txt'), 'x');
  const r = await runCaptured(src, trigger, [
    'openat', 'cwd', dir, String(0o2200000), '0', // O_RDONLY|O_DIRECTORY|O_CLOEXEC
    'openat', 'last', 'rel.txt', '0', '0',
    'openat', 'cwd', join(dir, 'missing'), '0', '0',
    'exit', '0',
  ]);
  const evs = ofType(r.events, OPENAT_X).filter((e) => str(e.params[2]!).includes(basename(dir)) || ['rel.txt'].includes(str(e.params[2]!)));
  assert.equal(evs.length, 3);
  const [d, rel, miss] = evs as [Captured, Captured, Captured];
  assert.equal(i64(d.params[0]!), r.results[0]![1]);
  assert.equal(u32(d.params[3]!), 1 | 1024 | 4096); // RDONLY | DIRECTORY | CLOEXEC
  assert.equal(u32(d.params[4]!), 0, 'mode is 0 without O_CREAT');
  assert.equal(i64(rel.params[1]!), r.results[0]![1], 'dirfd');
  assert.equal(str(rel.params[2]!), 'rel.txt');
  assert.equal(i64(rel.params[0]!), r.results[1]![1]);
  assert.equal(u64(rel.params[6]!), BigInt(statSync(join(dir, 'rel.txt')).ino));
  assert.equal(i64(miss.params[0]!), -2, 'ENOENT');
  assert.equal(u64(miss.params[6]!), 0n);
});

test('open: legacy open(2) with O_RDWR|O_CREAT|O_TRUNC|O_APPEND', async () => {
  const path = join(dir, 'legacy.txt');
  const r = await runCaptured(src, trigger, ['open', path, String(0o1102 | 0o2000), '0600', 'exit', '0']);
  const ev = ofType(r.events, OPEN_X).find((e) => str(e.params[1]!) === path);
  assert.ok(ev);
  assert.equal(ev.params.length, 6);
  assert.equal(i64(ev.params[0]!), r.results[0]![1]);
  assert.equal(u32(ev.params[2]!), 3 | 4 | 256 | 8);
  assert.equal(u32(ev.params[3]!), 0o600);
  assert.equal(u64(ev.params[5]!), BigInt(statSync(path).ino));
});

test('close: res and fd, success and EBADF', async () => {
  const r = await runCaptured(src, trigger, ['openat', 'cwd', '/etc/hostname', '0', '0', 'close', 'last', 'close', '999', 'exit', '0']);
  const fd = r.results[0]![1];
  const closes = ofType(r.events, CLOSE_X);
  const ok = closes.find((e) => i64(e.params[1]!) === fd && i64(e.params[0]!) === 0);
  assert.ok(ok, 'close(fd) = 0');
  const bad = closes.find((e) => i64(e.params[1]!) === 999);
  assert.ok(bad);
  assert.equal(i64(bad.params[0]!), -9);
});

test('execve: exe, args, ids, cwd, comm, caps, exe inode, filename; procexit status', async () => {
  const r = await runCaptured(src, trigger, ['exit', '3'], { cwd: dir });
  assert.equal(r.code, 3);
  const ex = ofType(r.events, EXECVE_X);
  assert.equal(ex.length, 1);
  const p = ex[0]!.params;
  assert.equal(p.length, 31);
  assert.equal(i64(p[0]!), 0, 'res');
  assert.equal(str(p[1]!), trigger, 'exe = argv[0]');
  assert.deepEqual(strs(p[2]!), ['exit', '3'], 'args');
  assert.equal(i64(p[3]!), r.pid, 'tid');
  assert.equal(i64(p[4]!), r.pid, 'pid');
  assert.equal(i64(p[5]!), process.pid, 'ptid');
  assert.equal(str(p[6]!), dir, 'cwd');
  const nofile = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))![1];
  assert.equal(u64(p[7]!), BigInt(nofile!), 'fdlimit');
  assert.ok(u32(p[10]!) > 0, 'vm_size');
  assert.equal(str(p[13]!), 'trigger', 'comm');
  const cg = strs(p[14]!);
  assert.ok(cg.some((c) => /^(cpu|memory|pids)=\//.test(c)), `cgroups: ${cg.join(' ')}`);
  // every v1 controller of this (parent) process, with its own hierarchy's path
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [, ctrls, path] = /^\d+:([^:]*):(.*)$/.exec(line)!;
    if (!ctrls || ctrls.startsWith('name=')) continue;
    // the probe names controllers by their kernel name (io, not the v1 mount name blkio)
    for (const c of ctrls!.split(',').map((x) => (x === 'blkio' ? 'io' : x))) assert.ok(cg.includes(`${c}=${path}`), `cgroups has ${c}=${path}: ${cg.join(' ')}`);
  }
  assert.equal(i64(p[17]!), Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[2]), 'pgid (inherited from node)');
  const status = readFileSync('/proc/self/status', 'utf8');
  const cap = (k: string) => BigInt('0x' + new RegExp(`${k}:\\s*([0-9a-f]+)`).exec(status)![1]);
  assert.equal(u64(p[21]!), cap('CapPrm'), 'cap_permitted');
  assert.equal(u64(p[22]!), cap('CapEff'), 'cap_effective');
  const st = statSync(trigger);
  assert.equal(u64(p[23]!), BigInt(st.ino), 'exe_ino');
  assert.equal(u64(p[25]!) / 1000000n, BigInt(Math.floor(st.mtimeMs)), 'exe_ino_mtime');
  assert.equal(u32(p[26]!), process.geteuid!(), 'uid');
  assert.equal(str(p[27]!), trigger, 'trusted_exepath');
  assert.equal(u32(p[29]!), process.getegid!(), 'gid');
  assert.equal(str(p[30]!), trigger, 'filename');

  const pe = ofType(r.events, PROCEXIT);
  assert.equal(pe.length, 1);
  assert.equal(pe[0]!.params.length, 5);
  assert.equal(i64(pe[0]!.params[0]!), 3 << 8, 'status');
  assert.equal(i64(pe[0]!.params[1]!), 3, 'ret');
  assert.equal(u8(pe[0]!.params[2]!), 0, 'sig');
  assert.equal(u8(pe[0]!.params[3]!), 0, 'core');
  // the whole run is in time order
  for (let i = 1; i < r.events.length; i++) assert.ok(r.events[i]!.ts >= r.events[i - 1]!.ts);
});

test('procexit: killed by a signal', async () => {
  const r = await runCaptured(src, '/bin/sh', ['-c', 'kill -9 $$']);
  const pe = ofType(r.events, PROCEXIT);
  assert.equal(pe.length, 1);
  assert.equal(u8(pe[0]!.params[2]!), 9);
  assert.equal(i64(pe[0]!.params[0]!), 9);
});

test('counters: events counted, nothing dropped', () => {
  const c = src.counters();
  assert.ok(c.events.file! > 0 && c.events.process! > 0);
  assert.equal(src.stats().drops, 0);
});
