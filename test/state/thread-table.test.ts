// The thread table keeps exited processes for their children's parent lookups (bounded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThreadInfo, ThreadTable } from '../../src/state/thread.js';

function proc(tid: number, ptid: number, comm: string): ThreadInfo {
  const t = new ThreadInfo();
  t.tid = tid; t.pid = tid; t.ptid = ptid; t.comm = comm;
  return t;
}

test('a child still names its parent after the parent exited (runc exec → shell)', () => {
  const tt = new ThreadTable();
  tt.add(proc(100, 1, 'runc'));
  const child = proc(101, 100, 'sh');
  tt.add(child);
  tt.remove(100);
  assert.equal(tt.get(100), undefined, 'the exited parent is gone from the live table');
  assert.equal(tt.parent(child)?.comm, 'runc');
});

test('a reused pid is the new process, not the exited parent', () => {
  const tt = new ThreadTable();
  tt.add(proc(200, 1, 'old'));
  const child = proc(201, 200, 'kid');
  tt.add(child);
  tt.remove(200);
  tt.add(proc(200, 1, 'new'));
  assert.equal(tt.parent(child)?.comm, 'new');
  tt.remove(200);
  assert.equal(tt.parent(child)?.comm, 'new');
});

test('exited parents are bounded: the oldest are forgotten first', () => {
  const tt = new ThreadTable();
  const max = ThreadTable.EXITED_PARENTS_MAX;
  const first = proc(1_000_000 + max + 1, 1_000_000, 'kid');
  tt.add(proc(1_000_000, 1, 'p0'));
  tt.add(first);
  tt.remove(1_000_000);
  for (let i = 1; i <= max; i++) { tt.add(proc(1_000_000 + i, 1, 'p')); tt.remove(1_000_000 + i); }
  assert.equal(tt.parent(first), undefined, 'the oldest exited parent was dropped');
  const last = proc(3_000_000, 1_000_000 + max, 'kid2');
  assert.equal(tt.parent(last)?.comm, 'p');
});

test('threads (tid != pid) are not kept after exit', () => {
  const tt = new ThreadTable();
  const main = proc(300, 1, 'srv');
  tt.add(main);
  const thr = new ThreadInfo();
  thr.tid = 301; thr.pid = 300; thr.ptid = 1; thr.comm = 'srv';
  tt.add(thr);
  tt.remove(301);
  const child = proc(302, 301, 'kid');
  assert.equal(tt.parent(child), undefined);
});
