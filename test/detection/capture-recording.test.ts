// Capture recording on alerts (config `capture:`, rule keys `capture`/`capture_duration`):
// real probe, real sysdig 0.29.3 as the reader of the files.
//   - live: `kestrel run` with a `capture: true, capture_duration: 2000` rule on a marker
//     open; a helper (a copy of dash under a random name) opens the marker, then more files.
//     The file appears (mode 0600), sysdig names the helper's process in it (the header is the
//     state at the alert), shows the triggering open first and the following ones; the
//     recording ends by duration (log line, /metrics); a rule without `capture` started none.
//   - replay: all_rules with max_file_size_mb=1 over a 3 MB capture: every file within 1 MiB,
//     the first ended by the size cap, `kestrel inspect -r` and sysdig read it; the size the cap
//     counts is the file's exact size; a replayed recording holds the trigger's enter half and
//     the events of its window.
//   - failures: an unwritable path_prefix and a full disk (tiny tmpfs) are logged and counted
//     while the alerts still flow.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readdirSync, statSync, copyFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { spawnRun, KESTREL } from './harness.js';
import { freePort } from '../support/ports.js';
import { CaptureRecorder, type CaptureSettings } from '../../src/engine/capture-recorder.js';
import { DetectionEngine } from '../../src/engine/engine.js';
import { loadDetection } from '../../src/engine/detection.js';
import { FileSource } from '../../src/capture/file-source.js';
import { MetricsRegistry } from '../../src/metrics/index.js';
import { ContainerManager } from '../../src/containers/index.js';
import { headerSize } from '../../src/engine/capture-recorder.js';
import { headerFromState } from '../../src/state/header.js';
import { Inspector } from '../../src/state/inspector.js';
import { EventView } from '../../src/events/event-view.js';
import { snapshotProc } from '../../src/capture/proc-snapshot.js';
import { ScapWriter } from '../../src/capture/scap-writer.js';
import { EVENT_DIR, EVENT_NAME } from '../../src/events/generated/event-table.js';
import { symlinkSync, readFileSync, unlinkSync, lstatSync } from 'node:fs';
import { encodeEvent } from '../support/raw-event.js';

const SHARED = process.env.KESTREL_SHARED ?? fileURLToPath(new URL('../../../../shared/', import.meta.url));
const SCAP = join(SHARED, 'data/scap');
const MAKE_BIG = join(SHARED, 'bench/make_big.py');
const dirs: string[] = [];
const tmp = (what: string): string => { const d = mkdtempSync(join(tmpdir(), `kestrel-capture-${what}-`)); dirs.push(d); return d; };
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function sysdig(args: string[]): string {
  return execFileSync('sysdig', args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 256 << 20 });
}
const scapFiles = (dir: string, prefix: string): string[] => readdirSync(dir).filter((f) => f.startsWith(prefix + '_') && f.endsWith('.scap')).sort().map((f) => join(dir, f));
const FILE_NAME = /_(\d{20})_(\d{20})\.scap$/;

/** Runs the engine with a recorder over a capture file, in process. */
async function replayWith(file: string, rules: string, settings: Partial<CaptureSettings>): Promise<{ rec: CaptureRecorder; alerts: number; log: string[]; reg: MetricsRegistry }> {
  const dir = tmp('rules');
  const rulesPath = join(dir, 'rules.yaml');
  writeFileSync(rulesPath, rules);
  const det = loadDetection({ rulesFiles: [rulesPath] });
  assert.deepEqual(det.load.result.errors, []);
  const source = new FileSource(file);
  await source.open();
  const log: string[] = [];
  const reg = new MetricsRegistry();
  // as kestrel run --replay: no runtimes, the file's container events fill the manager
  const manager = new ContainerManager({ docker: false, podman: false, containerd: false, cri: false });
  const rec = new CaptureRecorder({
    settings: { enabled: true, pathPrefix: join(dir, 'cap'), mode: 'all_rules', defaultDurationMs: 5000, maxFileSizeMb: 0, ...settings },
    live: false, machine: source.header.machine, metrics: reg, log: (l) => log.push(l), containers: manager,
  });
  let alerts = 0;
  const engine = new DetectionEngine({ source, detection: det, emit: () => { alerts++; }, hostname: 'h', capture: rec, manager });
  try {
    await engine.run();
  } finally {
    await rec.close();
    await source.close();
    manager.close();
  }
  return { rec, alerts, log, reg };
}

