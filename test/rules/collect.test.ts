// Loader stages that work without compiling conditions: YAML reading with positions, schema
// checks, the collector's define/override/append semantics, exceptions → condition text and
// textual list substitution (exact strings as Falco builds them).
import { test } from 'node:test';
import { SHARED_DIR } from '../support/shared-dir.js';
import assert from 'node:assert/strict';
import { loadRules } from '../../src/rules/loader.js';
import { buildExceptionCondition, resolveList, expandLists } from '../../src/rules/text.js';
import type { LoadMessage } from '../../src/rules/result.js';

function load(...files: string[]) {
  return loadRules(files.map((content, i) => ({ name: `f${i}.yaml`, content })));
}

function codes(ms: readonly LoadMessage[]): string[] {
  return ms.map((m) => `${m.code}@${m.pos.file}:${m.pos.line}:${m.pos.col}`);
}

const R = (name: string, cond = 'evt.type = open', extra = '') =>
  `- rule: ${name}\n  desc: d\n  condition: ${cond}\n  output: o %proc.name\n  priority: WARNING\n${extra}`;

test('bad YAML: LOAD_ERR_YAML_PARSE with line:col, the file is skipped, other files still load', () => {
  const out = load('- rule: a\n  desc: [unclosed\n', R('ok'));
  assert.equal(out.result.errors.length >= 1, true);
  assert.equal(out.result.errors[0].code, 'LOAD_ERR_YAML_PARSE');
  assert.equal(out.result.errors[0].pos.file, 'f0.yaml');
  assert.ok(out.result.errors[0].pos.line >= 2);
  assert.deepEqual(out.collector.rules.ordered.map((r) => r.name), ['ok']);
});

test('top level must be a sequence of maps', () => {
  const out = load('rule: x\n', '- just a string\n- 3\n');
  assert.deepEqual(codes(out.result.errors), [
    'LOAD_ERR_YAML_VALIDATE@f0.yaml:1:1',
    'LOAD_ERR_YAML_VALIDATE@f1.yaml:1:3',
    'LOAD_ERR_YAML_VALIDATE@f1.yaml:2:3',
  ]);
  assert.match(out.result.errors[0].message, /not yaml array of objects/);
});

test('every item is checked; errors do not stop loading', () => {
  const out = load([
    '- rule: no_output', '  desc: d', '  condition: evt.type=open', '  priority: INFO',
    '- rule: bad_prio', '  desc: d', '  condition: evt.type=open', '  output: o', '  priority: LOUD',
    '- macro: m', '  condition: ',
    '- foo: bar',
    R('fine'),
  ].join('\n'));
  assert.deepEqual(codes(out.result.errors), [
    'LOAD_ERR_YAML_VALIDATE@f0.yaml:1:3',
    'LOAD_ERR_YAML_VALIDATE@f0.yaml:9:13',
    'LOAD_ERR_YAML_VALIDATE@f0.yaml:11:3',
  ]);
  assert.equal(out.result.errors[0].message, "Item has no mapping for key 'output'");
  assert.equal(out.result.errors[0].item, "rule 'no_output'");
  assert.equal(out.result.errors[1].message, 'Invalid priority');
  assert.equal(out.result.errors[2].message, "Mapping for key 'condition' is empty");
  assert.deepEqual(codes(out.result.warnings), ['LOAD_UNKNOWN_ITEM@f0.yaml:12:3']);
  assert.deepEqual(out.collector.rules.ordered.map((r) => r.name), ['fine']);
});

test('unknown keys warn with the key position; priorities case-insensitive; info alias', () => {
  const out = load(R('r', 'evt.type = open', '  tagz: [a]\n  priority: info\n'));
  // duplicate priority key: last wins is not yaml-cpp's behaviour, but the first is read here
  const w = out.result.warnings.filter((m) => m.code === 'LOAD_UNKNOWN_KEY');
  assert.equal(w.length, 1);
  assert.equal(w[0].message, "Unknown key 'tagz'. The key will be ignored.");
  assert.deepEqual([w[0].pos.line, w[0].pos.col], [6, 3]);
  assert.equal(out.collector.rules.get('r')!.priority, 'Warning');
  const o2 = load(R('r').replace('WARNING', 'info'));
  assert.equal(o2.collector.rules.get('r')!.priority, 'Informational');
});

