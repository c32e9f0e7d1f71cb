// syscall_event_drops: threshold, actions, token bucket, the internal alert, metrics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceStats } from '../../src/capture/types.js';
import { KestrelMetrics } from '../../src/metrics/falco.js';
import { MetricsRegistry } from '../../src/metrics/index.js';
import type { Alert } from '../../src/outputs/alert.js';
import { DROP_RULE, DropMonitor, TokenBucket } from '../../src/outputs/drops.js';
import { AlertFormatter } from '../../src/outputs/format.js';
import { MemoryLogger } from '../../src/outputs/log.js';

const S = 1_000_000_000n;
const T0 = 1767323045n * S;

function stats(events: number, drops: number, dropsBy: Record<string, number> = {}): SourceStats {
  return { events, drops, dropsBy };
}

function monitor(over: Partial<{ threshold: number; actions: string[]; rate: number; max_burst: number; simulate_drops: boolean }> = {}) {
  const alerts: Alert[] = [];
  const log = new MemoryLogger();
  const reg = new MetricsRegistry();
  const metrics = new KestrelMetrics(reg, { version: 't' });
  const m = new DropMonitor({ threshold: 0.1, actions: ['log', 'alert'], rate: 0.03333, max_burst: 1, simulate_drops: false, ...over },
    { emit: (a) => alerts.push(a), logger: log, metrics, hostname: 'h', ebpf: true });
  return { m, alerts, log, reg, metrics };
}

test('below the threshold nothing happens; above it the alert carries Falco\'s counters', () => {
  const { m, alerts, log } = monitor();
  // 5 % dropped: under 10 %.
  assert.equal(m.check(stats(950, 50), T0).incident, false);
  assert.equal(alerts.length, 0);
  // Next second: 300 delivered, 200 dropped (40 %).
  const r = m.check(stats(1250, 250, { clone_fork_exit: 20, open_exit: 150, scratch_map: 5 }), T0 + S);
  assert.deepEqual(r, { incident: true, acted: true, exit: false, delta: { events: 500, drops: 200 } });
  assert.equal(alerts.length, 1);
  const a = alerts[0]!;
  assert.equal(a.rule, DROP_RULE);
  assert.equal(a.priority, 'Debug');
  assert.equal(a.source, 'internal');
  assert.equal(a.output, 'Falco internal: syscall event drop. 200 system calls dropped in last second.');
  assert.deepEqual(a.tags, []);
  assert.equal(a.outputFields['n_evts'], '500');
  assert.equal(a.outputFields['n_drops'], '200');
  assert.equal(a.outputFields['n_drops_buffer_clone_fork_exit'], '20');
  assert.equal(a.outputFields['n_drops_buffer_open_exit'], '150');
  assert.equal(a.outputFields['n_drops_buffer_execve_exit'], '0');
  assert.equal(a.outputFields['n_drops_scratch_map'], '5');
  assert.equal(a.outputFields['n_drops_buffer_total'], '195');
  assert.equal(a.outputFields['ebpf_enabled'], '1');
  for (const k of ['n_drops_page_faults', 'n_drops_bug', 'n_drops_buffer_connect_exit', 'n_drops_buffer_dir_file_exit',
    'n_drops_buffer_other_interest_exit', 'n_drops_buffer_close_exit', 'n_drops_buffer_proc_exit']) assert.equal(a.outputFields[k], '0', k);
  assert.equal(log.lines.filter((l) => l.level === 'critical').length, 1);
  // The alert renders in Falco's internal JSON shape.
  const j = JSON.parse(new AlertFormatter({ json: true }).render(a));
  assert.equal(j.source, 'internal');
  assert.equal('tags' in j, false);
});

test('token bucket: one action per 1/rate seconds, incidents still counted', () => {
  const { m, alerts, reg } = monitor({ rate: 0.5, max_burst: 1 }); // one token every 2 s
  let ev = 0;
  let dr = 0;
  const results = [];
  for (let s = 1; s <= 6; s++) {
    ev += 100; dr += 100;
    results.push(m.check(stats(ev, dr), T0 + BigInt(s) * S).acted);
  }
  assert.deepEqual(results, [true, false, true, false, true, false]);
  assert.equal(alerts.length, 3);
  assert.equal(m.incidents, 6);
  assert.equal(m.actionsTaken, 3);
  return reg.text().then((t) => {
    assert.match(t, /kestrel_syscall_event_drop_actions_total\{action="detected"\} 6/);
    assert.match(t, /kestrel_syscall_event_drop_actions_total\{action="rate_limited"\} 3/);
    assert.match(t, /kestrel_syscall_event_drop_actions_total\{action="alert"\} 3/);
  });
});

test('max_burst lets a burst through, then the rate applies', () => {
  const b = new TokenBucket(1, 3, T0);
  assert.deepEqual([b.claim(T0), b.claim(T0), b.claim(T0), b.claim(T0)], [true, true, true, false]);
  assert.equal(b.claim(T0 + S), true);
  assert.equal(b.claim(T0 + S), false);
});

test('actions: ignore does nothing visible; exit asks to stop; empty list means ignore', () => {
  const ig = monitor({ actions: ['ignore'] });
  assert.equal(ig.m.check(stats(0, 10), T0).acted, true);
  assert.equal(ig.alerts.length + ig.log.lines.length, 0);
  const ex = monitor({ actions: ['exit'] });
  const r = ex.m.check(stats(0, 10), T0);
  assert.equal(r.exit, true);
  assert.deepEqual(ex.log.lines.map((l) => l.msg), ['Falco internal: syscall event drop. 10 system calls dropped in last second.', 'Exiting.']);
  const none = monitor({ actions: [] });
  assert.equal(none.m.check(stats(0, 10), T0).exit, false);
  assert.equal(none.alerts.length, 0);
  assert.throws(() => monitor({ actions: ['panic'] }), /KES_CONFIG|unknown action 'panic'/);
});

test('simulate_drops: one drop per check, threshold 0', () => {
  const { m, alerts } = monitor({ simulate_drops: true, threshold: 0.9 });
  assert.equal(m.check(stats(1_000_000, 0), T0).incident, true);
  assert.equal(alerts[0]!.outputFields['n_drops'], '1');
});

test('start(): polls a source and reports exit through the callback with KES_DROPS_EXIT', async () => {
  const { m } = monitor({ actions: ['exit'] });
  let drops = 0;
  const src = { stats: () => stats(10, drops) };
  // The monitor's interval is unref'd (it must not keep kestrel alive), so this ref'd guard
  // timer keeps the test's event loop alive until the callback, and bounds the wait.
  let guard: NodeJS.Timeout | undefined;
  const err = await new Promise<Error & { code?: string }>((resolve, reject) => {
    guard = setTimeout(() => reject(new Error('no exit callback within 30 s')), 30_000);
    m.start(src, resolve, 20);
    drops = 50;
  }).finally(() => clearTimeout(guard));
  assert.equal(err.code, 'KES_DROPS_EXIT');
  m.stop();
});