const OPEN_RULE = `- rule: Capture test open
  desc: any open
  condition: evt.type in (open, openat)
  output: "open %fd.name by %proc.name"
  priority: NOTICE
`;

test('replay: a recording holds the triggering event (after its enter half) and the events of its window; sysdig reads it; the cap counts its exact size', async () => {
  const src = join(SCAP, 'falco_trace_files_cat_write.scap');
  const { rec, alerts, log } = await replayWith(src, OPEN_RULE, { defaultDurationMs: 1 });
  assert.ok(alerts >= 2, `alerts: ${alerts}`);
  assert.ok(rec.finished.length >= 1, log.join('\n'));
  const f = rec.finished[0]!;
  assert.equal(f.why, 'duration');
  // the exact size: what the size cap counts is what the writer wrote
  assert.equal(f.bytes, f.predicted, `file ${f.bytes} bytes, counted ${f.predicted}`);
  assert.equal(statSync(f.path).mode & 0o777, 0o600);
  const m = FILE_NAME.exec(f.path)!;
  // The window: the trigger (the first open's exit) and every event within 1 ms after it.
  const ts0 = BigInt(m[1]!);
  // ('*': sysdig -p leaves out events where a field is missing)
  const all = sysdig(['-r', src, '-p', '*%evt.rawtime %evt.num']).trim().split('\n').map((l) => l.split(' ').map(BigInt));
  const trigger = all.find((x) => x[1] === BigInt(m[2]!))!;
  assert.equal(trigger[0], ts0, 'the name carries the alert time and evt.num');
  // plus the trigger's enter half, first (sysdig reads some arguments from it)
  const expected = all.filter((x) => x[0] >= ts0 && x[0] <= ts0 + 1_000_000n).length + 1;
  assert.equal(f.events, expected);
  const got = sysdig(['-r', f.path, '-p', '*%evt.rawtime %evt.dir %evt.type %fd.name']).trim().split('\n');
  assert.equal(got.length, expected, got.join('\n'));
  const enterTs = all[all.indexOf(trigger) - 1]![0];
  assert.deepEqual(got.slice(0, 2), [`${enterTs} > open <NA>`, `${ts0} < open /etc/ld.so.cache`]);
  // the header made the process known: cat's name and fd 3 come from it, not from its execve
  assert.match(sysdig(['-r', f.path, '-p', '%proc.name %proc.pname %fd.num', 'evt.num=2']).trim(), /^cat \S+ 3$/);
});

