// proc.exe_* facts of processes that were already running when a live capture starts: the
// /proc snapshot gives them (no execve event will), so a process started before the probe
// reports its executable's inode and times, write access and overlayfs layer on its first
// event, as one started after it would. Checked against stat(2) of the files, with real
// processes run from an overlay mount (lower layer and upper layer) and from the host.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveSource } from '../../src/capture/live-cli.js';
import { Inspector } from '../../src/state/inspector.js';
import { StateFieldRegistry } from '../../src/state/fields.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const reg = new StateFieldRegistry();

function field(insp: Inspector, name: string): unknown {
  const r = reg.resolve(name);
  assert.ok(r, `field ${name}`);
  return r.def.extract(insp.ctx, r.arg);
}

const FIELDS = ['proc.pid', 'proc.exepath', 'proc.exe_ino', 'proc.exe_ino.ctime', 'proc.exe_ino.mtime',
  'proc.is_exe_writable', 'proc.is_exe_upper_layer', 'proc.is_exe_lower_layer', 'proc.is_exe_from_memfd',
  'proc.exe_ino.ctime_duration_proc_start', 'proc.duration'] as const;

test('processes running before the capture carry their executable facts from /proc', { skip: isRoot ? false : 'live capture needs root', timeout: 110_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kes-exefacts-'));
  chmodSync(dir, 0o755); // nobody must reach not-mine
  for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(dir, d));
  const sleepBin = '/usr/bin/sleep';
  copyFileSync(sleepBin, join(dir, 'lower', 'from-lower'));
  chmodSync(join(dir, 'lower', 'from-lower'), 0o755);
  const merged = join(dir, 'merged');
  const m = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${dir}/lower,upperdir=${dir}/upper,workdir=${dir}/work`, merged], { encoding: 'utf8', timeout: 30_000 });
  const mounted = m.status === 0;
  // a copy owned by nobody, mode 0755: root runs it but is not its owner
  const notMine = join(dir, 'not-mine');
  copyFileSync(sleepBin, notMine);
  chmodSync(notMine, 0o755);
  spawnSync('chown', ['65534:65534', notMine], { timeout: 30_000 });
  const children: ChildProcess[] = [];
  const start = (bin: string, uid?: number): ChildProcess => {
    const c = spawn(bin, ['60'], { stdio: 'ignore', uid, gid: uid, timeout: 300_000, killSignal: 'SIGKILL' });
    children.push(c);
    return c;
  };
  try {
    if (mounted) copyFileSync(sleepBin, join(merged, 'from-upper')); // written through the mount: upper layer
    const plain = start(sleepBin);
    const asNobody = start(notMine, 65534);
    const asRootNotOwner = start(notMine);
    const lower = mounted ? start(join(merged, 'from-lower')) : null;
    const upper = mounted ? start(join(merged, 'from-upper')) : null;
    // let them exec before the snapshot
    await new Promise((r) => setTimeout(r, 300));
    const src = liveSource({});
    await src.open();
    const seen = new Map<number, Record<string, unknown>>();
    try {
      const pids = new Set(children.map((c) => c.pid!));
      for (const p of pids) assert.ok(src.header.procs.some((e) => e.pid === p), `pid ${p} is in the snapshot`);
      let insp: Inspector | null = null;
      // their first events: the procexit that SIGTERM causes
      for (const c of children) c.kill('SIGTERM');
      const deadline = Date.now() + 60_000;
      while (seen.size < pids.size && Date.now() < deadline) {
        await src.nextBatch((ev) => {
          if (insp === null) { insp = new Inspector(ev); insp.seed(src.header); }
          insp.process(ev);
          if (pids.has(ev.tid) && !seen.has(ev.tid)) {
            const row: Record<string, unknown> = {};
            for (const f of FIELDS) row[f] = field(insp, f);
            seen.set(ev.tid, row);
          }
          insp.endEvent(ev);
        });
      }
    } finally {
      await src.close();
    }
    const check = (c: ChildProcess | null, path: string, want: { writable: boolean; upper: boolean; lower: boolean }) => {
      if (c === null) return;
      const row = seen.get(c.pid!);
      assert.ok(row, `an event of ${path} (pid ${c.pid})`);
      const st = statSync(path, { bigint: true });
      assert.equal(row['proc.exe_ino'], Number(st.ino), `${path}: exe_ino`);
      assert.equal(row['proc.exe_ino.ctime'], st.ctimeNs, `${path}: ctime`);
      assert.equal(row['proc.exe_ino.mtime'], st.mtimeNs, `${path}: mtime`);
      assert.equal(row['proc.is_exe_writable'], want.writable, `${path}: writable`);
      assert.equal(row['proc.is_exe_upper_layer'], want.upper, `${path}: upper layer`);
      assert.equal(row['proc.is_exe_lower_layer'], want.lower, `${path}: lower layer`);
      assert.equal(row['proc.is_exe_from_memfd'], false, `${path}: not memfd`);
      // the start time comes from /proc too: the process started after its file was last
      // changed (all of these within the last two minutes), and it has been running since
      const d = row['proc.exe_ino.ctime_duration_proc_start'] as bigint;
      const started = st.ctimeNs + d;
      const now = BigInt(Date.now()) * 1000000n;
      assert.ok(typeof d === 'bigint' && d > 0n && started <= now && now - started < 120_000_000_000n, `${path}: start ${started} (ctime ${st.ctimeNs}, now ${now})`);
      assert.ok(typeof row['proc.duration'] === 'bigint' && (row['proc.duration'] as bigint) > 0n, `${path}: proc.duration`);
    };
    check(plain, sleepBin, { writable: true, upper: false, lower: false });
    check(asNobody, notMine, { writable: true, upper: false, lower: false }); // its owner
    check(asRootNotOwner, notMine, { writable: true, upper: false, lower: false }); // root
    check(lower, join(merged, 'from-lower'), { writable: true, upper: false, lower: true });
    check(upper, join(merged, 'from-upper'), { writable: true, upper: true, lower: false });
    if (!mounted) t.diagnostic('overlayfs could not be mounted here: layer checks skipped');
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once('exit', r)))));
    if (mounted) spawnSync('umount', [merged], { timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a user that neither owns nor may write the executable: not writable', { skip: isRoot ? false : 'needs root to start a process as another user', timeout: 60_000 }, async () => {
  const { exeFacts } = await import('../../src/capture/proc-snapshot.js');
  // /usr/bin/sleep is root's, mode 0755: nobody may not write it
  const c = spawn('/usr/bin/sleep', ['30'], { stdio: 'ignore', uid: 65534, gid: 65534, timeout: 300_000, killSignal: 'SIGKILL' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    const f = exeFacts(c.pid!, '/usr/bin/sleep', 65534, 65534, new Map());
    assert.equal(f.exeWritable, false);
    assert.equal(f.exeIno, statSync('/usr/bin/sleep', { bigint: true }).ino);
  } finally {
    c.kill('SIGKILL');
    await new Promise((r) => c.once('exit', r));
  }
});
