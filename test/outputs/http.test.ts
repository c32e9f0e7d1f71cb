// HTTP output against a real receiver on loopback: shape, outages with and without the disk
// spool, a receiver that hangs, rejections, credentials kept out of logs, HTTPS with mTLS.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { createOutputs } from '../../src/outputs/index.js';
import { MemoryLogger } from '../../src/outputs/log.js';
import { HttpSink } from '../../src/outputs/sinks/http.js';
import { cfg, mkAlert, tmpdir, waitFor } from './helpers.js';
import { Receiver } from './receiver.js';
import { freePort } from '../support/ports.js';

const FAST = ['http_output.retries=2', 'http_output.retry_backoff_ms=20', 'http_output.max_backoff_ms=200', 'http_output.timeout_ms=2000'];

test('every alert arrives as one POST of Falco-shaped JSON, in order', async () => {
  const rx = new Receiver();
  await rx.start();
  const out = createOutputs(cfg(['http_output.enabled=true', `http_output.url=${rx.url}`, ...FAST]));
  for (let i = 0; i < 500; i++) out.emit(mkAlert(i));
  assert.equal(await out.flush(20_000), true);
  await out.close();
  await rx.stop();
  assert.equal(rx.bodies.length, 500);
  assert.deepEqual(rx.seqs(), [...Array(500).keys()]);
  for (const b of rx.bodies) {
    const o = JSON.parse(b);
    assert.deepEqual(Object.keys(o), ['hostname', 'output', 'output_fields', 'priority', 'rule', 'source', 'tags', 'time']);
    assert.match(o.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    assert.equal(typeof o.output_fields['evt.time'], 'number');
  }
  assert.equal(rx.headers[0]!['content-type'], 'application/json');
  assert.equal(rx.headers[0]!['user-agent'], 'falcosecurity/falco');
  assert.equal(out.stats()[0]!.delivered, 500);
  assert.deepEqual(out.stats()[0]!.dropped, {});
});

test('receiver down for 3 s, then back: with the spool nothing is lost, order kept', async () => {
  const rx = new Receiver();
  await rx.start(await freePort()); // restarted on this port: keep it out of the ephemeral range
  const port = rx.port;
  await rx.stop();
  const spool = path.join(tmpdir(), 'http.spool');
  const out = createOutputs(cfg(['http_output.enabled=true', `http_output.url=http://127.0.0.1:${port}/`, ...FAST,
    'http_output.spool.enabled=true', `http_output.spool.path=${spool}`]));
  const sink = out.sinks[0] as HttpSink;
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < 100; i++) out.emit(mkAlert(s * 100 + i));
    await new Promise((r) => setTimeout(r, 1000));
  }
  await waitFor(() => sink.spoolCount === 300, 5000, 'all 300 spooled');
  assert.ok(statSync(spool).size > 0);
  await rx.start(port);
  for (let i = 300; i < 310; i++) out.emit(mkAlert(i));
  assert.equal(await out.flush(30_000), true);
  await out.close();
  await rx.stop();
  assert.deepEqual(rx.seqs(), [...Array(310).keys()]);
  assert.deepEqual(out.stats()[0]!.dropped, {});
  assert.equal(out.stats()[0]!.delivered, 310);
  assert.equal(statSync(spool).size, 0);
});

test('receiver down without the spool: every loss is counted, nothing is silently missing', async () => {
  const rx = new Receiver();
  await rx.start(await freePort()); // a port outside the ephemeral range: no reuse or self-connect while down
  const port = rx.port;
  await rx.stop();
  const log = new MemoryLogger();
  const out = createOutputs(cfg(['http_output.enabled=true', `http_output.url=http://127.0.0.1:${port}/`, ...FAST]), { logger: log });
  for (let i = 0; i < 100; i++) out.emit(mkAlert(i));
  await out.flush(20_000);
  await rx.start(port);
  for (let i = 100; i < 150; i++) out.emit(mkAlert(i));
  await out.flush(20_000);
  await out.close();
  await rx.stop();
  const st = out.stats()[0]!;
  assert.equal(st.dropped['send_failed'], 100);
  assert.equal(st.delivered, 50);
  assert.deepEqual(rx.seqs(), [...Array(50).keys()].map((i) => i + 100));
  // Logged, but rate-limited: one line for the burst, not a hundred.
  const logged = log.lines.filter((l) => l.msg.includes('send_failed')).length;
  assert.ok(logged >= 1 && logged <= 2, `logged ${logged} lines`);
});

