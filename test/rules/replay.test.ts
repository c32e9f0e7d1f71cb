// The detection engine over real capture files: rules → ruleset → alerts, in process and
// through `kestrel run --replay`. Every expected alert below was checked by hand against the
// capture's content (kestrel inspect / sysdig -r), noted next to it.
import { test } from 'node:test';
import { SHARED_DIR } from '../support/shared-dir.js';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadDetection } from '../../src/engine/detection.js';
import { DetectionEngine } from '../../src/engine/engine.js';
import { FileSource } from '../../src/capture/file-source.js';
import type { Alert } from '../../src/outputs/alert.js';
import { ContainerManager } from '../../src/containers/index.js';
import type { RulesetOptions } from '../../src/rules/ruleset.js';

const SCAP = SHARED_DIR + '/data/scap/';
const KESTREL = fileURLToPath(new URL('../../../bin/kestrel.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kestrel-replay-'));

const RULES = `
- macro: spawned_process
  condition: evt.type in (execve, execveat)
- rule: Dev null opened
  desc: cat opens /dev/null in cat_write.scap
  condition: evt.type in (open, openat) and fd.name = /dev/null
  output: devnull opened by %proc.name (cmdline=%proc.cmdline parent=%proc.pname fd=%fd.name)
  priority: NOTICE
  tags: [test, b_tag, a_tag]
- rule: Write below tmp
  desc: bash writes /tmp/test in psp_write_tmp_test.scap
  condition: evt.type in (open, openat) and evt.is_open_write=true and fd.name startswith /tmp/
  output: tmp write by %proc.name file=%fd.name flags=%evt.arg.flags
  priority: WARNING
- rule: Exec in container
  desc: nologin runs in container 697956520d89 (psp_run_as_user_65534_container.scap)
  condition: spawned_process and container.id != host and proc.name != "<NA>"
  output: exec in container %container.id proc=%proc.name cmdline=%proc.cmdline name=%container.name image=%container.image.repository
  priority: ERROR
- rule: Curl spawned
  desc: curl -6 http://www.google.com (libs_e2e_curl_google_comments.scap)
  condition: spawned_process and proc.name = curl
  output: curl started cmdline=%proc.cmdline parent=%proc.pname
  priority: INFO
- rule: UDP connect
  desc: two UDP connects in libs_e2e_test_ipv6_client.scap
  condition: evt.type = connect and fd.l4proto = udp
  output: udp connect %fd.name by %proc.name
  priority: NOTICE
- rule: Any connect
  desc: the same connects, to check rule_matching first/all
  condition: evt.type = connect and fd.typechar in (4, 6)
  output: connect %fd.name
  priority: DEBUG
`;
const rulesFile = join(dir, 'replay_rules.yaml');
writeFileSync(rulesFile, RULES);

async function replay(file: string, opts: RulesetOptions = {}): Promise<Alert[]> {
  // Container names and images come from the capture's own container events.
  const manager = new ContainerManager({ docker: false, podman: false, containerd: false, cri: false });
  const det = loadDetection({ rulesFiles: [rulesFile], manager, ...opts });
  assert.deepEqual(det.load.result.errors, []);
  const src = new FileSource(SCAP + file);
  await src.open();
  const alerts: Alert[] = [];
  const eng = new DetectionEngine({ source: src, detection: det, emit: (a) => alerts.push(a), hostname: 'testhost', manager });
  await eng.run();
  await src.close();
  manager.close();
  return alerts;
}

test('cat_write: one alert for cat opening /dev/null, output and fields rendered', async () => {
  const a = await replay('falco_trace_files_cat_write.scap');
  assert.equal(a.length, 1);
  assert.equal(a[0].rule, 'Dev null opened');
  assert.equal(a[0].priority, 'Notice');
  assert.equal(a[0].output, 'devnull opened by cat (cmdline=cat /dev/null parent=bash fd=/dev/null)');
  assert.deepEqual(a[0].outputFields, { 'proc.name': 'cat', 'proc.cmdline': 'cat /dev/null', 'proc.pname': 'bash', 'fd.name': '/dev/null' });
  assert.deepEqual(a[0].tags, ['a_tag', 'b_tag', 'test']);
  assert.equal(a[0].hostname, 'testhost');
  assert.equal(a[0].source, 'syscall');
});

