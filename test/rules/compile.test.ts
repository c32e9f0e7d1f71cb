// The compile stage with the real condition language and fields: error codes and positions,
// macro visibility, skip-if-unknown-filter, the too-many-event-types warning, unused
// macros/lists, output validation, and that exceptions and lists really change what matches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRules } from '../../src/rules/loader.js';
import { buildRegistry, makeDetectionBackend } from '../../src/engine/detection.js';
import { evtTypeNames } from '../../src/filter/evttypes.js';
import type { LoadMessage } from '../../src/rules/result.js';

const registry = buildRegistry();
const backend = makeDetectionBackend(registry);

function load(...files: string[]) {
  return loadRules(files.map((content, i) => ({ name: `f${i}.yaml`, content })), { backend, isField: (n) => registry.resolve(n) !== undefined });
}
const at = (m: LoadMessage) => `${m.code}@${m.pos.file}:${m.pos.line}:${m.pos.col}`;
const R = (name: string, cond: string, extra = '') =>
  `- rule: ${name}\n  desc: d\n  condition: ${cond}\n  output: o %proc.name\n  priority: WARNING\n${extra}`;

test('undefined macro: LOAD_ERR_VALIDATE at the condition, Falco message; other rules still compile', () => {
  const out = load(R('a', 'evt.type = open and not_defined_macro') + R('b', 'evt.type = open'));
  assert.deepEqual(out.result.errors.map((e) => [at(e), e.message, e.item]), [
    ['LOAD_ERR_VALIDATE@f0.yaml:3:14', "Undefined macro 'not_defined_macro' used in filter.", "rule 'a'"],
  ]);
  assert.deepEqual(out.rules.map((r) => r.name), ['b']);
});

test('a macro sees only macros defined before it; a rule sees all', () => {
  const out = load([
    '- macro: m1', '  condition: m2', '- macro: m2', '  condition: evt.type = open',
    '- macro: m3', '  condition: m2 and proc.name = cat',
  ].join('\n') + '\n' + R('r', 'm3 or m2'));
  assert.deepEqual(out.result.errors.map((e) => [at(e), e.message]), [
    ['LOAD_ERR_VALIDATE@f0.yaml:2:14', "Undefined macro 'm2' used in filter."],
  ]);
  assert.deepEqual(out.rules.map((r) => r.name), ['r']);
  // m1 failed; it is not used by anything either.
  assert.deepEqual(out.result.warnings.map(at), ['LOAD_UNUSED_MACRO@f0.yaml:1:3']);
});

test('a redefined macro in a later file sees macros defined after its first definition', () => {
  const out = load(
    '- macro: a\n  condition: evt.type = open\n- macro: b\n  condition: proc.name = cat\n',
    '- macro: a\n  condition: evt.type = open and b\n' + R('r', 'a'),
  );
  assert.deepEqual(out.result.errors, []);
  assert.deepEqual(evtTypeNames(out.rules[0].evtTypes!), ['open']);
});

test('unknown field: LOAD_ERR_COMPILE_CONDITION; with skip-if-unknown-filter a LOAD_UNKNOWN_FILTER warning and the rule is skipped', () => {
  const out = load(
    R('a', 'evt.type = open and proc.nosuch = x'),
    R('b', 'evt.type = open and proc.nosuch = x', '  skip-if-unknown-filter: true\n'),
    R('c', 'evt.type = open', '  skip-if-unknown-filter: true\n').replace('o %proc.name', 'o %proc.nosuch'),
  );
  assert.deepEqual(out.result.errors.map((e) => [at(e), e.message.split(' (at')[0]]), [
    // The position is the field's own: line 3, column 14 + 20.
    ['LOAD_ERR_COMPILE_CONDITION@f0.yaml:3:34', "unknown field 'proc.nosuch'"],
  ]);
  assert.deepEqual(out.result.warnings.map(at), ['LOAD_UNKNOWN_FILTER@f1.yaml:3:34', 'LOAD_UNKNOWN_FILTER@f2.yaml:4:11']);
  assert.deepEqual(out.rules, []);
});

test('parse errors: LOAD_ERR_COMPILE_CONDITION with the offset in the condition', () => {
  const out = load(R('a', 'evt.type = open and (proc.name = cat'), R('b', '"evt.type in (open"'));
  assert.equal(out.result.errors.length, 2);
  for (const e of out.result.errors) assert.equal(e.code, 'LOAD_ERR_COMPILE_CONDITION');
  assert.match(out.result.errors[0].message, /at offset \d+ of the condition/);
  assert.deepEqual(out.result.errors.map((e) => e.pos.line), [3, 3]);
});

test('invalid output: LOAD_ERR_COMPILE_OUTPUT at the output', () => {
  const out = load(R('a', 'evt.type = open').replace('o %proc.name', 'o %proc.nosuch'));
  assert.deepEqual(out.result.errors.map(at), ['LOAD_ERR_COMPILE_OUTPUT@f0.yaml:4:11']);
  assert.match(out.result.errors[0].message, /proc\.nosuch/);
});

