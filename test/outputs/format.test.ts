import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alert } from '../../src/outputs/alert.js';
import { AlertFormatter, escapeText, jsonString, resetTimeCache, timeIso8601, timeJson, timeLocal } from '../../src/outputs/format.js';

// 2026-01-02T03:04:05.000000042Z
const T = 1767323045n * 1_000_000_000n + 42n;

function alert(over: Partial<Alert> = {}): Alert {
  return {
    time: T, rule: 'Write below binary dir', priority: 'Error', source: 'syscall',
    output: 'File below a known binary directory opened for writing (fd.name=/bin/hack proc.name=bash)',
    outputFields: { 'fd.name': '/bin/hack', 'proc.name': 'bash', 'proc.pid': 1234, 'evt.num': 9007199254740993n, 'fd.num': null, 'evt.is_async': false },
    tags: ['filesystem', 'mitre_persistence', 'filesystem'], hostname: 'host-a', ...over,
  };
}

test('time formats: evt.time local, iso8601 with +0000, JSON time with Z', () => {
  const saved = process.env['TZ'];
  try {
    process.env['TZ'] = 'UTC';
    resetTimeCache();
    assert.equal(timeLocal(T), '03:04:05.000000042');
    assert.equal(timeLocal(T + 1_000_000_000n + 5n), '03:04:06.000000047');
    process.env['TZ'] = 'Asia/Kolkata'; // +05:30, no DST
    resetTimeCache();
    assert.equal(timeLocal(T), '08:34:05.000000042');
  } finally {
    if (saved === undefined) delete process.env['TZ']; else process.env['TZ'] = saved;
    resetTimeCache();
  }
  assert.equal(timeIso8601(T), '2026-01-02T03:04:05.000000042+0000');
  assert.equal(timeJson(T), '2026-01-02T03:04:05.000000042Z');
  assert.equal(timeJson(0n), '1970-01-01T00:00:00.000000000Z');
});

test('text line: "<time>: <Priority> <output>"', () => {
  process.env['TZ'] = 'UTC';
  resetTimeCache();
  const f = new AlertFormatter({});
  assert.equal(f.text(alert()), '03:04:05.000000042: Error File below a known binary directory opened for writing (fd.name=/bin/hack proc.name=bash)');
  const iso = new AlertFormatter({ timeIso8601: true });
  assert.match(iso.text(alert()), /^2026-01-02T03:04:05\.000000042\+0000: Error File below/);
});

test('JSON: Falco key order, typed output_fields, sorted unique tags, exact bigints', () => {
  process.env['TZ'] = 'UTC';
  const f = new AlertFormatter({ json: true });
  const s = f.render(alert());
  assert.equal(s.includes('\n'), false);
  assert.equal(s,
    '{"hostname":"host-a",'
    + '"output":"03:04:05.000000042: Error File below a known binary directory opened for writing (fd.name=/bin/hack proc.name=bash)",'
    + '"output_fields":{"evt.is_async":false,"evt.num":9007199254740993,"evt.time":1767323045000000042,"fd.name":"/bin/hack","fd.num":null,"proc.name":"bash","proc.pid":1234},'
    + '"priority":"Error","rule":"Write below binary dir","source":"syscall",'
    + '"tags":["filesystem","mitre_persistence"],"time":"2026-01-02T03:04:05.000000042Z"}');
  const o = JSON.parse(s);
  assert.deepEqual(Object.keys(o), ['hostname', 'output', 'output_fields', 'priority', 'rule', 'source', 'tags', 'time']);
});

test('JSON toggles: message on, output/tags/output_fields off; iso8601 uses evt.time.iso8601', () => {
  const f = new AlertFormatter({ json: true, includeMessage: true, includeOutput: false, includeTags: false, includeOutputFields: false });
  const o = JSON.parse(f.render(alert()));
  assert.deepEqual(Object.keys(o), ['hostname', 'message', 'priority', 'rule', 'source', 'time']);
  assert.equal(o.message, alert().output);
  const g = new AlertFormatter({ json: true, timeIso8601: true });
  const p = JSON.parse(g.render(alert()));
  assert.equal(typeof p.output_fields['evt.time.iso8601'], 'number');
  assert.equal(p.output_fields['evt.time'], undefined);
  assert.match(p.output, /^2026-01-02T03:04:05\.000000042\+0000: Error /);
});

