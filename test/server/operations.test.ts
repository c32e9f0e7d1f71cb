// startOperations wires outputs, metrics, server, drop monitor and reload together.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { MemoryLogger } from '../../src/outputs/log.js';
import { boundPort } from '../../src/server/index.js';
import { startOperations } from '../../src/server/operations.js';
import { mkAlert, waitFor } from '../outputs/helpers.js';

test('alerts, drop alerts, metrics, a failed and a good reload, through one wiring', async () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kestrel-ops-'));
  const rules = path.join(d, 'rules.yaml');
  writeFileSync(rules, '- rule: x\n');
  const events = path.join(d, 'events.txt');
  const loaded = loadConfig({ overrides: ['stdout_output.enabled=false', 'syslog_output.enabled=false', 'json_output=true',
    'file_output.enabled=true', `file_output.filename=${events}`, 'webserver.listen_port=0', `rules_files=[${rules}]`,
    'syscall_event_drops.actions=[alert]', 'syscall_event_drops.max_burst=10'] });
  const log = new MemoryLogger();
  let reloads = 0;
  let broken = false;
  let fatal: Error | null = null;
  const ops = await startOperations(loaded, {
    version: '9.9.9', engineName: 'modern_ebpf', ebpf: true, logger: log,
    reload: async () => { reloads++; if (broken) throw new Error('rules.yaml:1:1: broken'); },
    onFatal: (e) => { fatal = e; },
  });
  try {
    let drops = 0;
    let n = 0;
    ops.attachSource({ stats: () => ({ events: (n += 100), drops, dropsBy: { open_exit: drops } }) });
    for (let i = 0; i < 5; i++) ops.outputs.emit(mkAlert(i));
    drops = 500; // the next 1 s tick sees 500 drops out of 600
    const read = (): Array<Record<string, any>> => {
      try { return readFileSync(events, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)); } catch { return []; }
    };
    await waitFor(() => read().some((a) => a['source'] === 'internal'), 15_000, 'the drop alert');
    await ops.outputs.flush();
    const lines = read();
    assert.equal(lines.filter((a) => a.source === 'syscall').length, 5);
    const dropAlert = lines.find((a) => a.rule === 'Falco internal: syscall event drop');
    assert.ok(dropAlert, 'drop alert written');
    assert.equal(dropAlert.output_fields.n_drops_buffer_open_exit, '500');

    broken = true;
    ops.watcher!.trigger('test');
    await ops.watcher!.settled();
    broken = false;
    ops.watcher!.trigger('test');
    await ops.watcher!.settled();
    assert.equal(reloads, 2);
    assert.ok(log.lines.some((l) => l.level === 'error' && /keeping the previous rules/.test(l.msg)));

    const text = await (await fetch(`http://127.0.0.1:${boundPort(ops.server!)}/metrics`)).text();
    assert.match(text, /kestrel_reloads_total\{result="failed"\} 1/);
    assert.match(text, /kestrel_reloads_total\{result="ok"\} 1/);
    assert.match(text, /falcosecurity_scap_n_drops_total 500/);
    assert.match(text, /falcosecurity_falco_rules_matches_total\{priority="7",rule_name="Falco internal: syscall event drop",source="internal"\} 1/);
    assert.match(text, new RegExp(`falcosecurity_falco_sha256_rules_files_info\\{file_name="${rules}",sha256="[0-9a-f]{64}"\\} 1`));
    assert.equal(fatal, null);
    assert.equal((await fetch(`http://127.0.0.1:${boundPort(ops.server!)}/healthz`)).status, 200);
  } finally {
    await ops.close();
  }
});

test('metrics.enabled: periodic "Falco internal: metrics snapshot" alert and output_file lines', async () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kestrel-ops-'));
  const events = path.join(d, 'events.txt');
  const mfile = path.join(d, 'metrics.jsonl');
  const loaded = loadConfig({ overrides: ['stdout_output.enabled=false', 'syslog_output.enabled=false', 'json_output=true',
    'file_output.enabled=true', `file_output.filename=${events}`, 'webserver.enabled=false',
    'metrics.enabled=true', 'metrics.interval=200ms', `metrics.output_file=${mfile}`] });
  const ops = await startOperations(loaded, { version: '9.9.9', engineName: 'replay', ebpf: false, logger: new MemoryLogger() });
  try {
    ops.attachSource({ stats: () => ({ events: 4242, drops: 0, dropsBy: {} }) });
    ops.outputs.emit(mkAlert(0));
    const read = (f: string): Array<Record<string, any>> => {
      try { return readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)); } catch { return []; }
    };
    await waitFor(() => read(events).some((a) => a['rule'] === 'Falco internal: metrics snapshot') && read(mfile).length > 0, 15_000, 'a snapshot');
    const snap = read(events).find((a) => a['rule'] === 'Falco internal: metrics snapshot')!;
    assert.equal(snap['source'], 'internal');
    assert.equal(snap['priority'], 'Informational');
    assert.equal(snap['output_fields']['falco.version'], '9.9.9');
    assert.equal(snap['output_fields']['scap.n_evts'], 4242);
    assert.equal(snap['output_fields']['scap.engine_name'], 'replay');
    assert.ok(snap['output_fields']['falco.memory_rss_mb'] > 1);
    assert.ok(snap['output_fields']['falco.rules.matches_total'] >= 1);
    assert.equal(read(mfile)[0]!['rule'], 'Falco internal: metrics snapshot');
  } finally {
    await ops.close();
  }
});