test('a receiver that hangs does not slow the caller; losses are counted', async () => {
  const rx = new Receiver();
  rx.mode = 'hang';
  await rx.start();
  const out = createOutputs(cfg(['http_output.enabled=true', `http_output.url=${rx.url}`, 'http_output.timeout_ms=300',
    'http_output.retries=0', 'outputs_queue.capacity=50', 'output_timeout=500']));
  let completed = 0;
  for (let i = 0; i < 10_000; i++) { out.emit(mkAlert(i)); completed++; }
  // All 10 000 emits completed synchronously while the receiver held the first request.
  assert.equal(completed, 10_000);
  assert.equal(out.stats()[0]!.dropped['queue_full'], 10_000 - 50);
  // The first request times out (the receiver never answers).
  await waitFor(() => (out.stats()[0]!.dropped['timeout'] ?? 0) >= 1, 10_000, 'a timeout');
  await out.close();
  await rx.stop();
  const st = out.stats()[0]!;
  const lost = Object.values(st.dropped).reduce((a, b) => a + b, 0);
  assert.equal(st.delivered + lost, 10_000);
  assert.ok((st.dropped['timeout'] ?? 0) >= 1);
});

test('4xx is a rejection: counted once, not retried', async () => {
  const rx = new Receiver();
  rx.mode = { status: 400 };
  await rx.start();
  const out = createOutputs(cfg(['http_output.enabled=true', `http_output.url=${rx.url}`, ...FAST]));
  for (let i = 0; i < 10; i++) out.emit(mkAlert(i));
  await out.flush();
  await out.close();
  await rx.stop();
  assert.equal(rx.headers.length, 10);
  assert.equal(out.stats()[0]!.dropped['rejected'], 10);
});

test('credentials in the URL and headers reach the receiver but never the log', async () => {
  const rx = new Receiver();
  rx.mode = { status: 503 };
  await rx.start();
  const log = new MemoryLogger();
  const out = createOutputs(cfg(['http_output.enabled=true', `http_output.url=http://user:s3cretpw@127.0.0.1:${rx.port}/?token=t0ken`,
    'http_output.headers.X-Api-Key=k3y', ...FAST]), { logger: log });
  out.emit(mkAlert(1));
  await out.flush();
  await out.close();
  await rx.stop();
  assert.equal(rx.headers[0]!['authorization'], 'Basic ' + Buffer.from('user:s3cretpw').toString('base64'));
  assert.equal(rx.headers[0]!['x-api-key'], 'k3y');
  const all = log.lines.map((l) => l.msg).join('\n');
  assert.match(all, /send_failed/);
  assert.doesNotMatch(all, /s3cretpw|t0ken|k3y/);
});

test('spool survives a restart: alerts left on disk are replayed by the next run', async () => {
  const rx = new Receiver();
  await rx.start(await freePort()); // a port outside the ephemeral range: no reuse or self-connect while down
  const port = rx.port;
  await rx.stop();
  const spool = path.join(tmpdir(), 'restart.spool');
  const conf = cfg(['http_output.enabled=true', `http_output.url=http://127.0.0.1:${port}/`, ...FAST,
    'http_output.spool.enabled=true', `http_output.spool.path=${spool}`, 'output_timeout=200']);
  const first = createOutputs(conf);
  for (let i = 0; i < 20; i++) first.emit(mkAlert(i));
  await waitFor(() => (first.sinks[0] as HttpSink).spoolCount === 20, 5000, 'spooled');
  await first.close();
  await rx.start(port);
  const second = createOutputs(conf);
  assert.equal(await second.flush(10_000), true);
  await second.close();
  await rx.stop();
  assert.deepEqual(rx.seqs(), [...Array(20).keys()]);
  assert.equal(readFileSync(spool + '.offset', 'utf8'), '0');
});