test('required_engine_version: int N is 0.N.0, semver accepted, too new is an error', () => {
  const out = load('- required_engine_version: 15\n', '- required_engine_version: 0.57.0\n', '- required_engine_version: 0.99.0\n', '- required_engine_version: abc\n');
  assert.deepEqual(out.requiredEngine, { major: 0, minor: 57, patch: 0 });
  assert.deepEqual(codes(out.result.errors), ['LOAD_ERR_VALIDATE@f2.yaml:1:28', 'LOAD_ERR_YAML_VALIDATE@f3.yaml:1:28']);
  assert.match(out.result.errors[0].message, /^Rules require engine version 0\.99\.0, but engine version is 0\.63\.0$/);
});

test('required_plugin_versions: container is built in, alternatives, unknown plugin is an error', () => {
  const out = load(
    '- required_plugin_versions:\n  - name: container\n    version: 0.4.0\n',
    '- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n    alternatives:\n      - name: container\n        version: 0.1.0\n',
    '- required_plugin_versions:\n  - name: k8saudit\n    version: 0.18.0\n',
    '- required_plugin_versions:\n  - name: x\n    version: 1.0\n',
  );
  assert.deepEqual(codes(out.result.errors), ['LOAD_ERR_VALIDATE@f3.yaml:2:5', 'LOAD_ERR_VALIDATE@f2.yaml:2:5']);
  assert.equal(out.result.errors[0].message, "Invalid required version '1.0' for plugin 'x'");
  assert.match(out.result.errors[1].message, /Plugin 'k8saudit' required by this rules file is not available/);
});

test('redefinition replaces content but keeps the first position', () => {
  const out = load(R('a') + R('b'), R('a', 'evt.type = connect'));
  const rules = out.collector.rules.ordered;
  assert.deepEqual(rules.map((r) => r.name), ['a', 'b']);
  assert.equal(rules[0].cond, 'evt.type = connect');
  assert.ok(rules[0].index < rules[1].index);
  assert.ok(rules[0].visibility > rules[1].index);
});

test('override append/replace per key', () => {
  const out = load(
    R('a', 'evt.type = open', '  tags: [x, b]\n'),
    [
      '- rule: a', '  condition: and proc.name = cat', '  output: extra=%fd.name', '  tags: [c]', '  desc: more',
      '  override:', '    condition: append', '    output: append', '    tags: append', '    desc: append',
      '- rule: a', '  priority: ERROR', '  enabled: false', '  override:', '    priority: replace', '    enabled: replace',
    ].join('\n'),
  );
  assert.deepEqual(out.result.errors, []);
  const a = out.collector.rules.get('a')!;
  assert.equal(a.cond, 'evt.type = open and proc.name = cat');
  assert.equal(a.output, 'o %proc.name extra=%fd.name');
  assert.equal(a.desc, 'd more');
  assert.deepEqual(a.tags, ['b', 'c', 'x']);
  assert.equal(a.priority, 'Error');
  assert.equal(a.enabled, false);
});

test('override errors: key not listed, listed but absent, not appendable, bad op, append+override, no previous', () => {
  const out = load(R('a'), [
    '- rule: a', '  condition: x', '  output: y', '  override:', '    condition: append',
    '- rule: a', '  override:', '    condition: append',
    '- rule: a', '  priority: INFO', '  override:', '    priority: append',
    '- rule: a', '  condition: x', '  override:', '    condition: merge',
    '- rule: a', '  condition: x', '  append: true', '  override:', '    condition: append',
    '- rule: nope', '  condition: x', '  override:', '    condition: append',
    '- rule: nope2', '  enabled: false', '  override:', '    enabled: replace',
  ].join('\n'));
  assert.deepEqual(out.result.errors.map((e) => [e.code, e.message, e.pos.line, e.pos.col]), [
    ['LOAD_ERR_YAML_VALIDATE', "Unexpected key 'output': no corresponding entry under 'override' is defined.", 3, 3],
    ['LOAD_ERR_YAML_VALIDATE', "An append override for 'condition' was specified but 'condition' is not defined", 6, 3],
    ['LOAD_ERR_YAML_VALIDATE', "Key 'priority' cannot be appended to, use 'replace' instead", 12, 5],
    ['LOAD_ERR_YAML_VALIDATE', "Invalid override operation for key 'condition': 'merge'. Allowed values are: append replace ", 16, 16],
    ['LOAD_ERR_YAML_VALIDATE', "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.", 17, 3],
    ['LOAD_ERR_VALIDATE', "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists", 22, 3],
    ['LOAD_ERR_VALIDATE', "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists", 26, 3],
  ]);
});

