// Real outputs against real receivers on this machine: files, a `cat >> file` program, syslog
// over UDP, TCP and a unix datagram socket (bound by a python3 receiver, reached via logger).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync, renameSync, existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { checkOutputs, createOutputs } from '../../src/outputs/index.js';
import { ProgramSink } from '../../src/outputs/sinks/program.js';
import { StreamSink } from '../../src/outputs/sinks/stream.js';
import { MetricsRegistry } from '../../src/metrics/index.js';
import { MemoryLogger } from '../../src/outputs/log.js';
import { KestrelMetrics } from '../../src/metrics/falco.js';
import { cfg, mkAlert, tmpdir, waitFor } from './helpers.js';

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

test('file output: every alert appended as one JSON line; reopen (SIGUSR1) after rotation', async () => {
  const dir = tmpdir();
  const file = path.join(dir, 'events.txt');
  const out = createOutputs(cfg(['file_output.enabled=true', `file_output.filename=${file}`, 'file_output.keep_alive=true']));
  out.installSignalHandlers();
  for (let i = 0; i < 1000; i++) out.emit(mkAlert(i));
  assert.equal(await out.flush(10_000), true);
  const first = lines(file);
  assert.equal(first.length, 1000);
  first.forEach((l, i) => assert.equal(JSON.parse(l).output_fields['test.seq'], i));
  // Rotate: move the file away, signal, and the next alerts go to a new file at the path.
  renameSync(file, file + '.1');
  process.kill(process.pid, 'SIGUSR1');
  await new Promise((r) => setTimeout(r, 50));
  for (let i = 1000; i < 1010; i++) out.emit(mkAlert(i));
  await out.flush(10_000);
  assert.equal(lines(file).length, 10);
  assert.equal(lines(file + '.1').length, 1000);
  await out.close();
  assert.deepEqual(out.stats()[0]!.dropped, {});
});

test('program output: alerts piped to `cat >> file`; respawned after it dies; keep_alive false spawns per alert', async () => {
  const dir = tmpdir();
  const file = path.join(dir, 'prog.txt');
  const out = createOutputs(cfg(['program_output.enabled=true', `program_output.program=cat >> '${file}'`, 'program_output.keep_alive=true']));
  const sink = out.sinks[0] as ProgramSink;
  for (let i = 0; i < 500; i++) out.emit(mkAlert(i));
  await out.flush();
  await waitFor(() => existsSync(file) && lines(file).length === 500, 5000, '500 lines');
  // Kill the program: the next batch respawns it.
  const pid = (sink as unknown as { child: { pid: number } }).child.pid;
  process.kill(pid, 'SIGKILL');
  await waitFor(() => (sink as unknown as { child: unknown }).child === null, 5000, 'child exit noticed');
  for (let i = 500; i < 510; i++) out.emit(mkAlert(i));
  await out.flush();
  await out.close();
  await waitFor(() => lines(file).length === 510, 5000, '510 lines');
  assert.equal(sink.spawns, 2);
  lines(file).forEach((l, i) => assert.equal(JSON.parse(l).output_fields['test.seq'], i));

  const file2 = path.join(dir, 'prog2.txt');
  const out2 = createOutputs(cfg(['program_output.enabled=true', `program_output.program=cat >> '${file2}'`]));
  for (let i = 0; i < 5; i++) out2.emit(mkAlert(i));
  await out2.flush();
  await out2.close();
  assert.equal((out2.sinks[0] as ProgramSink).spawns, 5);
  assert.equal(lines(file2).length, 5);
});

test('syslog over UDP (RFC 5424): one datagram per alert, PRI from the priority', async () => {
  const rx = dgram.createSocket('udp4');
  const got: string[] = [];
  rx.on('message', (m) => got.push(m.toString('utf8')));
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
  const port = (rx.address()).port;
  const out = createOutputs(cfg(['syslog_output.enabled=true', `syslog_output.address=udp://127.0.0.1:${port}`, 'syslog_output.format=rfc5424']));
  for (let i = 0; i < 100; i++) out.emit(mkAlert(i));
  await out.flush();
  await waitFor(() => got.length === 100, 5000, '100 datagrams');
  await out.close();
  rx.close();
  for (const m of got) {
    const mm = /^<(\d+)>1 \S+Z \S+ kestrel \d+ - - (\{.*\})$/.exec(m);
    assert.ok(mm, m);
    const a = JSON.parse(mm[2]!);
    const sev = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'].indexOf(a.priority);
    assert.equal(Number(mm[1]), 8 + sev); // facility user
  }
  assert.deepEqual(new Set(got.map((m) => JSON.parse(m.slice(m.indexOf('{'))).output_fields['test.seq'])).size, 100);
});

