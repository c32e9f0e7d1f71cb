// Config loading: Falco's key names, defaults, -o overrides, errors that name key and position.
import assert from 'node:assert/strict';
import { SHARED_DIR } from '../support/shared-dir.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { dryRunReport, loadConfig, minPriority, parseDuration, parseKeyPath } from '../../src/config/index.js';
import { KestrelError } from '../../src/errors.js';

function tmp(): string { return mkdtempSync(path.join(os.tmpdir(), 'kestrel-cfg-')); }
function write(dir: string, name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}
function configError(fn: () => unknown): KestrelError {
  try { fn(); } catch (e) {
    assert.ok(e instanceof KestrelError, String(e));
    assert.equal(e.code, 'KES_CONFIG');
    return e;
  }
  assert.fail('expected a KES_CONFIG error');
}

test('defaults: Falco keys with kestrel defaults', () => {
  const { config: c, files } = loadConfig();
  assert.equal(files.length, 0);
  assert.equal(c.json_output, false);
  assert.equal(c.json_include_output_property, true);
  assert.equal(c.json_include_tags_property, true);
  assert.equal(c.json_include_message_property, false);
  assert.equal(c.priority, 'debug');
  assert.equal(c.rule_matching, 'first');
  assert.equal(c.stdout_output.enabled, true);
  assert.equal(c.webserver.listen_address, '127.0.0.1');
  assert.equal(c.webserver.listen_port, 8765);
  assert.deepEqual(c.syscall_event_drops.actions, ['log', 'alert']);
  assert.equal(c.syscall_event_drops.threshold, 0.1);
  assert.equal(c.engine.modern_ebpf.cpus_for_each_buffer, 2);
  assert.equal(c.http_output.user_agent, 'falcosecurity/falco');
  assert.deepEqual(c.base_syscalls, { custom_set: [], repair: false, all: false });
});

test("Falco's own default falco.yaml loads (all its keys are known)", () => {
  const r = loadConfig({ file: SHARED_DIR + '/reference/falco-default-config.yaml' });
  assert.equal(r.config.engine.kind, 'modern_ebpf');
  assert.deepEqual(r.config.rules_files, ['/etc/falco/falco_rules.yaml', '/etc/falco/falco_rules.local.yaml', '/etc/falco/rules.d']);
  assert.equal(r.files[0]!.sha256.length, 64);
});

test('a config file: values typed, sections merged with defaults', () => {
  const d = tmp();
  const f = write(d, 'k.yaml', [
    'json_output: true',
    'priority: Warning',
    'rules_files: [/a.yaml, /b.d]',
    'http_output:',
    '  enabled: true',
    '  url: http://127.0.0.1:2801/',
    'engine:',
    '  modern_ebpf:',
    '    buffer_dim_kb: 2048',
    'metrics:',
    '  interval: 1m30s',
  ].join('\n'));
  const c = loadConfig({ file: f }).config;
  assert.equal(c.json_output, true);
  assert.equal(c.priority, 'warning');
  assert.equal(minPriority(c), 'Warning');
  assert.deepEqual(c.rules_files, ['/a.yaml', '/b.d']);
  assert.equal(c.http_output.url, 'http://127.0.0.1:2801/');
  assert.equal(c.http_output.timeout_ms, 5000);
  assert.equal(c.engine.modern_ebpf.buffer_dim_kb, 2048);
  assert.equal(c.engine.modern_ebpf.cpus_for_each_buffer, 2);
  assert.equal(parseDuration(c.metrics.interval), 90_000);
});

test('unknown keys: error with suggestion and file:line:col', () => {
  const d = tmp();
  const f = write(d, 'k.yaml', 'json_output: true\nhttp_output:\n  enabled: true\n  ulr: http://x/\njson_ouptut: false\n');
  const e = configError(() => loadConfig({ file: f }));
  assert.match(e.message, new RegExp(`${f.replace(/[.]/g, '\\.')}:4:3: http_output\\.ulr: unknown key \\(did you mean 'http_output\\.url'\\?\\)`));
  assert.match(e.message, /k\.yaml:5:1: json_ouptut: unknown key \(did you mean 'json_output'\?\)/);
  assert.match(e.message, /2 problems/);
});

test('bad values name the key, the position and what was expected', () => {
  const d = tmp();
  const f = write(d, 'k.yaml', [
    'json_output: yes please',
    'webserver:',
    '  listen_port: 70000',
    'syscall_event_drops:',
    '  actions: [log, explode]',
    'metrics:',
    '  interval: 10 minutes',
    'rule_matching: sometimes',
    'outputs_queue:',
    '  capacity: 1.5',
  ].join('\n'));
  const e = configError(() => loadConfig({ file: f }));
  assert.match(e.message, /k\.yaml:1:1: json_output: expected true or false, got the string "yes please"/);
  assert.match(e.message, /k\.yaml:3:3: webserver\.listen_port: must be <= 65535, got 70000/);
  assert.match(e.message, /k\.yaml:5:18: syscall_event_drops\.actions\[1\]: 'explode' is not one of ignore, log, alert, exit/);
  assert.match(e.message, /k\.yaml:7:3: metrics\.interval: '10 minutes' is not a duration/);
  assert.match(e.message, /k\.yaml:8:1: rule_matching: 'sometimes' is not one of first, all/);
  assert.match(e.message, /k\.yaml:10:3: outputs_queue\.capacity: expected an integer, got 1\.5/);
});

