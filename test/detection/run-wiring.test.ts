// `kestrel run` wiring of the container module and rule outputs: the container plugin's
// init_config (errors → KES_CONFIG, exit 5), transformers in rule outputs, and the container
// metrics on the live web server's /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KESTREL } from './harness.js';
import { scapPath } from '../diff/sysdig-oracle.js';
import { freePort } from '../support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'kestrel-wiring-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [KESTREL, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('a bad container plugin init_config stops kestrel run with KES_CONFIG naming the key', () => {
  const cfg = join(dir, 'bad.yaml');
  writeFileSync(cfg, [
    'plugins:',
    '  - name: container',
    '    init_config:',
    '      engines:',
    '        nosuch: { enabled: true }',
    '      alert_wait_ms: -3',
  ].join('\n') + '\n');
  const r = run(['run', '-c', cfg, '--replay', scapPath('falco_empty.scap')]);
  assert.equal(r.code, 5, r.err);
  assert.match(r.err, /KES_CONFIG/);
  assert.match(r.err, /plugins\[0\] \(container\)\.init_config\.engines\.nosuch: unknown engine/);
  assert.match(r.err, /alert_wait_ms: expected an integer >= 0/);
  // A good one is accepted (replays disable the runtimes whatever it says).
  writeFileSync(cfg, 'plugins:\n  - name: container\n    init_config: {alert_wait_ms: 100, containerd_namespaces: [default]}\n');
  assert.equal(run(['run', '-c', cfg, '--replay', scapPath('falco_empty.scap')]).code, 0);
});

test('rule outputs may use transformers (%toupper(proc.name), %basename(fd.name))', () => {
  const rules = join(dir, 'tr.yaml');
  writeFileSync(rules, `- rule: Dev null opened
  desc: cat opens /dev/null in cat_write.scap
  condition: evt.type in (open, openat) and fd.name = /dev/null
  output: "opened by %toupper(proc.name) base=%basename(fd.name)"
  priority: NOTICE
`);
  const r = run(['run', '-r', rules, '-o', 'json_output=true', '--replay', scapPath('falco_trace_files_cat_write.scap')]);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out.trim()) as { output: string; output_fields: Record<string, unknown> };
  assert.match(j.output, /opened by CAT base=null$/);
  assert.equal(j.output_fields['toupper(proc.name)'], 'CAT');
});

test('live kestrel run serves the container metrics on /metrics', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root for the probe'); return; }
  const port = await freePort();
  const cfg = join(dir, 'live.yaml');
  writeFileSync(cfg, ['webserver:', '  enabled: true', `  listen_port: ${port}`, '  listen_address: 127.0.0.1', 'syslog_output:', '  enabled: false'].join('\n') + '\n');
  const p = spawn(process.execPath, [KESTREL, 'run', '-v', '-c', cfg, '-M', '30'], { timeout: 300_000, killSignal: 'SIGKILL', stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const to = setTimeout(() => reject(new Error('no ready line: ' + err)), 60_000);
      p.stderr!.setEncoding('utf8');
      p.stderr!.on('data', (d: string) => { err += d; if (err.includes('kestrel run: ready')) { clearTimeout(to); resolve(); } });
      p.on('exit', (c) => { clearTimeout(to); reject(new Error(`exited ${c}: ${err}`)); });
    });
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    assert.equal(res.status, 200);
    assert.match(text, /^kestrel_container_lookups_total \d+/m);
    assert.match(text, /^kestrel_container_entries \d+/m);
  } finally {
    if (p.exitCode === null && p.signalCode === null) {
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await gone;
    }
  }
});

test('process exits make the manager forget the pid (container.unknown is re-checked for a reused pid)', async () => {
  const { ContainerManager } = await import('../../src/containers/index.js');
  const { loadDetection } = await import('../../src/engine/detection.js');
  const { DetectionEngine } = await import('../../src/engine/engine.js');
  const { FileSource } = await import('../../src/capture/file-source.js');
  const forgotten: number[] = [];
  // The real manager, observed: forgetPid is what the engine must call on procexit.
  const manager = new class extends ContainerManager {
    override forgetPid(pid: number): void { forgotten.push(pid); super.forgetPid(pid); }
  }({ docker: false, podman: false, containerd: false, cri: false });
  const det = loadDetection({ manager });
  const src = new FileSource(scapPath('falco_trace_files_cat_write.scap'));
  await src.open();
  await new DetectionEngine({ source: src, detection: det, emit: () => {}, hostname: 'h', manager }).run();
  await src.close();
  manager.close();
  // sysdig -r cat_write.scap evt.type=procexit: cat (pid 20072) exits (event 215).
  assert.ok(forgotten.length >= 1, 'forgetPid called');
  assert.ok(forgotten.includes(20072), `pids: ${forgotten.join(',')}`);
});
