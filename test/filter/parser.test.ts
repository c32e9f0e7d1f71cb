// Parser: accept/reject tables (exact messages and positions), whitespace variants of every
// accepted input, node positions, depth cap, macro substitution.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCondition, parseValueExpr } from '../../src/filter/parser.js';
import { printExpr, printNode } from '../../src/filter/print.js';
import { FilterError } from '../../src/filter/errors.js';
import { expandMacros, macroRefs, substituteMacros } from '../../src/filter/macros.js';
import type { BinaryCheck, Expr } from '../../src/filter/ast.js';

// [input, canonical form printed back]
const ACCEPT: readonly (readonly [string, string])[] = [
  ['evt.type = open', 'evt.type = open'],
  ['evt.type=open', 'evt.type = open'],
  ['evt.type == open', 'evt.type == open'],
  ['proc.name != bash', 'proc.name != bash'],
  ['proc.pid < 10', 'proc.pid < 10'],
  ['proc.pid<=10', 'proc.pid <= 10'],
  ['proc.pid > -1', 'proc.pid > -1'],
  ['proc.pid >= 0x1F', 'proc.pid >= 0x1F'],
  ['proc.cpu > 1.5e+3', 'proc.cpu > 1.5e+3'],
  ['proc.name contains ash', 'proc.name contains ash'],
  ['proc.name icontains ASH', 'proc.name icontains ASH'],
  ['evt.buffer bcontains 7f454c46', 'evt.buffer bcontains 7f454c46'],
  ['proc.name startswith ba', 'proc.name startswith ba'],
  ['evt.buffer bstartswith 7f45', 'evt.buffer bstartswith 7f45'],
  ['fd.name endswith .log', 'fd.name endswith .log'],
  ['fd.name glob "/etc/*"', 'fd.name glob "/etc/*"'],
  ['fd.name iglob "/ETC/*"', 'fd.name iglob "/ETC/*"'],
  ['proc.name regex "ba.*"', 'proc.name regex "ba.*"'],
  ['proc.name in (bash, "my sh", \'zsh\')', 'proc.name in (bash, "my sh", "zsh")'],
  ['proc.name in(bash,sh)', 'proc.name in (bash, sh)'],
  ['proc.name in ()', 'proc.name in ()'],
  ['proc.name in shell_binaries', 'proc.name in shell_binaries'],
  ['proc.argv intersects (a, b)', 'proc.argv intersects (a, b)'],
  ['fd.name pmatch (/etc, /usr/lib)', 'fd.name pmatch (/etc, /usr/lib)'],
  ['proc.name exists', 'proc.name exists'],
  ['proc.name startswith anyof (my, ba)', 'proc.name startswith anyof (my, ba)'],
  ['proc.name == oneof(a)', 'proc.name == oneof (a)'],
  ['proc.name != allof (a, b)', 'proc.name != allof (a, b)'],
  ['proc.name = anyof', 'proc.name = anyof'],
  ['proc.aname[2] = bash', 'proc.aname[2] = bash'],
  ['proc.env[HOME] = /root', 'proc.env[HOME] = /root'],
  ['proc.env["MY VAR"] exists', 'proc.env["MY VAR"] exists'],
  ['evt.arg.flags contains O_WRONLY', 'evt.arg.flags contains O_WRONLY'],
  ['evt.arg[1] = 3', 'evt.arg[1] = 3'],
  ['evt.rawarg.res < 0', 'evt.rawarg.res < 0'],
  ['fd.types[fd] in (file)', 'fd.types[fd] in (file)'],
  ['tolower(proc.name) = bash', 'tolower(proc.name) = bash'],
  ['proc.name = toupper(proc.pname)', 'proc.name = toupper(proc.pname)'],
  ['proc.name = val(proc.pname)', 'proc.name = val(proc.pname)'],
  ['proc.name = val( proc.pname )', 'proc.name = val(proc.pname)'],
  ['b64(toupper(proc.name)) = x', 'b64(toupper(proc.name)) = x'],
  ['len(proc.name) > 3', 'len(proc.name) > 3'],
  ['basename(proc.exe) = ls', 'basename(proc.exe) = ls'],
  ['join(",", proc.argv) = "a,b"', 'join(",", proc.argv) = "a,b"'],
  ['concat(proc.name, "-", proc.pname) = a-b', 'concat(proc.name, "-", proc.pname) = a-b'],
  ['getopt(proc.argv, nt:)[t] = value', 'getopt(proc.argv, nt:)[t] = value'],
  ['proc.pid > len(proc.name)', 'proc.pid > len(proc.name)'],
  ['proc.name in val(proc.argv)', 'proc.name in val(proc.argv)'],
  ['a and b', 'a and b'],
  ['a or b and c', 'a or b and c'],
  ['(a or b) and c', '(a or b) and c'],
  ['a and (b or c)', 'a and (b or c)'],
  ['not a', 'not a'],
  ['not not a', 'a'],
  ['not(a)', 'not a'],
  ['not (a and b)', 'not (a and b)'],
  ['a and not(b)', 'a and not b'],
  ['a and(b or c)', 'a and (b or c)'],
  ['a or(b)', 'a or b'],
  ['((((a))))', 'a'],
  ['a and b and c or d', 'a and b and c or d'],
  ['evt.type in (open, openat) and not proc.name in (a, b)', 'evt.type in (open, openat) and not proc.name in (a, b)'],
  ['proc.name = "a \\"q\\" \\\\ \\n\\t"', 'proc.name = "a \\"q\\" \\\\ \\n\\t"'],
  ["proc.name = 'it\\'s'", 'proc.name = "it\'s"'],
  ['proc.name = "\\/x"', 'proc.name = "/x"'],
  ['notmacro and andmacro or ormacro', 'notmacro and andmacro or ormacro'],
  ['fd.ip = 10.0.0.1 and fd.net = 10.0.0.0/8', 'fd.ip = 10.0.0.1 and fd.net = 10.0.0.0/8'],
  ['fd.ip = "::1"', 'fd.ip = "::1"'],
];