test('legacy append: condition and exceptions appended, deprecation warning; no previous is an error', () => {
  const out = load(R('a'), '- rule: a\n  condition: and proc.name=cat\n  append: true\n- rule: zz\n  condition: x\n  append: true\n');
  assert.equal(out.collector.rules.get('a')!.cond, 'evt.type = open and proc.name=cat');
  assert.deepEqual(codes(out.result.warnings.filter((w) => w.code === 'LOAD_DEPRECATED_ITEM')), ['LOAD_DEPRECATED_ITEM@f1.yaml:3:11', 'LOAD_DEPRECATED_ITEM@f1.yaml:6:11']);
  assert.deepEqual(codes(out.result.errors), ['LOAD_ERR_VALIDATE@f1.yaml:4:3']);
  assert.equal(out.result.errors[0].message, "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists");
});

test('lists and macros: append (legacy and override), no previous definition errors, name warnings', () => {
  const out = load(
    '- list: l\n  items: [a, b]\n- macro: m\n  condition: proc.name in (l)\n',
    '- list: l\n  items: [c]\n  override:\n    items: append\n- list: l\n  items: [d]\n  append: true\n- macro: m\n  condition: or proc.name = x\n  override:\n    condition: append\n'
    + '- list: ghost\n  items: [x]\n  append: true\n- macro: ghost\n  condition: x\n  override:\n    condition: append\n'
    + '- macro: bad-name\n  condition: evt.num=0\n- list: "bad name"\n  items: []\n',
  );
  assert.deepEqual(out.collector.lists.get('l')!.items, ['a', 'b', 'c', 'd']);
  assert.equal(out.collector.macros.get('m')!.cond, 'proc.name in (l) or proc.name = x');
  assert.deepEqual(out.result.errors.map((e) => [e.message, e.pos.line]), [
    ["List uses 'append' or 'override.items: append' but no list by that name already exists", 12],
    ["Macro uses 'append' or 'override.condition: append' but no macro by that name already exists", 15],
  ]);
  const names = out.result.warnings.filter((w) => w.code.startsWith('LOAD_INVALID')).map((w) => `${w.code}@${w.pos.line}`);
  assert.deepEqual(names, ['LOAD_INVALID_MACRO_NAME@19', 'LOAD_INVALID_LIST_NAME@21']);
});

test('standalone enabled: toggles an earlier rule with a deprecation warning; unknown rule is an error', () => {
  const out = load(R('a'), '- rule: a\n  enabled: false\n- rule: b\n  enabled: false\n');
  assert.equal(out.collector.rules.get('a')!.enabled, false);
  assert.deepEqual(codes(out.result.warnings), ['LOAD_DEPRECATED_ITEM@f1.yaml:1:3', 'LOAD_DEPRECATED_ITEM@f1.yaml:3:3']);
  assert.deepEqual(codes(out.result.errors), ['LOAD_ERR_VALIDATE@f1.yaml:3:3']);
  assert.equal(out.result.errors[0].message, "Rule has 'enabled' key but no rule by that name already exists");
});

test('unknown source: warning, rule kept out of compilation', () => {
  const out = load(R('a', 'ka.verb=create', '  source: k8s_audit\n'));
  assert.deepEqual(codes(out.result.warnings), ['LOAD_UNKNOWN_SOURCE@f0.yaml:1:3']);
  assert.equal(out.result.warnings[0].message, 'Unknown source k8s_audit, skipping');
  assert.equal(out.collector.rules.get('a')!.unknownSource, true);
});

test('exceptions: validation of fields/comps/values', () => {
  const out = load(
    R('a', 'evt.type=open', '  exceptions:\n    - name: e1\n      fields: [proc.name, fd.name]\n      comps: [=]\n      values: []\n'),
    R('b', 'evt.type=open', '  exceptions:\n    - name: e1\n      fields: proc.name\n      comps: "="\n      values: [x]\n'),
    R('c', 'evt.type=open', '  exceptions:\n    - name: e1\n      fields: [proc.name]\n      comps: [like]\n'),
    R('d', 'evt.type=open', '  exceptions:\n    - name: e1\n      values: [[x]]\n'),
  );
  assert.deepEqual(out.result.errors.map((e) => e.message), [
    'Fields and comps lists must have equal length',
    'When fields is a single value, comps must be one of (in, pmatch, intersects) or an operator with a modifier (e.g. startswith oneof)',
    "'like' is not a supported comparison operator",
    "Item has no mapping for key 'fields'",
  ]);
});