test('YAML syntax errors and unreadable files are KES_CONFIG with a position', () => {
  const d = tmp();
  const f = write(d, 'bad.yaml', 'json_output: true\nhttp_output:\n  url: "unterminated\n');
  assert.match(configError(() => loadConfig({ file: f })).message, /bad\.yaml:\d+:\d+: YAML syntax/);
  const dup = write(d, 'dup.yaml', 'json_output: true\njson_output: false\n');
  assert.match(configError(() => loadConfig({ file: dup })).message, /dup\.yaml:2:1: YAML syntax/);
  assert.match(configError(() => loadConfig({ file: path.join(d, 'missing.yaml') })).message, /missing\.yaml: cannot read config file/);
  const list = write(d, 'list.yaml', '- a\n- b\n');
  assert.match(configError(() => loadConfig({ file: list })).message, /must be a YAML mapping/);
});

test('-o overrides: dotted paths, list indexes, escapes, typed values', () => {
  const c = loadConfig({
    overrides: [
      'json_output=true', 'webserver.listen_port=9999', 'http_output.url=http://127.0.0.1:1/a=b',
      'rules_files=[/x.yaml]', 'rules_files[1]=/y.yaml', 'static_fields.env\\.name=prod',
      'syscall_event_drops.actions[0]=exit', 'priority=INFO', 'program_output.program=',
    ],
  }).config;
  assert.equal(c.json_output, true);
  assert.equal(c.webserver.listen_port, 9999);
  assert.equal(c.http_output.url, 'http://127.0.0.1:1/a=b');
  assert.deepEqual(c.rules_files, ['/x.yaml', '/y.yaml']);
  assert.deepEqual(c.static_fields, { 'env.name': 'prod' });
  assert.deepEqual(c.syscall_event_drops.actions, ['exit', 'alert']);
  assert.equal(minPriority(c), 'Informational');
  assert.equal(c.program_output.program, '');
  assert.deepEqual(parseKeyPath('a.b[2].c\\.d\\[x'), ['a', 'b', 2, 'c.d[x']);
  assert.equal(typeof parseKeyPath('a..b'), 'string');
});

test('-o errors say which option', () => {
  let e = configError(() => loadConfig({ overrides: ['webserver.listen_port=http'] }));
  assert.match(e.message, /-o webserver\.listen_port=http: webserver\.listen_port: expected an integer, got the string "http"/);
  e = configError(() => loadConfig({ overrides: ['webservr.enabled=false'] }));
  assert.match(e.message, /-o webservr\.enabled=false: webservr: unknown key \(did you mean 'webserver'\?\)/);
  e = configError(() => loadConfig({ overrides: ['novalue'] }));
  assert.match(e.message, /-o novalue: expected key=value/);
  e = configError(() => loadConfig({ overrides: ['rules_files[5]=/x'] }));
  assert.match(e.message, /index 5 is past the end/);
  e = configError(() => loadConfig({ overrides: ['json_output.x=1'] }));
  assert.match(e.message, /-o json_output.x=1: json_output: expected true or false, got a mapping/);
});

test('config_files: files and directories merged in order (append for lists)', () => {
  const d = tmp();
  mkdirSync(path.join(d, 'conf.d'));
  write(path.join(d, 'conf.d'), '20-b.yaml', 'rules_files: [/b.yaml]\nhttp_output:\n  enabled: true\n');
  write(path.join(d, 'conf.d'), '10-a.yaml', 'rules_files: [/a.yaml]\nhttp_output:\n  url: http://127.0.0.1:2801/\n');
  write(path.join(d, 'conf.d'), 'ignored.txt', 'not: yaml: at all');
  const f = write(d, 'main.yaml', 'config_files: [conf.d]\nrules_files: [/main.yaml]\njson_output: true\n');
  const r = loadConfig({ file: f });
  assert.deepEqual(r.config.rules_files, ['/main.yaml', '/a.yaml', '/b.yaml']);
  assert.equal(r.config.http_output.enabled, true);
  assert.equal(r.config.http_output.url, 'http://127.0.0.1:2801/');
  assert.equal(r.files.length, 3);
  // A problem in an included file is reported at its own position.
  write(path.join(d, 'conf.d'), '30-c.yaml', 'json_output: maybe\n');
  assert.match(configError(() => loadConfig({ file: f })).message, /30-c\.yaml:1:1: json_output: expected true or false/);
});

test('--dry-run report: sources, enabled outputs, no secrets', () => {
  const r = loadConfig({ overrides: ['http_output.enabled=true', 'http_output.url=https://u:pw@127.0.0.1/', 'http_output.headers.Authorization=Bearer abc'] });
  const text = dryRunReport(r);
  assert.match(text, /outputs enabled: stdout_output, syslog_output, http_output/);
  assert.match(text, /webserver: http:\/\/127\.0\.0\.1:8765/);
  assert.doesNotMatch(text, /Bearer abc|:pw@/);
  assert.match(text, /Authorization: REDACTED/);
});
