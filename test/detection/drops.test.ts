// Kernel drops end to end: `kestrel run` with a 4 KiB ring per buffer under a storm of captured
// syscalls drops events; the drops raise Falco's internal "syscall event drop" alert
// (source internal) and show in /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnRun } from './harness.js';
import { freePort } from '../support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'kestrel-drops-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a tiny ring under a syscall storm: drops counted, internal alert raised, metrics show them', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root for the probe'); return; }
  const port = await freePort();
  const cfg = join(dir, 'kestrel.yaml');
  writeFileSync(cfg, [
    'json_output: true',
    'priority: debug',
    'syslog_output: {enabled: false}',
    `webserver: {enabled: true, listen_address: 127.0.0.1, listen_port: ${port}}`,
    'engine: {modern_ebpf: {buffer_dim_kb: 4}}',
    'syscall_event_drops: {threshold: 0, actions: [log, alert], rate: 100, max_burst: 100}',
  ].join('\n') + '\n');
  const rules = join(dir, 'rules.yaml');
  // A rule on openat keeps openat captured (nothing in the storm matches it).
  writeFileSync(rules, '- rule: Never\n  desc: keeps openat/close captured\n  condition: evt.type in (openat, close) and fd.name = /nonexistent/kestrel\n  output: never\n  priority: NOTICE\n');
  const run = spawnRun(['-c', cfg, '-r', rules, '-M', '120']);
  const wait = (what: string, cond: () => boolean, ms: number, each?: () => void) => run.until(what, cond, each, ms, 200);
  try {
    await wait('ready', () => run.err.includes('kestrel run: ready'), 120_000);
    const storm = (): void => {
      // 100k openat+close pairs in a tight loop overflow a 4 KiB ring.
      spawnSync('python3', ['-c', 'import os\nfor _ in range(100000): os.close(os.open("/etc/hostname", os.O_RDONLY))'], { timeout: 120_000 });
    };
    storm();
    const internal = () => run.alerts().find((a) => a.source === 'internal' && /syscall event drop/.test(a.rule));
    await wait('the internal drop alert', () => internal() !== undefined, 60_000, storm);
    const a = internal()!;
    assert.ok(Number(a.output_fields['n_drops']) > 0, JSON.stringify(a));
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    const m = /^falcosecurity_scap_n_drops_total(?:\{[^}]*\})? (\d+(?:\.\d+)?(?:e\+\d+)?)/m.exec(text);
    assert.ok(m, 'n_drops metric present');
    assert.ok(Number(m[1]) > 0, `drops in metrics: ${m[0]}`);
    // The state's counters beside them: the snapshot's threads, the storm's python processes.
    const num = (name: string): number => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    assert.ok(num('falcosecurity_scap_n_threads') > 0, 'n_threads');
    assert.ok(num('falcosecurity_scap_n_added_threads_total') > num('falcosecurity_scap_n_threads') / 2, 'n_added_threads counts the snapshot and later threads');
    assert.ok(num('falcosecurity_scap_n_noncached_thread_lookups_total') >= 0, 'thread lookups counted');
  } finally {
    await run.stop();
  }
});