test('exceptions → condition text exactly as Falco builds it', () => {
  const mk = (o: object) => ({ name: 'e', values: [], pos: { file: '', line: 0, col: 0 }, ...o }) as never;
  const S = (s: string): { isList: boolean; item: string; items: never[] } => ({ isList: false, item: s, items: [] });
  type E = { isList: boolean; item: string; items: E[] };
  const L = (...xs: E[]): E => ({ isList: true, item: '', items: xs });
  // Form B, one field, contains, a value with a space is quoted.
  assert.deepEqual(buildExceptionCondition('proc.cmdline contains curl or proc.cmdline contains wget', [
    mk({ fields: L(S('proc.cmdline')), comps: L(S('contains')), values: [L(S('curl 127.0.0.1'))] }),
  ]), { text: '(proc.cmdline contains curl or proc.cmdline contains wget) and not (( proc.cmdline contains "curl 127.0.0.1"))' });
  // Form B, two fields, rows OR-ed, a list value, a scalar with a list operator gets parens.
  assert.deepEqual(buildExceptionCondition('evt.type = open', [
    mk({ fields: L(S('proc.name'), S('fd.name')), comps: L(S('='), S('in')), values: [L(S('cat'), L(S('/a b'), S('/c'))), L(S('ls'), S('mylist'))] }),
  ]), { text: '(evt.type = open) and not (( proc.name = cat and  fd.name in ("/a b", /c)) or ( proc.name = ls and  fd.name in (mylist)))' });
  // Form A: single field, default comp in, values joined.
  assert.deepEqual(buildExceptionCondition('x', [
    mk({ fields: S('proc.name'), comps: S('in'), values: [S('a'), S('b c')] }),
    mk({ name: 'empty', fields: S('proc.name'), comps: S('in'), values: [] }),
  ]), { text: '(x) and not (proc.name in (a, "b c"))' });
  // Transformer on the right is kept as text.
  assert.deepEqual(buildExceptionCondition('evt.type = open', [
    mk({ fields: L(S('proc.name')), comps: L(S('=')), values: [L(S('toupper(proc.pname)'))] }),
  ]), { text: '(evt.type = open) and not (( proc.name = toupper(proc.pname)))' });
  // A row of the wrong length.
  assert.equal('error' in buildExceptionCondition('x', [mk({ fields: L(S('a'), S('b')), comps: L(S('='), S('=')), values: [L(S('1'))] })]), true);
});

test('textual list substitution: delimiters, quoting, empty list removes a comma', () => {
  assert.equal(resolveList('proc.name in (shell_binaries)', 'shell_binaries', ['ash', 'bash']), 'proc.name in ( ash, bash )');
  assert.equal(resolveList('proc.name in (my_shell_binaries)', 'shell_binaries', ['ash']), null);
  assert.equal(resolveList('proc.name in (a, l)', 'l', []), 'proc.name in (a  )');
  assert.equal(resolveList('proc.name in (l, a)', 'l', []), 'proc.name in (   a)');
  assert.equal(resolveList('fd.name in (l)', 'l', ['/a b', '"q r"']), 'fd.name in ( "/a b", "q r" )');
  assert.equal(resolveList('x=l', 'l', ['v']), 'x= v ');
});

test('lists expand earlier lists only (visibility by index)', () => {
  const out = load('- list: a\n  items: [x, b]\n- list: b\n  items: [y]\n- list: c\n  items: [a, b, z]\n');
  const ex = expandLists(out.collector.lists.ordered, out.collector.lists.byName);
  assert.deepEqual(ex.map((l) => [l.name, l.items]), [['a', ['x', 'b']], ['b', ['y']], ['c', ['x', 'b', 'y', 'z']]]);
});

test('upstream stable+incubating+sandbox files collect with zero errors', async () => {
  const { readFileSync } = await import('node:fs');
  const d = SHARED_DIR + '/data/rules/';
  const out = loadRules(['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml']
    .map((f) => ({ name: f, content: readFileSync(d + f, 'utf8') })));
  assert.deepEqual(out.result.errors, []);
  assert.equal(out.collector.rules.ordered.length, 25 + 31 + 37);
});