test('replay, all_rules, max_file_size_mb=1: every file within 1 MiB, the first ends at the cap, kestrel inspect -r and sysdig read it', async () => {
  const dir = tmp('cap');
  const big = join(dir, 'big.scap');
  execFileSync('python3', [MAKE_BIG, '--base', join(SCAP, 'libs_sample.scap'), '--out', big, '--copies', '100'], { timeout: 120_000, killSignal: 'SIGKILL', stdio: 'ignore' });
  assert.ok(statSync(big).size > 3 << 20, 'the input is over 3 MiB');
  const rulesPath = join(dir, 'rules.yaml');
  writeFileSync(rulesPath, `- rule: Capture test write
  desc: any write
  condition: evt.type = write
  output: "write fd=%fd.num by %proc.name"
  priority: NOTICE
`);
  const prefix = join(dir, 'cap');
  const r = spawnSync(process.execPath, [KESTREL, 'run', '--replay', big, '-r', rulesPath, '-o', 'json_output=true',
    '-o', 'capture.enabled=true', '-o', 'capture.mode=all_rules', '-o', `capture.path_prefix=${prefix}`,
    '-o', 'capture.default_duration=3600000', '-o', 'capture.max_file_size_mb=1'], { encoding: 'utf8', timeout: 300_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const alerts = r.stdout.split('\n').filter((l) => l.startsWith('{')).length;
  assert.ok(alerts > 25, `alerts: ${alerts}`);
  const files = scapFiles(dir, 'cap');
  assert.ok(files.length >= 3, `files: ${files.join(' ')}\n${r.stderr}`);
  for (const f of files) {
    const st = statSync(f);
    assert.ok(st.size <= 1 << 20, `${f}: ${st.size} bytes`);
    assert.equal(st.mode & 0o777, 0o600);
  }
  const first = files[0]!;
  assert.ok(statSync(first).size > (1 << 20) - 70_000, 'the first file is filled up to the cap');
  // the trigger (a write on eventfd 9) comes with its enter half: sysdig takes the fd from it
  assert.deepEqual(sysdig(['-r', first, '-n', '2', '-p', '%evt.num %evt.dir %evt.type %fd.num']).trim().split('\n'), ['1 > write 9', '2 < write 9']);
  assert.match(r.stderr, new RegExp(`capture: finished ${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ events, \\d+ bytes \\(size cap reached\\)`));
  const started = r.stderr.match(/capture: recording /g)?.length ?? 0;
  const finished = r.stderr.match(/capture: finished /g)?.length ?? 0;
  assert.equal(started, files.length);
  assert.equal(finished, files.length);
  const ins = spawnSync(process.execPath, [KESTREL, 'inspect', '-r', first], { encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 256 << 20 });
  assert.equal(ins.status, 0, ins.stderr);
  const lines = ins.stdout.trim().split('\n');
  assert.ok(lines.length > 1000, `kestrel inspect printed ${lines.length} lines`);
  assert.equal(sysdig(['-r', first]).trim().split('\n').length, lines.length, 'sysdig and kestrel inspect print the same events');
});

test('an unwritable path_prefix is a logged, counted failure; alerts still flow', async () => {
  const dir = tmp('nodir');
  const src = join(SCAP, 'falco_trace_files_open-multiple-files.scap');
  const { rec, alerts, log, reg } = await replayWith(src, OPEN_RULE, { pathPrefix: join(dir, 'missing', 'cap'), defaultDurationMs: 1 });
  assert.ok(alerts >= 5, `alerts: ${alerts}`);
  const c = rec.counts;
  assert.ok(c.failures.open >= 1, `open failures: ${c.failures.open}`);
  assert.equal(c.recordings, c.failures.open, 'each attempt failed');
  assert.equal(rec.finished.length, 0);
  // one log line per reason per 10 s, naming the path and the cause
  const lines = log.filter((l) => l.includes('cannot create'));
  assert.equal(lines.length, 1, log.join('\n'));
  assert.match(lines[0]!, /missing\/cap_\d{20}_\d{20}\.scap: ENOENT.*recording abandoned, detection goes on/);
  const text = await reg.text();
  assert.match(text, new RegExp(`kestrel_capture_failures_total\\{reason="open"\\} ${c.failures.open}\\b`));
});

test('a full disk (64 KiB tmpfs) is a counted write failure; detection goes on', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root to mount a tmpfs'); return; }
  const dir = tmp('full');
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'kestrel-capture-full', dir], { timeout: 30_000, killSignal: 'SIGKILL', encoding: 'utf8' });
  if (m.status !== 0) { t.skip(`cannot mount a tmpfs: ${m.stderr}`); return; }
  try {
    const src = join(SCAP, 'falco_trace_files_open-multiple-files.scap');
    // the PL of this capture alone is over 64 KiB: the header cannot be written
    const { rec, alerts, log } = await replayWith(src, OPEN_RULE, { pathPrefix: join(dir, 'cap'), defaultDurationMs: 3600_000 });
    assert.ok(alerts >= 5, `alerts: ${alerts}`);
    assert.ok(rec.counts.failures.write >= 1, log.join('\n'));
    assert.match(log.join('\n'), /capture: cannot write .*ENOSPC.*recording abandoned/);
    assert.equal(rec.finished.length, 0);
  } finally {
    spawnSync('umount', ['-l', dir], { timeout: 30_000, killSignal: 'SIGKILL' });
  }
});