// [input, exact message]
const REJECT: readonly (readonly [string, string])[] = [
  ['', 'empty condition at 1:1'],
  ['   \n ', 'empty condition at 2:2'],
  ['proc.name', "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex', 'in', 'intersects', 'pmatch'; got end of condition at 1:10"],
  ['proc.name ~ x', "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex', 'in', 'intersects', 'pmatch'; got '~' at 1:11"],
  ['proc.name containsx', "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex', 'in', 'intersects', 'pmatch'; got 'containsx' at 1:11"],
  ['proc.name = ', 'expected a string value, got end of condition at 1:13'],
  ['proc.pid < abc', "expected a number value, got 'abc' at 1:12"],
  ['proc.pid < 12abc', "expected a number value, got '12abc' at 1:12"],
  ['proc.name in (a,,b)', "expected a string value in the list, got ',' at 1:17"],
  ['proc.name in (a b)', "expected ',' or ')' in the list, got 'b' at 1:17"],
  ['proc.name in (a, b', "expected a ')' token to close the list at 1:14 at 1:19"],
  ['proc.name in ', 'expected a list or an identifier, got end of condition at 1:14'],
  ['proc.name in anyof (a)', "modifier 'anyof' cannot be used with operator 'in' at 1:14"],
  ['proc.pid < oneof (1)', "modifier 'oneof' cannot be used with operator '<' at 1:12"],
  ['(a', "expected a ')' token to close the '(' at 1:1 at 1:3"],
  ['(a or b', "expected a ')' token to close the '(' at 1:1 at 1:8"],
  ['a)', "unexpected ')', expecting 'and', 'or' or the end of the condition at 1:2"],
  ['a and', "unexpected end of condition after 'and' at 1:6"],
  ['a and ', "unexpected end of condition, expected a '(' token, a field check, or an identifier at 1:7"],
  ['a and and b', "unexpected 'and', expected a check at 1:7"],
  ['a andb', "unexpected 'andb', expecting 'and', 'or' or the end of the condition at 1:3"],
  ['a and"x"', "expected blank or '(' after 'and' at 1:6"],
  ['a or', "unexpected end of condition after 'or' at 1:5"],
  ['not', "unexpected 'not', expected a check at 1:1"],
  ['a b', "unexpected 'b', expecting 'and', 'or' or the end of the condition at 1:3"],
  ['proc.name = a b', "unexpected 'b', expecting 'and', 'or' or the end of the condition at 1:15"],
  ['"x" = proc.name', `expected a '(' token, a field check, or an identifier, got '"x"' at 1:1`],
  ['= x', "expected a '(' token, a field check, or an identifier, got '=' at 1:1"],
  ['proc.name = "abc', 'unterminated quoted string at 1:13'],
  ['proc.name = "a\\q"', 'unsupported string escape sequence: \\q at 1:15'],
  ['proc.name = "a\\\'"', `invalid \\' escape in "-quoted string at 1:15`],
  ["proc.name = 'a\\\"'", `invalid \\" escape in '-quoted string at 1:15`],
  ['proc.aname[2 = x', "expected a ']' token, got a blank at 1:13"],
  ['proc.aname[] = x', 'expected a valid field argument: a quoted string or a bare string at 1:12'],
  ['foo(proc.name) = x', "unknown transformer 'foo' at 1:1"],
  ['val(proc.name) = x', 'val() can only be used on the right-hand side of a comparison at 1:1'],
  ['tolower() = x', "transformer 'tolower' needs an argument at 1:9"],
  ['tolower(proc.name = x', "expected ',' or ')' in the arguments of 'tolower', got '=' at 1:19"],
  ['proc.name = val(x)', "expected a field name in val(), got 'x' at 1:17"],
  ['proc.name = val(proc.pname', "expected a ')' token to close val(, got end of condition at 1:27"],
  ['evt.type = open and\n  proc.name ==', 'expected a string value, got end of condition at 2:15'],
  ['evt.type = open\r\nor\tproc.name ~', "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex', 'in', 'intersects', 'pmatch'; got '~' at 2:14"],
];

