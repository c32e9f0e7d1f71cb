// The code generator never turns rule text into code: literals, field names, list items and
// regex operands with hostile content compile to pure comparisons.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter } from '../../src/filter/compile.js';
import { parseCondition } from '../../src/filter/parser.js';
import { ctx, makeRegistry } from './registry.js';

const R = makeRegistry();

/** Escape a value for a double-quoted condition literal. */
function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

const PAYLOADS = [
  '"); process.exit(1); ("',
  "'); process.exit(1); ('",
  '`${process.exit(1)}`',
  '${globalThis.hacked = 1}',
  '\\"; throw 1; //',
  '\u2028process.exit(1)\u2029',
  '*/ process.exit(1) /*',
  '\n}); process.exit(1); (function(){\n',
  '\\',
  '\\\\"',
  '</script>',
  '\u0000nul',
  "it's",
  '__proto__',
  'constructor',
  'toString',
];

test('string literals with quotes, backslashes, separators and template syntax are data', () => {
  const reference = compileFilter('proc.name = x', R).source;
  for (const p of PAYLOADS) {
    for (const op of ['=', '!=', 'contains', 'startswith', 'endswith', 'icontains', 'glob']) {
      const f = compileFilter(`proc.name ${op} ${q(p)}`, R);
      // The generated source does not depend on the literal at all.
      assert.equal(f.source, reference, `${op} ${JSON.stringify(p)}`);
      if (op === '=') {
        assert.equal(f.match(ctx({ 'proc.name': p })), true, JSON.stringify(p));
        assert.equal(f.match(ctx({ 'proc.name': `${p}x` })), false, JSON.stringify(p));
      }
    }
    // In lists and modifiers too.
    const l = compileFilter(`proc.name in (${q(p)}, other) or proc.name contains anyof (${q(p)})`, R);
    assert.equal(l.match(ctx({ 'proc.name': p })), true);
    assert.equal(l.match(ctx({ 'proc.name': 'nothing' })), false);
  }
  assert.equal((globalThis as Record<string, unknown>).hacked, undefined);
});

test('generated source contains only generated identifiers', () => {
  const f = compileFilter(`proc.name in (${PAYLOADS.map(q).join(', ')}) and (proc.env[${q('"); x(); ("')}] = ${q('a')} or not fd.name pmatch (/etc)) and proc.name regex ${q('.*"\\);')}`, R);
  for (const line of f.source.split('\n')) {
    assert.match(line, /^(?:"use strict";|const [fak]\d+ = S\.[FAK]\[\d+\](?:, a\d+ = S\.A\[\d+\])?;|return function match\(ctx\) \{|  let [v\d, ]+;|  return [\w\s()!&|?:=.,]+;|\};)$/, line);
  }
});

test('field names and arguments like __proto__ or constructor are plain names', () => {
  const before = Object.getOwnPropertyNames(Object.prototype).length;
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype']) {
    // As a field argument: passed to the extractor as a key, nothing else.
    const f = compileFilter(`proc.env[${name}] = yes`, R);
    assert.equal(f.match(ctx({ [`proc.env[${name}]`]: 'yes' })), true);
    assert.equal(f.match(ctx({})), false);
    const ident = /^[a-zA-Z]/.test(name); // identifiers start with a letter; `__proto__` cannot be one
    // As a dotted argument: evt.arg.<name>.
    if (ident) {
      const g = compileFilter(`evt.arg.${name} exists`, R);
      assert.equal(g.match(ctx({ [`evt.arg[${name}]`]: '1' })), true);
    }
    // As a field: unknown (or not even a name), reported as such.
    if (ident) assert.throws(() => compileFilter(`${name}.x = 1`, R), { code: 'KES_FILTER_FIELD', message: `unknown field '${name}.x' at 1:1` });
    else assert.throws(() => compileFilter(`${name}.x = 1`, R), { code: 'KES_FILTER_PARSE' });
    // As a macro reference with no macros: undefined.
    if (ident) {
      assert.throws(() => compileFilter(name, R), { code: 'KES_FILTER_PARSE', message: `undefined macro '${name}' used in filter at 1:1` });
      assert.throws(() => compileFilter(name, R, { macros: {} }), { message: `undefined macro '${name}' used in filter at 1:1` });
    }
    // As an operator: a parse error, not a table lookup on Object.prototype.
    assert.throws(() => parseCondition(`proc.name ${name} x`), { code: 'KES_FILTER_PARSE' });
    // As list items: set membership, no prototype lookups.
    const l = compileFilter(`proc.name in (${name}, other)`, R);
    assert.equal(l.match(ctx({ 'proc.name': name })), true);
    assert.equal(l.match(ctx({ 'proc.name': 'valueOf' })), false);
    assert.equal(compileFilter(`proc.pid in (1, 2)`, R).match(ctx({ 'proc.pid': name as unknown as number })), false);
  }
  assert.equal(Object.getOwnPropertyNames(Object.prototype).length, before);
  assert.equal(({} as Record<string, unknown>).yes, undefined);
});