test('live: a capture rule records its trigger and what follows, named by the header; ends by duration; a rule without capture records nothing', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root for the probe'); return; }
  const dir = tmp('live');
  // A copy of dash under a random name: proc.name tells the helper's events apart.
  const name = `kcap${randomBytes(3).toString('hex')}`;
  const sh = join(dir, name);
  copyFileSync('/bin/dash', sh);
  chmodSync(sh, 0o755);
  const files = join(dir, 'f');
  mkdirSync(files);
  for (const f of ['plain', 'trigger', 'after-1', 'after-2', 'late']) writeFileSync(join(files, f), 'x\n');
  const rulesPath = join(dir, 'rules.yaml');
  writeFileSync(rulesPath, `- rule: Capture test plain
  desc: a marker open by a rule without capture
  condition: evt.type in (open, openat, openat2) and (fd.name = ${JSON.stringify(files + '/plain')} or fd.name = ${JSON.stringify(files + '/late')})
  output: "plain open %fd.name pid=%proc.pid"
  priority: NOTICE
- rule: Capture test trigger
  desc: the marker open that starts a recording
  condition: evt.type in (open, openat, openat2) and fd.name = ${JSON.stringify(files + '/trigger')}
  output: "trigger open %fd.name pid=%proc.pid"
  priority: WARNING
  capture: true
  capture_duration: 2000
`);
  const port = await freePort();
  const cfg = join(dir, 'kestrel.yaml');
  // default_duration is long: the recording can only end in time by the rule's 2000 ms
  writeFileSync(cfg, [
    'json_output: true',
    `webserver: {enabled: true, listen_address: 127.0.0.1, listen_port: ${port}}`,
    'syslog_output: {enabled: false}',
    `capture: {enabled: true, path_prefix: ${JSON.stringify(join(dir, 'cap'))}, mode: rules, default_duration: 600000}`,
  ].join('\n') + '\n');
  const run = spawnRun(['-c', cfg, '-r', rulesPath, '-M', '600']);
  const helper = spawn(sh, ['-c', [
    `read x; exec 3< ${files}/plain; echo p`,
    `read x; exec 4< ${files}/trigger; exec 5< ${files}/after-1; exec 6< ${files}/after-2; echo t`,
    `read x; exec 7< ${files}/late; echo l`,
    'read x',
  ].join('\n')], { timeout: 300_000, killSignal: 'SIGKILL', stdio: ['pipe', 'pipe', 'inherit'] });
  const pid = helper.pid!;
  try {
    await run.until('ready', () => run.err.includes('kestrel run: ready'));
    const alert = (rule: string, file: string) => () => run.alerts().some((a) => a.rule === rule && a.output.includes(`${files}/${file} pid=${pid}`));
    helper.stdin!.write('1\n');
    await run.until('the plain alert', alert('Capture test plain', 'plain'));
    // rules mode: the rule without `capture` started nothing
    assert.doesNotMatch(run.err, /capture: recording/);
    assert.deepEqual(scapFiles(dir, 'cap'), []);

    helper.stdin!.write('2\n');
    await run.until('the trigger alert', alert('Capture test trigger', 'trigger'));
    await run.until('the recording to end', () => run.err.includes('capture: finished'));
    helper.stdin!.write('3\n');
    await run.until('the late alert', alert('Capture test plain', 'late'));

    const caps = scapFiles(dir, 'cap');
    assert.equal(caps.length, 1, run.err);
    const file = caps[0]!;
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(run.err, /capture: recording \S+ \(rule 'Capture test trigger', until 2000 ms after the last alert, at most 100 MiB\)/);
    const fin = new RegExp(`capture: finished ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (\\d+) events, (\\d+) bytes \\(duration passed\\)`).exec(run.err);
    assert.ok(fin, run.err);
    assert.equal(Number(fin[2]), statSync(file).size);

    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    const metric = (re: string): number => { const m = new RegExp(`^${re} (\\S+)$`, 'm').exec(text); assert.ok(m, `${re} in /metrics`); return Number(m[1]); };
    assert.equal(metric('kestrel_capture_recordings_total'), 1);
    assert.equal(metric('kestrel_capture_stops_total\\{reason="duration"\\}'), 1);
    assert.equal(metric('kestrel_capture_active'), 0);
    assert.equal(metric('kestrel_capture_events_total'), Number(fin[1]));
    assert.equal(metric('kestrel_capture_bytes_total'), statSync(file).size);
    assert.equal(metric('kestrel_capture_failures_total\\{reason="open"\\}'), 0);

    // sysdig reads the file; the helper's events carry its name (from the header: its execve
    // is not in the file), the triggering open comes first, then the following ones.
    const fmt = '%proc.name %evt.type %fd.name';
    const lines = sysdig(['-r', file, '-p', fmt, `proc.pid=${pid}`]).trim().split('\n');
    const opens = lines.filter((l) => l.includes(' openat '));
    assert.deepEqual(opens, ['trigger', 'after-1', 'after-2'].map((f) => `${name} openat ${files}/${f}`), lines.join('\n'));
    assert.equal(lines[0], `${name} openat ${files}/trigger`);
    for (const l of lines) assert.ok(l.startsWith(`${name} `), l);
    assert.ok(!lines.some((l) => l.includes('/late') || l.includes('/plain')), lines.join('\n'));
    // kestrel reads it the same way
    const ins = spawnSync(process.execPath, [KESTREL, 'inspect', '-r', file, '-p', fmt, `proc.pid=${pid}`], { encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 256 << 20 });
    assert.equal(ins.status, 0, ins.stderr);
    assert.deepEqual(ins.stdout.trim().split('\n'), lines);
  } finally {
    helper.stdin!.end();
    helper.kill('SIGKILL');
    await run.stop();
  }
});