/** Replace every blank outside quotes with `ws` (blanks are the separators the printer emits). */
function vary(s: string, ws: string): string {
  let out = '';
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q !== null) {
      out += c;
      if (c === '\\') out += s[++i] ?? '';
      else if (c === q) q = null;
    } else if (c === '"' || c === "'") {
      q = c;
      out += c;
    } else if (c === ' ') {
      out += ws;
    } else {
      out += c;
    }
  }
  return out;
}

/** Add blanks around parentheses and commas outside quotes (also optional separators). */
function spaced(s: string, ws: string): string {
  let out = '';
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q !== null) {
      out += c;
      if (c === '\\') out += s[++i] ?? '';
      else if (c === q) q = null;
    } else if (c === '"' || c === "'") {
      q = c;
      out += c;
    } else if (c === '(' || c === ')' || c === ',') {
      // `name(` of a transformer/val and `not(` must stay glued; a list's '(' need not.
      const glued = c === '(' && /[a-z0-9]$/.test(out) && !/ (in|intersects|pmatch|oneof|anyof|allof)$/.test(out);
      // ...and so must `)[` of getopt(...)[t].
      const beforeArg = c === ')' && s[i + 1] === '[';
      out += glued ? c : beforeArg ? `${ws}${c}` : `${ws}${c}${ws}`;
    } else {
      out += c;
    }
  }
  return out;
}

const WS = [' ', '  ', '\t', '\n', '\r\n', ' \t\r\n ', '\f', '\b', '\v'];

test('parser accepts the grammar and prints the canonical form', () => {
  for (const [input, canonical] of ACCEPT) {
    const got = printExpr(parseCondition(input));
    assert.equal(got, canonical, `input: ${JSON.stringify(input)}`);
    // The canonical form is a fixed point.
    assert.equal(printExpr(parseCondition(canonical)), canonical, `canonical: ${canonical}`);
  }
});

test('every accepted input parses the same with whitespace variants', () => {
  for (const [input, canonical] of ACCEPT) {
    for (const ws of WS) {
      for (const v of [vary(input, ws), `${ws}${input}${ws}`, vary(canonical, ws), spaced(canonical, ws)]) {
        assert.equal(printExpr(parseCondition(v)), canonical, `variant: ${JSON.stringify(v)}`);
      }
    }
  }
});

test('parser rejects with exact messages and positions', () => {
  for (const [input, message] of REJECT) {
    assert.throws(() => parseCondition(input), (e: unknown) => {
      assert.ok(e instanceof FilterError, `not a FilterError for ${JSON.stringify(input)}`);
      assert.equal(e.code, 'KES_FILTER_PARSE');
      assert.equal(e.message, message, `input: ${JSON.stringify(input)}`);
      return true;
    });
  }
});

test('error positions carry idx, line and col', () => {
  try {
    parseCondition('a and\n\tproc.name ~ x');
    assert.fail('no error');
  } catch (e) {
    assert.ok(e instanceof FilterError);
    assert.deepEqual(e.pos, { idx: 17, line: 2, col: 12 });
    assert.equal(e.exitCode, 3);
  }
});

test('nodes carry positions (line, column, index)', () => {
  const e = parseCondition('evt.type = open and\n  not proc.name in (a, "b")') as Expr & { kind: 'and' };
  assert.equal(e.kind, 'and');
  assert.deepEqual(e.pos, { idx: 0, line: 1, col: 1 });
  const first = e.children[0] as BinaryCheck;
  assert.deepEqual(first.opPos, { idx: 9, line: 1, col: 10 });
  assert.deepEqual(first.right.pos, { idx: 11, line: 1, col: 12 });
  const not = e.children[1];
  assert.equal(not.kind, 'not');
  assert.deepEqual(not.pos, { idx: 22, line: 2, col: 3 });
  const check = (not as { child: BinaryCheck }).child;
  assert.deepEqual(check.pos, { idx: 26, line: 2, col: 7 });
  assert.equal(check.right.kind, 'list');
  const items = (check.right as unknown as { items: { pos: unknown }[] }).items;
  assert.deepEqual(items[1].pos, { idx: 43, line: 2, col: 24 });
  // A field argument's position points inside the brackets.
  const t = parseCondition('proc.aname[2] = x') as BinaryCheck;
  assert.equal(t.left.kind, 'field');
  assert.deepEqual((t.left as { argPos: unknown }).argPos, { idx: 11, line: 1, col: 12 });
});

