// The web server over real HTTP on loopback: health, versions, Prometheus metrics whose
// counters match what the test caused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import { KestrelMetrics } from '../../src/metrics/falco.js';
import { MetricsRegistry } from '../../src/metrics/index.js';
import { createOutputs } from '../../src/outputs/index.js';
import { boundPort, buildServer, startServer } from '../../src/server/index.js';
import { mkAlert } from '../outputs/helpers.js';

/** A minimal Prometheus text-format parser: returns series → value, and checks every line. */
function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) continue;
    const t = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (t) { types.set(t[1]!, t[2]!); continue; }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${JSON.stringify(line)}`);
    assert.ok(types.has(m[1]!), `sample before its TYPE: ${m[1]}`);
    out.set(m[1]! + (m[2] ?? ''), Number(m[3]));
  }
  return out;
}

test('healthz, versions and /metrics over real HTTP on 127.0.0.1', async () => {
  const reg = new MetricsRegistry();
  const metrics = new KestrelMetrics(reg, { version: '0.1.0', hostname: 'h1' });
  let events = 0;
  metrics.attachSource({ stats: () => ({ events, drops: 7, dropsBy: { clone_fork_exit: 3, open_exit: 4 } }) });
  metrics.setLoadedFiles([{ file: '/etc/kestrel/rules.yaml', sha256: 'ab'.repeat(32) }]);
  const sink = new Writable({ write(_c, _e, cb) { cb(); } });
  const conf = loadConfig({ overrides: ['syslog_output.enabled=false', 'webserver.listen_port=0'] }).config;
  const out = createOutputs(conf, { metrics, stdout: sink });
  let healthy = true;
  const app = await startServer(conf.webserver, { metrics, versions: { kestrel_version: '0.1.0', node_version: process.version }, health: () => ({ ok: healthy, detail: 'probe detached' }) });
  try {
    const addr = app.server.address();
    assert.ok(addr && typeof addr === 'object' && addr.address === '127.0.0.1');
    const base = `http://127.0.0.1:${boundPort(app)}`;

    let r = await fetch(base + '/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { status: 'ok' });
    healthy = false;
    r = await fetch(base + '/healthz');
    assert.equal(r.status, 503);
    healthy = true;
    r = await fetch(base + '/versions');
    assert.equal(((await r.json()) as { kestrel_version: string }).kestrel_version, '0.1.0');

    for (let i = 0; i < 30; i++) out.emit(mkAlert(i, i < 10 ? 'Critical' : 'Warning'));
    await out.flush();
    events = 12345;
    r = await fetch(base + '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const m = parseProm(await r.text());
    assert.equal(m.get('falcosecurity_falco_version_info{version="0.1.0"}'), 1);
    assert.equal(m.get('falcosecurity_scap_n_evts_total'), 12345);
    assert.equal(m.get('falcosecurity_scap_n_drops_total'), 7);
    assert.equal(m.get('falcosecurity_scap_n_drops_buffer_total{dir="exit",drop="clone_fork"}'), 3);
    assert.equal(m.get('falcosecurity_scap_n_drops_buffer_total{dir="exit",drop="open"}'), 4);
    // mkAlert: rule "Test rule <i % 3>"; Critical = 2, Warning = 4.
    let total = 0;
    for (const [k, v] of m) if (k.startsWith('falcosecurity_falco_rules_matches_total{')) total += v;
    assert.equal(total, 30);
    assert.equal(m.get('falcosecurity_falco_rules_matches_total{priority="2",rule_name="Test rule 0",source="syscall"}'), 4);
    assert.equal(m.get('kestrel_outputs_delivered_total{output="stdout"}'), 30);
    assert.equal(m.get('falcosecurity_falco_outputs_queue_num_drops_total'), 0);
    assert.ok((m.get('falcosecurity_falco_memory_rss_bytes') ?? 0) > 1e6);
    assert.ok((m.get('falcosecurity_falco_cpu_usage_ratio') ?? -1) >= 0);
    assert.ok(m.has('falcosecurity_falco_duration_seconds_total'));
    assert.equal(m.get(`falcosecurity_falco_sha256_rules_files_info{file_name="/etc/kestrel/rules.yaml",sha256="${'ab'.repeat(32)}"}`), 1);
    assert.equal((await fetch(base + '/nope')).status, 404);
  } finally {
    await app.close();
    await out.close();
  }
});

test('/metrics is off when prometheus_metrics_enabled is false; custom healthz path (inject)', async () => {
  const reg = new MetricsRegistry();
  const app = buildServer({ k8s_healthz_endpoint: '/live', prometheus_metrics_enabled: false, ssl_enabled: false, ssl_certificate: '' }, { metrics: reg, versions: {} });
  assert.equal((await app.inject({ url: '/metrics' })).statusCode, 404);
  assert.equal((await app.inject({ url: '/live' })).statusCode, 200);
  await app.close();
});

test('a port in use is a clear KES_SERVER error', async () => {
  const conf = loadConfig({ overrides: ['webserver.listen_port=0'] }).config;
  const a = await startServer(conf.webserver, { versions: {} });
  try {
    await assert.rejects(startServer({ ...conf.webserver, listen_port: boundPort(a) }, { versions: {} }), (e: Error & { code?: string }) => e.code === 'KES_SERVER' && /cannot listen on 127\.0\.0\.1/.test(e.message));
  } finally {
    await a.close();
  }
});
