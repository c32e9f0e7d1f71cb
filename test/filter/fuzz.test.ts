// Random conditions (seeded, so reproducible): parsing and compiling either succeed or fail
// with a FilterError carrying a position; nothing else is ever thrown, printing round-trips,
// and compiled predicates return booleans.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCondition } from '../../src/filter/parser.js';
import { printExpr } from '../../src/filter/print.js';
import { compileFilter } from '../../src/filter/compile.js';
import { FilterError } from '../../src/filter/errors.js';
import { ctx, makeRegistry } from './registry.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  'proc.name', 'proc.pid', 'fd.name', 'evt.type', 'proc.aname[2]', 'proc.env[HOME]', 'evt.arg.flags', 'proc.argv', 'fd.ip', 'fd.net',
  '=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'iglob', 'regex', 'pmatch',
  'in', 'intersects', 'exists', 'bcontains', 'and', 'or', 'not', '(', ')', ',', '[', ']', 'anyof', 'oneof', 'allof',
  'tolower(', 'toupper(', 'len(', 'b64(', 'basename(', 'join(', 'concat(', 'getopt(', 'val(',
  'bash', 'open', '"a b"', "'x'", '"\\n"', '"\\q"', '12', '-1', '0x1f', '1.5', '10.0.0.1', '10.0.0.0/8', '/etc', '*', 'macro_x',
  '"', "'", '\\', '$', '\u2028', '__proto__', 'constructor',
];
const BLANKS = [' ', ' ', ' ', '', '\n', '\t'];

test('random token soups: only FilterErrors, round-trips, boolean results', () => {
  const R = makeRegistry();
  const r = rng(20261129);
  const c = ctx({ 'proc.name': 'bash', 'proc.pid': 7, 'fd.name': '/etc/passwd', 'evt.type': 'open', 'proc.argv': ['a'], 'fd.ip': ['10.0.0.1'] });
  let parsed = 0;
  let compiled = 0;
  for (let n = 0; n < 20000; n++) {
    const len = 1 + Math.floor(r() * 12);
    let text = '';
    for (let i = 0; i < len; i++) text += TOKENS[Math.floor(r() * TOKENS.length)] + BLANKS[Math.floor(r() * BLANKS.length)];
    let ast;
    try {
      ast = parseCondition(text);
    } catch (e) {
      assert.ok(e instanceof FilterError, `${JSON.stringify(text)}: ${String(e)}`);
      assert.equal(e.code, 'KES_FILTER_PARSE');
      assert.ok(e.pos.idx >= 0 && e.pos.idx <= text.length, JSON.stringify(text));
      continue;
    }
    parsed++;
    const printed = printExpr(ast);
    assert.equal(printExpr(parseCondition(printed)), printed, JSON.stringify(text));
    try {
      const f = compileFilter(ast, R, { macros: { macro_x: 'proc.name = bash' } });
      compiled++;
      assert.equal(typeof f.match(c), 'boolean', JSON.stringify(text));
      assert.equal(typeof f.match(ctx({})), 'boolean', JSON.stringify(text));
    } catch (e) {
      assert.ok(e instanceof FilterError, `${JSON.stringify(text)}: ${String(e)}`);
    }
  }
  // The soup is not all noise: some of it parses and compiles.
  assert.ok(parsed > 500, `parsed ${parsed}`);
  assert.ok(compiled > 20, `compiled ${compiled}`);
});

const CHECKS = [
  'proc.name = bash', 'proc.name != bash', 'proc.name in (sh, bash)', 'proc.name startswith b', 'proc.name glob "*sh"',
  'proc.name regex "b.*"', 'proc.pid > 5', 'proc.pid <= 7', 'proc.pid in (1, 7)', 'fd.name pmatch (/etc)', 'fd.name contains passwd',
  'fd.name exists', 'proc.env[HOME] exists', 'proc.env[HOME] = /root', 'evt.type = open', 'evt.type != close', 'fd.ip = 10.0.0.1',
  'fd.net != 10.0.0.0/8', 'proc.argv intersects (a)', 'toupper(proc.name) = BASH', 'len(proc.name) = 4',
  'proc.name == anyof (zsh, bash)', 'proc.name = val(proc.pname)', 'macro_x',
];

test('random well-formed conditions evaluate as the boolean combination of their checks', () => {
  const R = makeRegistry();
  const r = rng(42);
  const leaf = new Map(CHECKS.map((t) => [t, compileFilter(t, R, { macros: { macro_x: 'proc.pid = 7 or fd.name = /tmp' } })]));
  type Gen = { text: string; eval: (i: number) => boolean };
  const contexts = [
    ctx({ 'proc.name': 'bash', 'proc.pname': 'bash', 'proc.pid': 7, 'fd.name': '/etc/passwd', 'evt.type': 'open', 'proc.argv': ['a'], 'fd.ip': ['10.0.0.1'], 'fd.net': ['10.0.0.1'], 'proc.env[HOME]': '/root' }),
    ctx({ 'proc.name': 'zsh', 'proc.pname': 'sshd', 'proc.pid': 1, 'fd.name': '/tmp', 'evt.type': 'close', 'proc.argv': [], 'fd.ip': ['192.168.0.1'], 'fd.net': ['192.168.0.1'] }),
    ctx({}),
  ];
  const ws = (): string => [' ', '  ', '\n', '\t '][Math.floor(r() * 4)];
  const gen = (depth: number): Gen => {
    const x = r();
    if (depth === 0 || x < 0.35) {
      const t = CHECKS[Math.floor(r() * CHECKS.length)];
      const f = leaf.get(t)!;
      return { text: t, eval: (i) => f.match(contexts[i]) };
    }
    if (x < 0.5) {
      const a = gen(depth - 1);
      return { text: `not${ws()}(${a.text})`, eval: (i) => !a.eval(i) };
    }
    const n = 2 + Math.floor(r() * 3);
    const kids = Array.from({ length: n }, () => gen(depth - 1));
    const and = x < 0.75;
    return {
      text: `(${kids.map((k) => k.text).join(`${ws()}${and ? 'and' : 'or'}${ws()}`)})`,
      eval: and ? (i) => kids.every((k) => k.eval(i)) : (i) => kids.some((k) => k.eval(i)),
    };
  };
  for (let n = 0; n < 1500; n++) {
    const g = gen(4);
    const f = compileFilter(g.text, R, { macros: { macro_x: 'proc.pid = 7 or fd.name = /tmp' } });
    for (let i = 0; i < contexts.length; i++) assert.equal(f.match(contexts[i]), g.eval(i), `${g.text} on context ${i}`);
  }
});