test('the state of this machine as a header: the size the cap counts is the size ScapWriter writes; sysdig reads it back', async () => {
  // Every kind of fd and process this machine has (sockets, unix, pipes, anon inodes, ...).
  const snap = await snapshotProc();
  const insp = new Inspector(new EventView());
  insp.seed(snap);
  insp.seedUsersFromText(readFileSync('/etc/passwd', 'utf8'), readFileSync('/etc/group', 'utf8'));
  const h = headerFromState(insp, snap.machine);
  assert.ok(h.procs.length > 10 && h.fds.size > 5, `${h.procs.length} threads, ${h.fds.size} fd tables`);
  const path = join(tmp('hdr'), 'h.scap');
  const w = await ScapWriter.create(path);
  w.writeHeader(h);
  await w.close();
  assert.equal(statSync(path).size, headerSize(h));
  // sysdig 0.29.3 reads it: one event (a sample file's first close exit, moved to this
  // process's tid)
  // is named after this process from the header alone
  const sample = new FileSource(join(SCAP, 'falco_trace_files_cat_write.scap'));
  await sample.open();
  let one: { bytes: Buffer; cpu: number; v1: boolean } | null = null;
  const pick = (ev: EventView): void => {
    if (one === null && EVENT_NAME[ev.type] === 'close' && EVENT_DIR[ev.type] === 'X') one = { bytes: Buffer.from(ev.bytes()), cpu: ev.cpu, v1: ev.hdr !== 26 };
  };
  while (one === null && await sample.nextBatch(pick)) { /* batches */ }
  await sample.close();
  const ev1 = one as { bytes: Buffer; cpu: number; v1: boolean } | null;
  assert.ok(ev1);
  ev1.bytes.writeBigInt64LE(BigInt(process.pid), 8);
  const view = new EventView();
  assert.equal(view.load(ev1.bytes, 0, ev1.bytes.length, ev1.cpu, 0, ev1.v1), null);
  const path2 = join(tmp('hdr'), 'h1.scap');
  const w2 = await ScapWriter.create(path2);
  w2.writeHeader(h);
  w2.writeEvent(view);
  await w2.close();
  assert.equal(sysdig(['-r', path2, '-p', '%proc.name %proc.pid %user.name']).trim(), `node ${process.pid} root`);
  const back = new FileSource(path);
  await back.open();
  try {
    assert.equal(back.header.procs.length, h.procs.length);
    const me = back.header.procs.find((p) => p.tid === process.pid);
    assert.ok(me, 'this process is in the header');
    assert.equal(me.comm, 'node');
    assert.deepEqual(me.args, readFileSync('/proc/self/cmdline', 'utf8').split('\0').slice(1, -1));
  } finally {
    await back.close();
  }
});

