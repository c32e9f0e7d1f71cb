// The executable-file facts of execve's appended parameters (current event table): exe inode,
// ctime/mtime, the PPM_EXE_* flag bits, and the durations the drift rules compare.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Inspector } from '../../src/state/inspector.js';
import { StateFieldRegistry } from '../../src/state/fields.js';
import { emptyHeader } from '../../src/capture/scap-header.js';
import { ev, i64, u32, i32, str, list, u64, cloneX, execveX } from './events.js';

const reg = new StateFieldRegistry();
function field(insp: Inspector, name: string): unknown {
  const r = reg.resolve(name);
  assert.ok(r, `field ${name}`);
  return r.def.extract(insp.ctx, r.arg);
}

/** execve_19 exit with the 11 appended parameters of the current table. */
function execveFull(tid: number, o: { flags: number; ino: number; ctime: bigint; mtime: bigint }) {
  return ev(293, tid, [
    i64(0), str('/tmp/x'), list([]), i64(tid), i64(tid), i64(100), str('/'), u64(1024), u64(0), u64(0),
    u32(0), u32(0), u32(0), str('x'), list(['cpu=/']), list([]), i32(0), i64(tid), i32(0), u32(o.flags),
    u64(0), u64(0), u64(0), u64(o.ino), u64(o.ctime), u64(o.mtime), u32(0), str('/tmp/x'), i64(tid), u32(0), str('/tmp/x'),
  ]);
}

function withChild(): { insp: Inspector; cloneTs: bigint } {
  const insp = new Inspector(ev(0, 100, []));
  insp.seed(emptyHeader());
  insp.process(ev(0, 100, []));
  const c = cloneX(200, 0, { pid: 200, ptid: 100, comm: 'sh', exe: 'sh', args: [], cwd: '/' });
  const cloneTs = c.ts();
  insp.process(c);
  return { insp, cloneTs };
}

test('execve appended params: exe inode, times, memfd/upper/lower/writable bits, durations', () => {
  const { insp, cloneTs } = withChild();
  const ctime = cloneTs - 5_000_000_000n;
  insp.process(execveFull(200, { flags: 4 | 2, ino: 4242, ctime, mtime: ctime - 1n }));
  assert.equal(field(insp, 'proc.exe_ino'), 4242);
  assert.equal(field(insp, 'proc.exe_ino.ctime'), ctime);
  assert.equal(field(insp, 'proc.exe_ino.mtime'), ctime - 1n);
  assert.equal(field(insp, 'proc.is_exe_from_memfd'), true);
  assert.equal(field(insp, 'proc.is_exe_upper_layer'), true);
  assert.equal(field(insp, 'proc.is_exe_lower_layer'), false);
  assert.equal(field(insp, 'proc.is_exe_writable'), false);
  assert.equal(field(insp, 'proc.exe_ino.ctime_duration_proc_start'), 5_000_000_000n);
  // No PID-namespace start known: libsinsp leaves the duration empty.
  assert.equal(field(insp, 'proc.exe_ino.ctime_duration_pidns_start'), null);

  // A file changed after the process started: no (negative) duration.
  insp.process(execveFull(200, { flags: 1 | 8, ino: 7, ctime: cloneTs + 10n, mtime: 0n }));
  assert.equal(field(insp, 'proc.exe_ino.ctime_duration_proc_start'), null);
  assert.equal(field(insp, 'proc.is_exe_writable'), true);
  assert.equal(field(insp, 'proc.is_exe_lower_layer'), true);
  assert.equal(field(insp, 'proc.is_exe_from_memfd'), false);
});

test('facts are inherited by children and reset by a 2022-layout execve (no appended params)', () => {
  const { insp } = withChild();
  insp.process(execveFull(200, { flags: 4, ino: 99, ctime: 1n, mtime: 1n }));
  insp.process(cloneX(300, 0, { pid: 300, ptid: 200, comm: 'x', exe: 'x', args: [], cwd: '/' }));
  assert.equal(field(insp, 'proc.exe_ino'), 99);
  assert.equal(field(insp, 'proc.is_exe_from_memfd'), true);
  insp.process(execveX(300, { pid: 300, ptid: 200, comm: 'y', exe: '/bin/y', args: [], cwd: '/' }));
  assert.equal(field(insp, 'proc.exe_ino'), 0);
  assert.equal(field(insp, 'proc.exe_ino.ctime'), 0n);
  assert.equal(field(insp, 'proc.is_exe_from_memfd'), false);
});

test('upstream rule fields resolve with the types libsinsp declares', () => {
  const want: Record<string, string> = {
    'proc.exe_ino': 'int64', 'proc.exe_ino.ctime': 'abstime', 'proc.exe_ino.mtime': 'abstime',
    'proc.exe_ino.ctime_duration_proc_start': 'abstime', 'proc.exe_ino.ctime_duration_pidns_start': 'abstime',
    'proc.is_exe_from_memfd': 'bool', 'proc.is_exe_upper_layer': 'bool', 'proc.is_exe_lower_layer': 'bool',
    'proc.is_exe_writable': 'bool',
  };
  for (const [n, ty] of Object.entries(want)) assert.equal(reg.resolve(n)?.def.type, ty, n);
});

test('current-layout capture headers (libs_sample.scap PL_V9, 66-byte tail) seed the executable facts', async () => {
  const { FileSource } = await import('../../src/capture/file-source.js');
  const { scapPath } = await import('../diff/sysdig-oracle.js');
  const src = new FileSource(scapPath('libs_sample.scap'));
  await src.open();
  try {
    const procs = src.header.procs;
    assert.ok(procs.length > 10);
    // 66 bytes after root: pidns start, tty, loginuid, exe_writable, 3 caps, upper layer, ino and times.
    assert.ok(procs.every((p) => p.exeIno !== undefined && p.pidnsInitStartTs !== undefined && p.exeFromMemfd === undefined));
    const p = procs.find((x) => x.comm === 'sysdig')!;
    assert.ok(p, 'sysdig in the PL block');
    const insp = new Inspector(ev(0, p.tid, []));
    insp.seed(src.header);
    insp.process(ev(0, p.tid, []));
    // What `kestrel inspect -r libs_sample.scap -p %proc.exe_ino...` shows for sysdig's events.
    assert.equal(field(insp, 'proc.exe_ino'), 1481566);
    assert.equal(field(insp, 'proc.exe_ino.ctime'), 1690556973053128604n);
    assert.equal(field(insp, 'proc.pidns_init_start_ts'), 1690556576768000000n);
    assert.equal(field(insp, 'proc.exe_ino.ctime_duration_pidns_start'), 1690556973053128604n - 1690556576768000000n);
  } finally {
    await src.close();
  }
});