test('write_tmp_test: bash opening /tmp/test for writing', async () => {
  const a = await replay('falco_trace_files_psp_write_tmp_test.scap');
  assert.equal(a.length, 1);
  // sysdig prints the flags as 262(O_TRUNC|O_CREAT|O_WRONLY); the names are what rules test.
  assert.match(a[0].output, /^tmp write by bash file=\/tmp\/test flags=(262\()?O_TRUNC\|O_CREAT\|O_WRONLY\)?$/);
});

test('run_as_user_65534 container: nologin exec inside the container', async () => {
  const a = await replay('falco_trace_files_psp_run_as_user_65534_container.scap');
  assert.deepEqual(a.map((x) => x.output), ['exec in container 697956520d89 proc=nologin cmdline=nologin ls name=hopeful_taussig image=nginx']);
});

test('curl_google: one execve of curl; the rule runs once per syscall (exit event only)', async () => {
  const a = await replay('libs_e2e_curl_google_comments.scap');
  // Besides the execve, curl makes two IPv6 connects (DNS over UDP, then HTTP with EINPROGRESS).
  assert.deepEqual(a.map((x) => x.output), [
    'curl started cmdline=curl -6 http://www.google.com parent=bash',
    'connect 2600:1f18:262c:6542:9aa6:df7a:9a47:d29e:40251->2001:4860:4860::8888:53',
    'connect 2600:1f18:262c:6542:9aa6:df7a:9a47:d29e:37140->2607:f8b0:4004:802::2004:80',
  ]);
  assert.equal(a[0].priority, 'Informational');
  assert.equal(a[1].priority, 'Debug');
});

test('rule_matching first (default) vs all, and minimum priority', async () => {
  const first = await replay('libs_e2e_test_ipv6_client.scap');
  // Two UDP connects on one socket: to [::1]:2345, then to 2001:4860:4860::8888 port 53
  // (fd.name follows sysdig's choice for re-connected UDP sockets).
  assert.deepEqual(first.map((x) => x.rule), ['UDP connect', 'UDP connect']);
  for (const a of first) assert.match(a.output, /^udp connect ::1:38255->\S+ by test_ipv6_clien$/);
  const all = await replay('libs_e2e_test_ipv6_client.scap', { matching: 'all' });
  assert.deepEqual(all.map((x) => x.rule), ['UDP connect', 'Any connect', 'UDP connect', 'Any connect']);
  const warnOnly = await replay('libs_e2e_test_ipv6_client.scap', { matching: 'all', minPriority: 'Warning' });
  assert.deepEqual(warnOnly, []);
});

test('captures with nothing to match give no alerts', async () => {
  for (const f of ['falco_empty.scap', 'falco_trace_files_empty.scap', 'libs_sample.scap', 'falco_trace_files_psp_privileged.scap']) {
    assert.deepEqual(await replay(f), [], f);
  }
});

test('ruleset selectors: disable by tag and by name pattern', async () => {
  const det = loadDetection({ rulesFiles: [rulesFile] });
  assert.equal(det.ruleset.select([{ action: 'disable', tag: 'a_tag' }]), 1);
  assert.equal(det.ruleset.enabledRules().some((r) => r.name === 'Dev null opened'), false);
  assert.equal(det.ruleset.select([{ action: 'disable', rule: '*connect' }]), 2);
  assert.deepEqual(det.ruleset.enabledRules().map((r) => r.name), ['Write below tmp', 'Exec in container', 'Curl spawned']);
  const ids = det.ruleset.eventTypes();
  assert.equal(ids.all, false);
  assert.ok(ids.ids.size > 0);
});

function run(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [KESTREL, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', FALCO_HOSTNAME: 'h1' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('kestrel run --replay: text lines "time: Priority output"', () => {
  const r = run(['run', '-r', rulesFile, '--replay', SCAP + 'falco_trace_files_cat_write.scap']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^\d\d:\d\d:\d\d\.\d{9}: Notice devnull opened by cat \(cmdline=cat \/dev\/null parent=bash fd=\/dev\/null\)\n$/);
});

