// Kernel test of the probe's design claim behind issue 3's overhead target: a syscall that no
// rule needs costs only the kernel's syscall-tracing floor, because kestrel attaches nothing
// that runs on every syscall. With the default rules' live set open, every program the process
// has attached is a per-syscall tracepoint (syscalls:sys_enter_X / sys_exit_X) or the
// sched_process_exit raw tracepoint; none is on raw_syscalls:sys_enter/sys_exit (Falco's
// dispatcher design, which bench/live-floor.sh measures at several times the floor).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openLiveSource } from '../../src/engine/live.js';
import { loadDetection } from '../../src/engine/detection.js';
import { bpftoolJson } from './util.js';

interface PerfEntry { pid: number; fd_type: string; tracepoint?: string }

test('the default live set attaches only per-syscall tracepoints (+ sched_process_exit), nothing on raw_syscalls', async () => {
  const det = loadDetection();
  assert.deepEqual(det.load.result.errors, []);
  const src = await openLiveSource(det.ruleset, () => undefined);
  try {
    const mine = bpftoolJson<PerfEntry[]>(['perf', 'show']).filter((e) => e.pid === process.pid);
    assert.ok(mine.length > 20, `the live set is attached (${mine.length} attachments)`);
    const odd = mine.filter((e) => !(
      (e.fd_type === 'tracepoint' && /^sys_(enter|exit)_[a-z0-9_]+$/.test(e.tracepoint ?? ''))
      || (e.fd_type === 'raw_tracepoint' && e.tracepoint === 'sched_process_exit')));
    assert.deepEqual(odd, [], 'attachments that would run on syscalls no rule needs');
    assert.ok(!mine.some((e) => e.tracepoint === 'sys_enter' || e.tracepoint === 'sys_exit'), 'nothing on raw_syscalls');
  } finally {
    await src.close();
  }
});