test('JSON value types: lists, byte buffers, non-finite numbers', () => {
  const f = new AlertFormatter({ json: true });
  const o = JSON.parse(f.render(alert({ outputFields: { 'a.list': ['x', 2, 3n], 'a.buf': new Uint8Array([0x68, 0x69, 0xff, 0x0a]), 'a.nan': NaN } })));
  assert.deepEqual(o.output_fields['a.list'], ['x', 2, 3]);
  assert.equal(o.output_fields['a.buf'], 'hi\ufffd\n');
  assert.equal(o.output_fields['a.nan'], null);
});

const HOSTILE = [
  'evil\n03:04:05.000000042: Critical forged alert',
  'cr\rreturn',
  'ansi \u001b[31mRED\u001b[0m \u001b]0;title\u0007',
  'quote " and \\ backslash',
  'nul \u0000 and del \u007f',
  'nel \u0085 ls \u2028 ps \u2029',
  'lone \ud800 surrogate and \udfff',
  'emoji 😀 ok',
];

test('hostile strings cannot forge or break a text line', () => {
  const f = new AlertFormatter({});
  for (const h of HOSTILE) {
    const line = f.text(alert({ output: h, rule: h, priority: 'Error' }));
    assert.equal(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(line), false, `raw control char in ${JSON.stringify(line)}`);
    // Encodes to valid UTF-8 (no lone surrogates survive).
    assert.equal(Buffer.from(line, 'utf8').toString('utf8'), line);
    assert.equal(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(line), false);
  }
  assert.equal(escapeText('a\nb\x1b[0m'), 'a\\nb\\x1b[0m');
  assert.equal(escapeText('emoji 😀'), 'emoji 😀');
});

test('hostile strings cannot forge or break a JSON line; values survive the round trip', () => {
  const f = new AlertFormatter({ json: true });
  for (const h of HOSTILE) {
    const fields = { 'proc.cmdline': h, [h]: h };
    const line = f.render(alert({ output: h, rule: h, hostname: h, tags: [h], outputFields: fields }));
    assert.equal(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(line), false, `raw control char in ${line}`);
    assert.equal(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(line), false);
    const o = JSON.parse(line);
    const expect = h.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    assert.equal(o.rule, expect);
    assert.equal(o.hostname, expect);
    assert.equal(o.output_fields['proc.cmdline'], expect);
    assert.equal(o.output_fields[expect], expect);
    assert.deepEqual(o.tags, [expect]);
  }
  assert.equal(jsonString('a\u2028b'), '"a\\u2028b"');
});

test('internal alerts: Falco handle_msg shapes', () => {
  process.env['TZ'] = 'UTC';
  const a = alert({
    rule: 'Falco internal: syscall event drop', priority: 'Debug', source: 'internal', tags: [],
    output: 'Falco internal: syscall event drop. 5 system calls dropped in last second.',
    outputFields: { n_drops: '5', ebpf_enabled: '1', n_evts: '100' },
  });
  const f = new AlertFormatter({});
  assert.equal(f.text(a), '03:04:05.000000042: Debug Falco internal: syscall event drop. 5 system calls dropped in last second. (ebpf_enabled="1" n_drops="5" n_evts="100")');
  const j = new AlertFormatter({ json: true });
  const line = j.render(a);
  assert.equal(line, '{"hostname":"host-a","output":"Falco internal: syscall event drop. 5 system calls dropped in last second.",'
    + '"output_fields":{"ebpf_enabled":"1","n_drops":"5","n_evts":"100"},"priority":"Debug","rule":"Falco internal: syscall event drop",'
    + '"source":"internal","time":"2026-01-02T03:04:05.000000042Z"}');
});