test('a file or symlink already at the name is neither followed nor overwritten (failure "exists")', async () => {
  const src = join(SCAP, 'falco_trace_files_cat_write.scap');
  const dir = tmp('exists');
  const prefix = join(dir, 'cap');
  const first = await replayWith(src, OPEN_RULE, { pathPrefix: prefix, defaultDurationMs: 1 });
  const names = first.rec.finished.map((f) => f.path);
  assert.ok(names.length >= 1);
  // the same replay names its files the same: put symlinks to a victim file there
  const victim = join(dir, 'victim');
  writeFileSync(victim, 'precious\n');
  for (const n of names) { unlinkSync(n); symlinkSync(victim, n); }
  const again = await replayWith(src, OPEN_RULE, { pathPrefix: prefix, defaultDurationMs: 1 });
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  assert.equal(again.rec.counts.failures.exists, names.length);
  // a later alert (in a later batch) tries again under its own name
  for (const f of again.rec.finished) assert.ok(!names.includes(f.path), f.path);
  for (const n of names) assert.ok(lstatSync(n).isSymbolicLink());
  assert.ok(again.alerts >= 2, 'alerts still flow');
  assert.match(again.log.join('\n'), /cannot create .*EEXIST/);
});

test('a recording starts with the container events of its threads\' containers: sysdig names the container', async () => {
  // psp_write_tmp_test: bash in container hopeful_taussig (image nginx) opens /tmp/test; the
  // file's container event comes long before, so only the recording's own one can name it.
  const src = join(SCAP, 'falco_trace_files_psp_write_tmp_test.scap');
  const { rec, alerts } = await replayWith(src, `- rule: Capture test container open
  desc: an open in a container
  condition: evt.type in (open, openat) and container.id != host
  output: "open %fd.name in %container.name"
  priority: NOTICE
`, {});
  assert.ok(alerts >= 1);
  const f = rec.finished[0]!;
  assert.equal(f.bytes, f.predicted);
  // sysdig hides container events: read the first event's type with kestrel's reader
  const back = new FileSource(f.path);
  await back.open();
  const types: string[] = [];
  await back.nextBatch((ev) => { if (types.length < 3) types.push(`${EVENT_NAME[ev.type]}${EVENT_DIR[ev.type]}`); });
  await back.close();
  assert.deepEqual(types, ['containerE', 'openE', 'openX']);
  const opens = sysdig(['-r', f.path, '-p', '%proc.name %container.name %container.image %fd.name', 'evt.type=open and evt.dir=<']).trim().split('\n');
  assert.ok(opens.includes('bash hopeful_taussig nginx /tmp/test'), opens.join('\n'));
});