test('regex operands: RE2 semantics, JS metacharacters, no catastrophic backtracking', () => {
  const m = (re: string, v: string): boolean => compileFilter(`proc.name regex ${q(re)}`, R).match(ctx({ 'proc.name': v }));
  assert.equal(m('a.b', 'axb'), true);
  assert.equal(m('a\\.b', 'axb'), false);
  assert.equal(m('a\\.b', 'a.b'), true);
  assert.equal(m('x$|^.*', 'anything'), true); // a valid alternation keeps its meaning under anchoring
  assert.equal(m('(a|b)+', 'abba'), true);
  assert.equal(m('[$^()]+', '$^()'), true);
  assert.equal(m('\\$\\{x\\}', '${x}'), true);
  // Wrapping cannot be escaped by unbalanced groups: those are invalid on their own.
  assert.throws(() => compileFilter(`proc.name regex ${q('a)|(b')}`, R), { code: 'KES_FILTER_TYPE' });
  assert.throws(() => compileFilter(`proc.name regex ${q('(?=a)')}`, R), { code: 'KES_FILTER_TYPE' });
  // Exponential for a backtracking engine; linear for RE2.
  const evil = compileFilter(`proc.name regex ${q('(a+)+$')}`, R);
  const input = `${'a'.repeat(50000)}!`;
  // CPU time of this process, not wall time: other test files load the machine meanwhile.
  const t0 = process.cpuUsage();
  assert.equal(evil.match(ctx({ 'proc.name': input })), false);
  const c = process.cpuUsage(t0);
  assert.ok((c.user + c.system) / 1000 < 2000, 'regex took too long');
});

test('glob and contains operands with regex metacharacters are literal', () => {
  const m = (op: string, pat: string, v: string): boolean => compileFilter(`proc.name ${op} ${q(pat)}`, R).match(ctx({ 'proc.name': v }));
  assert.equal(m('glob', 'a.b', 'a.b'), true);
  assert.equal(m('glob', 'a.b', 'axb'), false);
  assert.equal(m('glob', '(a|b)+$', '(a|b)+$'), true);
  assert.equal(m('glob', '(a|b)+$', 'ab'), false);
  assert.equal(m('glob', '^a', 'a'), false);
  assert.equal(m('contains', '.*', 'abc'), false);
  assert.equal(m('contains', '.*', 'a.*c'), true);
  assert.equal(m('icontains', '[X]', 'a[x]'), true);
  // Many stars against a long non-matching input: polynomial, not exponential.
  const t0 = process.cpuUsage(); // CPU time: immune to the load of other test files
  // (The input ends like the pattern, so the literal tail check does not settle it.)
  assert.equal(m('glob', '*a*a*a*a*a*a*a*a*c*b', `${'a'.repeat(20000)}b`), false);
  assert.equal(m('glob', '*a*a*a*a*a*a*a*a*b', `${'a'.repeat(20000)}b`), true);
  const c = process.cpuUsage(t0);
  assert.ok((c.user + c.system) / 1000 < 2000, 'glob took too long');
});

test('hostile nesting is a clean error, not a stack overflow', () => {
  for (const text of [
    `${'('.repeat(10000)}proc.name = a${')'.repeat(10000)}`,
    `${'not ('.repeat(10000)}proc.name = a${')'.repeat(10000)}`,
    `proc.name = ${'tolower('.repeat(10000)}proc.name${')'.repeat(10000)}`,
    `${'('.repeat(100000)}`,
  ]) {
    assert.throws(() => compileFilter(text, R), { code: 'KES_FILTER_PARSE', message: /^exceeded max depth limit of 1000 at 1:\d+$/ });
  }
  // Deep but legal nesting (200 levels) compiles and evaluates.
  const ok = compileFilter(`${'('.repeat(200)}proc.name = a${')'.repeat(200)}`, R);
  assert.equal(ok.match(ctx({ 'proc.name': 'a' })), true);
});

test('a compiled predicate does not modify the context', () => {
  const c = ctx({ 'proc.name': 'a', 'proc.pid': 1 });
  const snapshot = JSON.stringify([...c]);
  compileFilter('proc.name = a and proc.pid = 1 and tolower(proc.name) = val(proc.name)', R).match(c);
  assert.equal(JSON.stringify([...c]), snapshot);
});
