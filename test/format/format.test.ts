// Output formats: parsing (%field, %field[arg], %NNfield, '*'), missing-field handling, JSON
// shape, and clear errors. Fields come from a real StateFieldRegistry plus a few fixed ones.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledFormat, DEFAULT_FORMAT } from '../../src/format/format.js';
import { StateFieldRegistry } from '../../src/state/fields.js';
import { Inspector } from '../../src/state/inspector.js';
import { KestrelError } from '../../src/errors.js';
import { renderBuffer } from '../../src/format/args.js';
import type { FieldDef } from '../../src/filter/field-api.js';
import type { EvalContext } from '../../src/state/inspector.js';
import { ev, i64, u32 } from '../state/events.js';

function fixed(name: string, type: FieldDef['type'], v: unknown, extra: Partial<FieldDef<EvalContext>> = {}): FieldDef<EvalContext> {
  return { name, type, desc: 'test', arg: 'none', extract: () => v as never, ...extra };
}

const reg = new StateFieldRegistry([
  fixed('t.str', 'string', 'hello'),
  fixed('t.num', 'int64', 42),
  fixed('t.big', 'uint64', 1234567890123456789n),
  fixed('t.bool', 'bool', false),
  fixed('t.none', 'string', null),
  fixed('t.quote', 'string', 'a "quoted"\nline'),
  { name: 't.arg', type: 'string', desc: 'test', arg: 'required', argKind: 'key', extract: (_c, a) => `arg=${String(a)}` },
  { name: 't.idx', type: 'int64', desc: 'test', arg: 'optional', argKind: 'index', extract: (_c, a) => (typeof a === 'number' ? a * 10 : -1) },
]);
const insp = new Inspector(ev(8, 1, [i64(0), u32(1)]));
const ctx = insp.process(ev(8, 1, [i64(0), u32(1)]));

test('fields, literals and arguments', () => {
  const f = new CompiledFormat('<%t.str> %t.num %t.big %t.bool %t.arg.key1 %t.arg[k2] %t.idx[3] %t.idx', reg);
  assert.equal(f.format(ctx), '<hello> 42 1234567890123456789 false arg=key1 arg=k2 30 -1');
});

test("without '*' an event with a missing field is skipped; with '*' it prints <NA>", () => {
  assert.equal(new CompiledFormat('%t.str %t.none', reg).format(ctx), null);
  assert.equal(new CompiledFormat('*%t.str %t.none', reg).format(ctx), 'hello <NA>');
});

test('%NNfield is a column of exactly NN characters', () => {
  assert.equal(new CompiledFormat('[%8t.str][%3t.str][%4t.num]', reg).format(ctx), '[hello   ][hel][42  ]');
});

test('a trailing dot after a field is text', () => {
  assert.equal(new CompiledFormat('%t.str.', reg).format(ctx), 'hello.');
});

test('JSON: keys sorted, typed values, null for missing with *', () => {
  const f = new CompiledFormat('*%t.str %t.num %t.bool %t.none %t.big %t.quote', reg);
  const j = f.json(ctx)!;
  assert.equal(j, '{"t.big":1234567890123456789,"t.bool":false,"t.none":null,"t.num":42,"t.quote":"a \\"quoted\\"\\nline","t.str":"hello"}');
  assert.equal(new CompiledFormat('%t.str %t.none', reg).json(ctx), null);
});

test('unknown fields fail with KES_FORMAT, the offset and a suggestion', () => {
  assert.throws(() => new CompiledFormat('%evt.num %proc.nmae', reg), (e: unknown) => {
    assert.ok(e instanceof KestrelError);
    assert.equal(e.code, 'KES_FORMAT');
    assert.match(e.message, /proc\.nmae/);
    assert.match(e.message, /offset 9/);
    assert.match(e.message, /did you mean %proc\.name/);
    return true;
  });
  assert.throws(() => new CompiledFormat('%proc.aname[2', reg), /unterminated '\['/);
  assert.throws(() => new CompiledFormat('%t.arg', reg), /invalid formatting token/, 'a required argument is missing');
  assert.throws(() => new CompiledFormat('100%', reg), /invalid formatting token/);
});

test('the default format has the columns of sysdig', () => {
  const f = new CompiledFormat(DEFAULT_FORMAT, reg);
  assert.deepEqual(f.fields.map((x) => x.text), ['evt.num', 'evt.outputtime', 'evt.cpu', 'proc.name', 'thread.tid', 'evt.dir', 'evt.type', 'evt.info']);
  assert.equal(f.printAll, true);
});

test('buffer modes: ascii keeps newlines, hex dumps 16 bytes a line', () => {
  const b = Buffer.from('ab\ncd\x00\x01efghijklmnopqrstuvwxyz');
  assert.equal(renderBuffer(b, 0, b.length, 'ascii'), '\nab\ncdefghijklmnopqrstuvwxyz');
  const hex = renderBuffer(b, 0, 18, 'hex').split('\n');
  assert.equal(hex[1], '\t0x0000: 6162 0a63 6400 0165 6667 6869 6a6b 6c6d  ab.cd..efghijklm');
  assert.equal(hex[2], '\t0x0010: 6e6f                                     no');
  assert.equal(renderBuffer(b, 0, 4, 'normal'), 'ab.c');
});

test('transformers in formats go through the filter compiler (Falco output syntax)', async () => {
  const { compileValueExpr } = await import('../../src/filter/compile.js');
  const vc = (t: string) => compileValueExpr<EvalContext>(t, reg);
  const f = new CompiledFormat('%toupper(t.str) [%7tolower(t.str)] %t.num', reg, { valueCompiler: vc });
  assert.equal(f.format(ctx), 'HELLO [hello  ] 42');
  assert.throws(() => new CompiledFormat('%toupper(t.str)', reg), /transformers .* not available/);
  assert.throws(() => new CompiledFormat('%nosuch(t.str)', reg, { valueCompiler: vc }), (e: unknown) => e instanceof KestrelError && e.code === 'KES_FORMAT');
  assert.throws(() => new CompiledFormat('%toupper(t.str', reg, { valueCompiler: vc }), /unterminated '\('/);
});