test('replay: a later alert within the duration extends the recording (soft limit); one after it starts the next', async () => {
  // libs_sample copied 4 times: write exits at +0, +1.8 us, +640 ms, +960 ms, ... With 400 ms:
  // [w1 w2] end 400 ms after w2; w3 starts the next, w4 (320 ms later) extends it to w4+400 ms.
  const dir = tmp('extend');
  const big = join(dir, 'big.scap');
  execFileSync('python3', [MAKE_BIG, '--base', join(SCAP, 'libs_sample.scap'), '--out', big, '--copies', '4'], { timeout: 120_000, killSignal: 'SIGKILL', stdio: 'ignore' });
  const writes = sysdig(['-r', big, '-p', '%evt.rawtime', 'evt.type=write and evt.dir=<']).trim().split('\n').map(BigInt);
  const MS = 1_000_000n;
  assert.ok(writes[2]! - writes[1]! > 400n * MS && writes[3]! - writes[2]! < 400n * MS, writes.join(' '));
  const { rec } = await replayWith(big, `- rule: Capture test write
  desc: any write
  condition: evt.type = write
  output: "write"
  priority: NOTICE
`, { defaultDurationMs: 400 });
  // (files close concurrently: order them by name, i.e. by start time)
  const [a, b] = [...rec.finished].sort((x, y) => (x.path < y.path ? -1 : 1));
  assert.ok(a && b);
  assert.equal(a.why, 'duration');
  assert.equal(b.why, 'duration');
  const span = (f: string): bigint[] => {
    const ts = sysdig(['-r', f, '-p', '*%evt.rawtime']).trim().split('\n').map(BigInt);
    return [ts[0]!, ts[ts.length - 1]!];
  };
  const [a0, a1] = span(a.path);
  assert.ok(a0 < writes[0]! && a1 <= writes[1]! + 400n * MS && a1 > writes[1]! + 300n * MS, `first: ${a0}..${a1}`);
  const [b0, b1] = span(b.path);
  assert.equal(BigInt(FILE_NAME.exec(b.path)![1]!), writes[2]!, 'the next recording starts at w3');
  // extended past w3 + 400 ms, up to w4 + 400 ms
  assert.ok(b0 < writes[2]! && b1 > writes[2]! + 400n * MS && b1 <= writes[3]! + 400n * MS, `second: ${b0}..${b1} (w3 ${writes[2]}, w4 ${writes[3]})`);
});

test('a cap below the size of the state alone records nothing and says so (failure "size")', async () => {
  const src = join(SCAP, 'falco_trace_files_cat_write.scap');
  // 0.01 MiB: below this capture's state (its PL alone is larger)
  const { rec, alerts, log } = await replayWith(src, OPEN_RULE, { maxFileSizeMb: 0.01 });
  assert.ok(alerts >= 2);
  assert.ok(rec.counts.failures.size >= 1);
  assert.equal(rec.finished.length, 0);
  assert.match(log.join('\n'), /capture: the state at the alert alone takes \d+ bytes, not less than max_file_size_mb \(0\.01 MiB\): no recording/);
});

test('live: events held while the file is being created are bounded (64 MiB: failure "backlog"); the held ones are still written', async () => {
  const { emptyHeader } = await import('../../src/capture/scap-header.js');
  const WRITE_X = EVENT_NAME.findIndex((n, i) => n === 'write' && EVENT_DIR[i] === 'X');
  const dir = tmp('held');
  const log: string[] = [];
  const rec = new CaptureRecorder({
    settings: { enabled: true, pathPrefix: join(dir, 'cap'), mode: 'all_rules', defaultDurationMs: 600_000, maxFileSizeMb: 0 },
    live: true, machine: null, log: (l) => log.push(l),
  });
  const insp = new Inspector(new EventView());
  insp.seed(emptyHeader());
  const b = encodeEvent(WRITE_X, 4242, 1_700_000_000_000_000_000n, [Buffer.alloc(8), Buffer.alloc(60_000, 0x61)]);
  const v = new EventView();
  assert.equal(v.load(b, 0, b.length, 0, 0), null);
  rec.onAlert({ name: 'held', capture: true, captureDuration: 0 }, v, insp);
  // Synchronously: the open (libuv's pool) cannot complete meanwhile, as if it hung.
  for (let i = 0; i < 1200 && rec.active; i++) rec.event(v);
  assert.equal(rec.active, false, 'stopped before 1200 events of 60 kB (72 MB)');
  assert.equal(rec.counts.failures.backlog, 1);
  assert.ok(log.some((l) => /was not open after 64 MiB of events; recording stopped/.test(l)), log.join('\n'));
  await rec.close();
  const files = scapFiles(dir, 'cap');
  assert.equal(files.length, 1);
  const f = rec.finished[0]!;
  assert.equal(f.why, 'backlog');
  assert.equal(statSync(files[0]!).size, f.predicted, 'the held events were written');
  assert.ok(f.predicted > 64 << 20 && f.predicted < (64 << 20) + 200_000, String(f.predicted));
});