test('syslog over TCP (RFC 3164, octet counting), facility local3', async () => {
  let buf = '';
  const server = net.createServer((s) => s.on('data', (d) => { buf += d.toString('utf8'); }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const out = createOutputs(cfg(['syslog_output.enabled=true', `syslog_output.address=tcp://127.0.0.1:${port}`, 'syslog_output.facility=local3', 'json_output=false']));
  for (let i = 0; i < 200; i++) out.emit(mkAlert(i, 'Warning'));
  await out.flush();
  await out.close();
  const frames: string[] = [];
  await waitFor(() => {
    frames.length = 0;
    let rest = Buffer.from(buf);
    while (rest.length > 0) {
      const sp = rest.indexOf(0x20);
      const len = Number(rest.subarray(0, sp).toString());
      frames.push(rest.subarray(sp + 1, sp + 1 + len).toString('utf8'));
      rest = rest.subarray(sp + 1 + len);
    }
    return frames.length === 200;
  }, 5000, '200 frames');
  server.close();
  for (const [i, f] of frames.entries()) {
    assert.match(f, new RegExp(`^<156>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\S+ kestrel\\[\\d+\\]: \\d\\d:\\d\\d:\\d\\d\\.\\d{9}: Warning alert number ${i} `));
  }
});

test('syslog to a unix datagram socket (via logger), like /dev/log', async () => {
  const dir = tmpdir();
  const sock = path.join(dir, 'log.sock');
  // /usr/bin/python3 when there is one: version-manager shims can take seconds to start.
  const py = spawn(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', ['-u', '-c', `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("ready", flush=True)
while True:
    m = s.recv(70000)
    sys.stdout.write(m.decode("utf-8", "replace").replace("\\n", "\\\\n") + "\\n")
    sys.stdout.flush()
`, sock], { timeout: 300_000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  py.stdout.on('data', (d) => { out += d.toString(); });
  try {
    await waitFor(() => out.startsWith('ready\n'), 30_000, 'python receiver');
    const o = createOutputs(cfg(['syslog_output.enabled=true', `syslog_output.address=${sock}`]));
    for (let i = 0; i < 50; i++) o.emit(mkAlert(i, 'Critical'));
    await o.flush();
    await waitFor(() => out.split('\n').filter((l) => l.startsWith('<')).length === 50, 30_000, '50 messages');
    await o.close();
    const msgs = out.split('\n').filter((l) => l.startsWith('<'));
    msgs.forEach((m, i) => {
      // logger adds the hostname in RFC 3164 mode.
      const mm = /^<10>\w{3} [ \d]\d \d\d:\d\d:\d\d (?:\S+ )?kestrel: (\{.*\})$/.exec(m);
      assert.ok(mm, m);
      assert.equal(JSON.parse(mm[1]!).output_fields['test.seq'], i);
    });
  } finally {
    py.kill();
  }
});

test('a stalled stream output never blocks emit; overflow is counted per output and reason', async () => {
  // A writable that never completes a write: the output is stuck for good.
  const stuck = new Writable({ write(_c, _e, _cb) { /* never calls back */ } });
  const reg = new MetricsRegistry();
  const m = new KestrelMetrics(reg, { version: 'test' });
  const log = new MemoryLogger();
  const out = createOutputs(cfg(['stdout_output.enabled=true', 'outputs_queue.capacity=100', 'output_timeout=200']), { stdout: stuck, metrics: m, logger: log });
  assert.ok(out.sinks[0] instanceof StreamSink);
  let completed = 0;
  for (let i = 0; i < 20_000; i++) { out.emit(mkAlert(i)); completed++; }
  assert.equal(completed, 20_000);
  await new Promise((r) => setTimeout(r, 50));
  const st = out.stats()[0]!;
  // The watchdog reports the blocked output (once per interval, not once per alert).
  await waitFor(() => log.lines.some((l) => /output stdout: blocked for \d+ ms \(output_timeout 200 ms\)/.test(l.msg)), 10_000, 'blocked report');
  // The loop filled the queue (100) and the rest were dropped at once; then the pump took the
  // 100 as one batch, which is in flight forever.
  assert.equal(st.dropped['queue_full'], 19_900);
  assert.equal(st.queued, 0);
  for (let i = 0; i < 100; i++) out.emit(mkAlert(i));
  assert.equal(out.stats()[0]!.queued, 100);
  const text = await reg.text();
  assert.match(text, new RegExp(`kestrel_outputs_drops_total\\{output="stdout",reason="queue_full"\\} ${st.dropped['queue_full']}\\n`));
  assert.match(text, new RegExp(`falcosecurity_falco_outputs_queue_num_drops_total ${st.dropped['queue_full']}\\n`));
  await out.close();
  // After close the in-flight batch and queue are lost and counted.
  assert.equal(out.stats()[0]!.dropped['closed'], 200);
  assert.equal(out.stats()[0]!.delivered, 0);
});

test('checkOutputs (--dry-run) and createOutputs reject bad output settings with KES_OUTPUT naming the key', () => {
  const cases: Array<[string[], RegExp]> = [
    [['http_output.enabled=true'], /http_output\.url: must be set/],
    [['http_output.enabled=true', 'http_output.url=ftp://x/'], /http_output\.url: scheme must be http or https/],
    [['http_output.enabled=true', 'http_output.url=https://127.0.0.1/', 'http_output.ca_cert=/nonexistent/ca.pem'], /http_output\.ca_cert: cannot read '\/nonexistent\/ca\.pem'/],
    [['http_output.enabled=true', 'http_output.url=https://127.0.0.1/', 'http_output.mtls=true', 'http_output.client_cert=/nonexistent/c.pem'], /http_output\.client_cert/],
    [['syslog_output.enabled=true', 'syslog_output.address=udp://nowhere'], /syslog_output\.address: bad syslog address/],
    [['program_output.enabled=true', 'program_output.program='], /program_output\.program: must not be empty/],
  ];
  for (const [o, re] of cases) {
    const c = cfg(o);
    assert.throws(() => checkOutputs(c), (e: Error & { code?: string }) => e.code === 'KES_OUTPUT' && re.test(e.message), o.join(' '));
    assert.throws(() => createOutputs(c), (e: Error & { code?: string }) => e.code === 'KES_OUTPUT' && re.test(e.message), o.join(' '));
  }
  assert.deepEqual(checkOutputs(cfg(['stdout_output.enabled=true', 'http_output.enabled=true', 'http_output.url=http://u:pw@127.0.0.1:2801/'])),
    ['stdout', 'http http://REDACTED:REDACTED@127.0.0.1:2801/']);
});

test('stdout piped into a reader that goes away (EPIPE): no crash, losses counted', async () => {
  const root = new URL('../../', import.meta.url).pathname; // dist/
  const script = `
    const { loadConfig } = await import(${JSON.stringify(root + 'src/config/load.js')});
    const { createOutputs } = await import(${JSON.stringify(root + 'src/outputs/index.js')});
    const { mkAlert } = await import(${JSON.stringify(root + 'test/outputs/helpers.js')});
    const out = createOutputs(loadConfig({ overrides: ['syslog_output.enabled=false'] }).config);
    for (let r = 0; r < 20; r++) { for (let i = 0; i < 500; i++) out.emit(mkAlert(i)); await new Promise((x) => setTimeout(x, 20)); }
    await out.flush(3000); await out.close();
    const s = out.stats()[0];
    process.stderr.write('RESULT ' + JSON.stringify({ delivered: s.delivered, dropped: s.dropped }) + '\\n');`;
  const r = spawn('sh', ['-c', `node --input-type=module -e "$SCRIPT" | head -c 100 > /dev/null`], { timeout: 300_000, killSignal: 'SIGKILL', env: { ...process.env, SCRIPT: script }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  r.stderr.on('data', (d) => { err += d; });
  const code = await new Promise((res) => r.on('close', res));
  assert.equal(code, 0, err);
  const m = /RESULT (\{.*\})/.exec(err);
  assert.ok(m, err);
  const res = JSON.parse(m[1]!) as { delivered: number; dropped: Record<string, number> };
  assert.equal(res.delivered + (res.dropped['write_failed'] ?? 0) + (res.dropped['closed'] ?? 0), 10_000);
  assert.ok((res.dropped['write_failed'] ?? 0) > 0);
});