test('too many event types: LOAD_NO_EVTTYPE unless warn_evttypes is false; an explicit type set is fine', () => {
  const out = load(R('a', 'proc.name = cat'), R('b', 'proc.name = cat', '  warn_evttypes: false\n'), R('c', 'evt.type in (open, openat) and proc.name = cat'));
  assert.deepEqual(out.result.warnings.map(at), ['LOAD_NO_EVTTYPE@f0.yaml:1:3']);
  assert.equal(out.result.warnings[0].message, 'Rule matches too many evt.type values. This has a significant performance penalty.');
  assert.equal(out.rules.find((r) => r.name === 'a')!.evtTypes, null);
  assert.deepEqual(evtTypeNames(out.rules.find((r) => r.name === 'c')!.evtTypes!), ['open', 'openat']);
});

test('unused lists and macros warn with their own position', () => {
  const out = load('- list: l1\n  items: [a]\n- macro: m1\n  condition: evt.num = 0\n' + R('r', 'evt.type = open'));
  assert.deepEqual(out.result.warnings.map(at), ['LOAD_UNUSED_MACRO@f0.yaml:3:3', 'LOAD_UNUSED_LIST@f0.yaml:1:3']);
});

test('lists are substituted into conditions (nested lists, quoting); the compiled rule matches on them', () => {
  const out = load('- list: inner\n  items: [bash, "my shell"]\n- list: shells\n  items: [inner, zsh]\n' + R('r', 'evt.type = execve and proc.name in (shells)'));
  assert.deepEqual(out.result.errors, []);
  assert.equal(out.rules[0].condition, 'evt.type = execve and proc.name in ( bash, "my shell", zsh )');
});

test('exceptions: condition text and compiled rule (form A with a modifier, form B)', () => {
  const out = load(R('r', 'evt.type = open', [
    '  exceptions:',
    '    - name: a', '      fields: proc.name', '      comps: startswith oneof', '      values: [runc, crun]',
    '    - name: b', '      fields: [proc.name, fd.name]', '      comps: [=, pmatch]', '      values: [[cat, [/etc, /usr lib]]]',
  ].join('\n') + '\n'));
  assert.deepEqual(out.result.errors, []);
  assert.equal(out.rules[0].condition,
    '(evt.type = open) and not (proc.name startswith oneof (runc, crun)) and not (( proc.name = cat and  fd.name pmatch (/etc, "/usr lib")))');
});

test('exceptions on fields that do not exist are an error naming the field', () => {
  const out = load(R('r', 'evt.type = open', '  exceptions:\n    - name: a\n      fields: [proc.nosuch]\n      values: [[x]]\n'));
  assert.deepEqual(out.result.errors.map((e) => [at(e), e.message]), [["LOAD_ERR_VALIDATE@f0.yaml:7:7", "'proc.nosuch' is not a supported filter field"]]);
});

test('appending exception values to an existing exception via override', () => {
  const out = load(
    R('r', 'evt.type = open', '  exceptions:\n    - name: a\n      fields: [proc.name]\n      values: [[cat]]\n'),
    '- rule: r\n  exceptions:\n    - name: a\n      values: [[dog]]\n    - name: n\n      fields: proc.pname\n      values: [bash]\n  override:\n    exceptions: append\n',
  );
  assert.deepEqual(out.result.errors, []);
  assert.equal(out.rules[0].condition, '(evt.type = open) and not (( proc.name = cat) or ( proc.name = dog)) and not (proc.pname in (bash))');
});

test('the compiled rules keep load order (a redefinition keeps its place); unknown sources are not compiled', () => {
  const out = load(R('a', 'evt.type = open') + R('b', 'evt.type = open') + R('k', 'ka.verb = x', '  source: k8s_audit\n'), R('a', 'evt.type = connect'));
  assert.deepEqual(out.rules.map((r) => r.name), ['a', 'b']);
  assert.deepEqual(evtTypeNames(out.rules[0].evtTypes!), ['connect']);
});

test('compile errors point into the condition: plain, quoted, folded and literal block scalars', () => {
  const out = load([
    '- rule: a', '  desc: d', '  condition: >', '    evt.type = open', '      and proc.nosuch = 1', '  output: o', '  priority: INFO',
    '- rule: b', '  desc: d', '  condition: |', '    evt.type = open', '    and fd.nosuch = 1', '  output: o', '  priority: INFO',
    '- rule: c', '  desc: d', '  condition: "evt.type = open and user.nosuch = 1"', '  output: o', '  priority: INFO',
    '- rule: d', '  desc: d', '  condition: evt.type = open', '    and proc.nosuch2 = 1', '  output: o', '  priority: INFO',
  ].join('\n') + '\n');
  // A more-indented folded line keeps its newline, so rule a falls back to the condition start.
  assert.deepEqual(out.result.errors.map(at), [
    'LOAD_ERR_COMPILE_CONDITION@f0.yaml:3:14',
    'LOAD_ERR_COMPILE_CONDITION@f0.yaml:12:9',
    'LOAD_ERR_COMPILE_CONDITION@f0.yaml:17:35',
    'LOAD_ERR_COMPILE_CONDITION@f0.yaml:23:9',
  ]);
});

test('an exception value that names a field is a string literal, with Falco\'s warning', () => {
  const out = load(R('r', 'evt.type = open', '  exceptions:\n    - name: e\n      fields: [proc.name]\n      comps: [=]\n      values: [[proc.pname]]\n'));
  assert.deepEqual(out.result.errors, []);
  assert.deepEqual(out.result.warnings.map((w) => [at(w), w.message]), [["LOAD_COMPILE_CONDITION@f0.yaml:7:7", "'proc.pname' may be a valid field misused as a const string value"]]);
  assert.equal(out.rules[0].condition, '(evt.type = open) and not (( proc.name = proc.pname))');
});