test('kestrel run --replay -o json_output=true: Falco JSON alert shape', () => {
  const r = run(['run', '-r', rulesFile, '-o', 'json_output=true', '--replay', SCAP + 'falco_trace_files_psp_write_tmp_test.scap']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 1);
  const j = JSON.parse(lines[0]);
  assert.deepEqual(Object.keys(j), ['hostname', 'output', 'output_fields', 'priority', 'rule', 'source', 'tags', 'time']);
  assert.equal(j.hostname, 'h1');
  assert.equal(j.rule, 'Write below tmp');
  assert.equal(j.priority, 'Warning');
  assert.equal(j.output_fields['fd.name'], '/tmp/test');
  assert.equal(j.output_fields['proc.name'], 'bash');
  assert.equal(typeof j.output_fields['evt.time'], 'number');
  assert.match(j.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  assert.match(j.output, /: Warning tmp write by bash file=\/tmp\/test/);
});

test('kestrel run with rules errors starts nothing and exits 3; rules validate reports positions', () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, '- rule: x\n  desc: d\n  condition: evt.type = open and nosuch.field = 1\n  output: o\n  priority: INFO\n- macro: m\n  condition: and\n');
  const r = run(['run', '-r', bad, '--replay', SCAP + 'falco_empty.scap']);
  assert.equal(r.code, 3);
  assert.match(r.err, /bad\.yaml:3:34: error LOAD_ERR_COMPILE_CONDITION: unknown field 'nosuch\.field'/);
  const v = run(['rules', 'validate', bad]);
  assert.equal(v.code, 3);
  assert.match(v.out, /bad\.yaml:7:14: error LOAD_ERR_COMPILE_CONDITION: /);
  assert.match(v.out, /2 error\(s\)/);
});

test('append_output: extra_output, extra_fields (typed and formatted), match by rule, suggested_output', () => {
  const cfg = join(dir, 'kestrel.yaml');
  writeFileSync(cfg, [
    'append_output:',
    '  - match:',
    '      rule: Dev null opened',
    '    extra_output: "on cpu %evt.cpu"',
    '    extra_fields:',
    '      - proc.pid',
    '      - where: "%proc.name|%fd.name"',
    '  - match:',
    '      rule: Some other rule',
    '    extra_output: never',
    '  - suggested_output: true',
    'json_output: true',
  ].join('\n') + '\n');
  const r = run(['run', '-c', cfg, '-r', rulesFile, '--replay', SCAP + 'falco_trace_files_cat_write.scap']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out.trim());
  assert.match(j.output, /devnull opened by cat \(cmdline=cat \/dev\/null parent=bash fd=\/dev\/null\) on cpu \d+ container_id=host container_name=host$/);
  assert.equal(typeof j.output_fields['proc.pid'], 'number');
  assert.equal(typeof j.output_fields['evt.cpu'], 'number');
  assert.equal(j.output_fields.where, 'cat|/dev/null');
  assert.equal(j.output_fields['container.id'], 'host');
  assert.equal(j.output_fields['container.name'], 'host');
});

test('live attach set: the rules\' event types plus the state\'s syscalls, nothing else', async () => {
  const { attachSet, STATE_SYSCALLS } = await import('../../src/engine/live.js');
  const f = join(dir, 'one.yaml');
  writeFileSync(f, '- rule: p\n  desc: d\n  condition: evt.type = ptrace and proc.name = x\n  output: o\n  priority: INFO\n');
  const det = loadDetection({ rulesFiles: [f] });
  const set = attachSet(det.ruleset);
  assert.equal(set.all, false);
  assert.deepEqual(set.names, [...new Set([...STATE_SYSCALLS, 'ptrace'])].sort());
  assert.equal(set.names.includes('read'), false);
  const dflt = attachSet(loadDetection().ruleset);
  for (const n of ['openat', 'execve', 'dup2', 'ptrace', 'symlinkat', 'linkat', 'finit_module', 'bpf', 'setns', 'socket', 'connect', 'fchmodat', 'unlinkat']) {
    assert.ok(dflt.names.includes(n), n);
  }
  assert.equal(dflt.names.includes('read'), false);
  assert.equal(dflt.names.includes('write'), false);
  // the default rules use evt.type = container, an event kestrel raises itself, not the probe
  assert.equal(dflt.names.includes('container'), false);
});

test('kestrel run --disable-tag / --enable-rule select rules in command-line order', () => {
  const base = ['run', '-r', rulesFile, '-o', 'rule_matching=all', '--replay', SCAP + 'libs_e2e_test_ipv6_client.scap'];
  const all = run(base);
  assert.equal(all.code, 0, all.err);
  assert.equal(all.out.trim().split('\n').length, 4);
  const r = run([...base, '--disable-rule', '*connect', '--enable-rule', 'Any*']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 2);
  for (const l of lines) assert.match(l, /: Debug connect /);
});