test('HTTPS with a private CA and mutual TLS', async (t) => {
  if (!existsSync('/usr/bin/openssl')) { t.skip('no openssl'); return; }
  const d = tmpdir();
  const ossl = (...a: string[]): void => { execFileSync('openssl', a, { timeout: 300_000, killSignal: 'SIGKILL', cwd: d, stdio: 'ignore' }); };
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=kestrel test CA');
  for (const who of ['server', 'client']) {
    ossl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who === 'server' ? '127.0.0.1' : 'client'}`);
    const ext = path.join(d, `${who}.ext`);
    execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1\\n' > '${ext}'`], { timeout: 300_000, killSignal: 'SIGKILL' });
    ossl('x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.crt`, '-days', '2', '-extfile', ext);
  }
  const bodies: string[] = [];
  let peerCN = '';
  const server = https.createServer({
    key: readFileSync(path.join(d, 'server.key')), cert: readFileSync(path.join(d, 'server.crt')),
    ca: readFileSync(path.join(d, 'ca.crt')), requestCert: true, rejectUnauthorized: true,
  }, (req, res) => {
    peerCN = String((req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN ?? '');
    let b = '';
    req.on('data', (c) => { b += c; });
    req.on('end', () => { bodies.push(b); res.end('ok'); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const out = createOutputs(cfg(['http_output.enabled=true', `http_output.url=https://127.0.0.1:${port}/`, ...FAST,
    `http_output.ca_cert=${path.join(d, 'ca.crt')}`, 'http_output.mtls=true',
    `http_output.client_cert=${path.join(d, 'client.crt')}`, `http_output.client_key=${path.join(d, 'client.key')}`]));
  for (let i = 0; i < 5; i++) out.emit(mkAlert(i));
  await out.flush();
  await out.close();
  // Without the CA the server certificate is refused (and the loss counted).
  const bad = createOutputs(cfg(['http_output.enabled=true', `http_output.url=https://127.0.0.1:${port}/`, 'http_output.retries=0']));
  bad.emit(mkAlert(0));
  await bad.flush();
  await bad.close();
  // insecure: true skips server verification (the client certificate is still presented).
  const ins = createOutputs(cfg(['http_output.enabled=true', `http_output.url=https://127.0.0.1:${port}/`, 'http_output.retries=0',
    'http_output.insecure=true', 'http_output.mtls=true',
    `http_output.client_cert=${path.join(d, 'client.crt')}`, `http_output.client_key=${path.join(d, 'client.key')}`]));
  ins.emit(mkAlert(5));
  await ins.flush();
  await ins.close();
  server.closeAllConnections();
  server.close();
  assert.equal(ins.stats()[0]!.delivered, 1);
  assert.equal(bodies.length, 6);
  assert.equal(peerCN, 'client');
  assert.equal(bad.stats()[0]!.dropped['send_failed'], 1);
});

test('compress_uploads gzips the body; text bodies when json_output is off', async () => {
  const rx = new Receiver();
  await rx.start();
  const out = createOutputs(cfg(['http_output.enabled=true', `http_output.url=${rx.url}`, 'http_output.compress_uploads=true', ...FAST]));
  for (let i = 0; i < 3; i++) out.emit(mkAlert(i));
  await out.flush();
  await out.close();
  assert.equal(rx.headers[0]!['content-encoding'], 'gzip');
  assert.deepEqual(rx.seqs(), [0, 1, 2]);
  rx.bodies.length = 0;
  rx.headers.length = 0;
  const text = createOutputs(cfg(['json_output=false', 'http_output.enabled=true', `http_output.url=${rx.url}`, ...FAST]));
  text.emit(mkAlert(7));
  await text.flush();
  await text.close();
  await rx.stop();
  assert.equal(rx.headers[0]!['content-type'], 'text/plain');
  assert.match(rx.bodies[0]!, /^\d\d:\d\d:\d\d\.\d{9}: \w+ alert number 7 /);
});

test('header values with line breaks are refused at start (KES_OUTPUT)', () => {
  assert.throws(() => createOutputs(cfg(['http_output.enabled=true', 'http_output.url=http://127.0.0.1:1/', 'http_output.headers.X-A="a\\r\\nX-Evil: 1"'])),
    (e: Error & { code?: string }) => e.code === 'KES_OUTPUT' && /http_output\.headers\.X-A: the value contains a line break/.test(e.message));
});

test('max_in_flight > 1: several POSTs at once, every alert delivered exactly once', async () => {
  const rx = new Receiver();
  await rx.start();
  const out = createOutputs(cfg(['http_output.enabled=true', `http_output.url=${rx.url}`, 'http_output.max_in_flight=8', 'http_output.keep_alive=true', ...FAST]));
  for (let i = 0; i < 400; i++) out.emit(mkAlert(i));
  assert.equal(await out.flush(30_000), true);
  await out.close();
  await rx.stop();
  assert.deepEqual(rx.seqs().sort((a, b) => a - b), [...Array(400).keys()]);
  assert.equal(out.stats()[0]!.delivered, 400);
});