test('depth cap: 10,000 nested parentheses, nots, transformers are clean errors', () => {
  const deep = `${'('.repeat(10000)}a${')'.repeat(10000)}`;
  assert.throws(() => parseCondition(deep), { code: 'KES_FILTER_PARSE', message: 'exceeded max depth limit of 1000 at 1:251' });
  assert.throws(() => parseCondition(`${'tolower('.repeat(10000)}proc.name${')'.repeat(10000)} = a`), /exceeded max depth limit of 1000/);
  assert.throws(() => parseCondition(`${'not ('.repeat(10000)}a${')'.repeat(10000)}`), /exceeded max depth limit of 1000/);
  // Flat repetition is not depth: long and-chains and not-chains parse.
  assert.equal(printExpr(parseCondition(`${'not '.repeat(10001)}a`)), 'not a');
  const chain = Array.from({ length: 20000 }, (_, i) => `m${i}`).join(' and ');
  const parsed = parseCondition(chain);
  assert.equal(parsed.kind, 'and');
  assert.equal((parsed as unknown as { children: unknown[] }).children.length, 20000);
  // A lower cap is honoured.
  // or/and/not/check per level: `((a))` needs 12.
  assert.throws(() => parseCondition('((a))', { maxDepth: 11 }), /exceeded max depth limit of 11/);
  assert.equal(printExpr(parseCondition('((a))', { maxDepth: 12 })), 'a');
});

test('value expressions (for outputs)', () => {
  assert.equal(printNode(parseValueExpr('proc.aname[2]')), 'proc.aname[2]');
  assert.equal(printNode(parseValueExpr(' tolower(proc.name) ')), 'tolower(proc.name)');
  assert.throws(() => parseValueExpr('proc.name = x'), { message: "unexpected '=' after the expression at 1:11" });
  assert.throws(() => parseValueExpr('macro'), { message: "expected a field name or a transformer, got 'macro' at 1:1" });
});

test('macro substitution replaces identifiers and reports undefined ones with positions', () => {
  const macros: Record<string, Expr> = {
    spawned_process: parseCondition('evt.type in (execve, execveat)'),
    container: parseCondition('container.id != host'),
    shell: parseCondition('proc.name in (bash, sh) and spawned_process'),
  };
  const resolve = (n: string) => (Object.prototype.hasOwnProperty.call(macros, n) ? macros[n] : undefined);
  const ast = parseCondition('shell and not container');
  assert.deepEqual(macroRefs(ast).map((r) => r.name), ['shell', 'container']);
  const r = substituteMacros(ast, resolve);
  assert.equal(printExpr(r.expr), 'proc.name in (bash, sh) and evt.type in (execve, execveat) and not container.id != host');
  assert.deepEqual([...r.used].sort(), ['container', 'shell', 'spawned_process']);
  assert.equal(r.undefinedRefs.length, 0);
  // Substituted nodes remember the macro they came from.
  const and = r.expr as unknown as { children: Expr[] };
  assert.equal(and.children[0].macro, 'shell');
  // Undefined macros: reported with positions, first one is an error in expandMacros.
  const u = substituteMacros(parseCondition('shell and\n  nope or other'), resolve);
  assert.deepEqual(u.undefinedRefs.map((x) => [x.name, x.pos.line, x.pos.col]), [['nope', 2, 3], ['other', 2, 11]]);
  assert.throws(() => expandMacros(parseCondition('shell and\n  nope'), resolve), { code: 'KES_FILTER_PARSE', message: "undefined macro 'nope' used in filter at 2:3" });
  // An undefined macro inside a macro body names the macro.
  const withBad = { ...macros, bad: parseCondition('proc.name = x or missing') };
  assert.throws(() => expandMacros(parseCondition('bad'), (n) => (Object.prototype.hasOwnProperty.call(withBad, n) ? withBad[n as keyof typeof withBad] : undefined)),
    { message: "undefined macro 'missing' used in filter at 1:18 (in macro 'bad')" });
  // Self reference is an error, not an endless expansion.
  const loop: Record<string, Expr> = { a: parseCondition('b'), b: parseCondition('proc.name = x and a') };
  assert.throws(() => expandMacros(parseCondition('a'), (n) => loop[n]), { message: "macro 'a' refers to itself (a -> b -> a) at 1:19 (in macro 'b')" });
});
