// Type checking and code generation: a condition AST becomes one JS predicate, built once
// with `new Function`.
//
//   condition text ─parse─► AST ─macros─► AST ─resolve fields, check types─► comparators
//        (closures over parsed literals) ─codegen─► function match(ctx) { ... }
//
// What the generated source contains (see `source` on the result, and
// docs/notes/filter-codegen.md): only identifiers this file makes up (f3, a3, k7, v3, ctx) and
// the boolean structure. Every user literal (strings, numbers, regexes, lists) is parsed here
// into a comparator closure and reaches the function through the constants array `S.K`;
// fields are reached through the fixed accessor array `S.F` (FieldDef objects) with their
// arguments in `S.A`. So no text from a rule ever becomes code, and no property of event data
// is looked up by a name taken from a rule.
//
// Evaluation is lazy: `and`/`or` short-circuit, and each (field, argument) pair is extracted
// at most once per call: its local starts `undefined` and is filled on first use (extractors
// return null, never undefined, for "not available").
//
// Semantics follow libsinsp: a check on an unavailable (null) value is false, whatever the
// operator (`!=` included); `exists` is true iff the value is available; `not` then inverts.

import type RE2 from 're2';
import { createRequire } from 'node:module';
import type { CmpOp, Expr, FieldRef, Lhs, ListValue, Modifier, Node, Pos, Rhs, Transformer, TransformerArg, Value } from './ast.js';
import { FilterError, type FilterErrorCode } from './errors.js';
import type { FieldDef, FieldRegistry, FieldType, FieldValue } from './field-api.js';
import { expandMacros, type MacroResolver } from './macros.js';
import { parseCondition, parseValueExpr } from './parser.js';
import {
  PathPrefixSet, asBytes, b64decode, basename, compileGlob, getopt, inNet, ipKey, memoize, parseHex,
  parseIpNet, type IpNet,
} from './runtime.js';
import { evtTypesOf } from './evttypes.js';
import { EVENT_NAME, SYSCALL_NAME } from '../events/generated/event-table.js';

// ---- public API ----------------------------------------------------------------------------

export interface CompileOptions {
  /** Macro bodies by name (text or parsed), or a resolver. Without it, any macro reference is undefined. */
  macros?: MacroResolver | Readonly<Record<string, string | Expr>>;
  /** Parser recursion cap (default 1000). */
  maxDepth?: number;
}

export interface CompiledFilter<C = unknown> {
  /** Evaluate the condition on one event context. */
  match(ctx: C): boolean;
  /** Event type ids the condition can match; null when it does not constrain the type. */
  readonly evtTypes: Set<number> | null;
  /** Generated source, for debugging (`kestrel` can print it). */
  readonly source: string;
  /** Names of the fields the condition reads, in first-use order. */
  readonly fields: readonly string[];
  /** The AST after macro substitution. */
  readonly ast: Expr;
}

export interface CompiledValue<C = unknown> {
  /** Extract (and transform) the value for one event context; null if unavailable. */
  eval(ctx: C): FieldValue;
  readonly type: FieldType;
  readonly isList: boolean;
  readonly source: string;
}

/** Compile a condition (text or an already-parsed AST) against a field registry. */
export function compileFilter<C>(text: string | Expr, registry: FieldRegistry<C>, opts: CompileOptions = {}): CompiledFilter<C> {
  const parsed = typeof text === 'string' ? parseCondition(text, { maxDepth: opts.maxDepth }) : text;
  const ast = expandMacros(parsed, toResolver(opts.macros, opts.maxDepth));
  const cg = new CodeGen(registry as FieldRegistry<unknown>);
  const body = cg.expr(ast);
  const { source, fn } = cg.build(body, 'match');
  return { match: fn as (ctx: C) => boolean, evtTypes: evtTypesOf(ast), source, fields: cg.fieldNames(), ast };
}

/**
 * Compile a value expression (a field or a transformer, e.g. `proc.aname[2]` or
 * `tolower(proc.name)`) for output formatting.
 */
export function compileValueExpr<C>(text: string | Lhs, registry: FieldRegistry<C>): CompiledValue<C> {
  const lhs = typeof text === 'string' ? parseValueExpr(text) : text;
  const cg = new CodeGen(registry as FieldRegistry<unknown>);
  const op = cg.operand(lhs, 'lhs');
  const { source, fn } = cg.build(op.code, 'value');
  return { eval: fn as (ctx: C) => FieldValue, type: op.type, isList: op.shape === 'list', source };
}

function toResolver(m: CompileOptions['macros'], maxDepth: number | undefined): MacroResolver {
  if (m === undefined) return () => undefined;
  if (typeof m === 'function') return m;
  const cache = new Map<string, Expr>();
  return (name) => {
    // Own properties only: a macro called `constructor` or `__proto__` is just undefined.
    if (!Object.prototype.hasOwnProperty.call(m, name)) return undefined;
    const v = m[name];
    if (typeof v !== 'string') return v;
    let e = cache.get(name);
    if (e === undefined) {
      e = parseCondition(v, { maxDepth });
      cache.set(name, e);
    }
    return e;
  };
}

// ---- types ---------------------------------------------------------------------------------

/** How values of a type are compared. */
type Cat = 'str' | 'num' | 'bool' | 'ip' | 'net' | 'bytes';
/** scalar: one value; list: a list value (in/intersects); any: several values, any may match. */
type Shape = 'scalar' | 'list' | 'any';

function catOf(t: FieldType): Cat {
  switch (t) {
    case 'string': return 'str';
    case 'bytebuf': return 'bytes';
    case 'bool': return 'bool';
    case 'ipaddr': return 'ip';
    case 'ipnet': return 'net';
    default: return 'num';
  }
}

interface Operand {
  /** JS expression producing the value (or null). */
  readonly code: string;
  readonly type: FieldType;
  readonly cat: Cat;
  readonly shape: Shape;
  /** For messages: `proc.name`, `tolower(proc.name)`. */
  readonly label: string;
  /** The plain `evt.type` field (event-type literals are validated). */
  readonly isEvtType: boolean;
  /** A matchAny field whose `!=` means "no value equals" (FieldDef.matchAnyNe). */
  readonly neNoneEqual?: boolean;
}

type Pred = (v: unknown) => boolean;
type Pred2 = (l: unknown, r: unknown) => boolean;

const KNOWN_EVENT_NAMES: ReadonlySet<string> = new Set([...EVENT_NAME, ...SYSCALL_NAME]);

function fail(code: FilterErrorCode, reason: string, n: { readonly pos: Pos; readonly macro?: string }): never {
  throw new FilterError(code, reason, n.pos, n.macro);
}

function label(n: Node): string {
  switch (n.kind) {
    case 'field': return n.arg === undefined ? n.name : `${n.name}[${n.arg}]`;
    case 'transformer': return `${n.name}(${n.args.map(label).join(', ')})${n.arg === undefined ? '' : `[${n.arg}]`}`;
    case 'val': return `val(${label(n.field)})`;
    case 'value': return n.value;
    case 'list': return `(${n.items.map((i) => i.value).join(', ')})`;
    default: return n.kind;
  }
}

function typeName(o: Operand): string {
  return o.shape === 'list' ? `${o.type} list` : o.type;
}

// ---- literal parsing -----------------------------------------------------------------------

const INT_RE = /^[+-]?(?:0[xX][0-9a-fA-F]+|[0-9]+)$/;
const FLOAT_RE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

function parseNumber(v: Value, type: FieldType, what: string): number | bigint {
  const t = v.value.trim();
  if (type === 'double') {
    if (!FLOAT_RE.test(t) && !INT_RE.test(t)) fail('KES_FILTER_TYPE', `'${v.value}' is not a number (${what} is ${type})`, v);
    return INT_RE.test(t) && /0[xX]/.test(t) ? Number(BigInt(t.replace(/^[+-]/, '')) * (t.startsWith('-') ? -1n : 1n)) : Number(t);
  }
  if (!INT_RE.test(t)) fail('KES_FILTER_TYPE', `'${v.value}' is not an integer (${what} is ${type})`, v);
  const neg = t.startsWith('-');
  const big = BigInt(t.replace(/^[+-]/, '')) * (neg ? -1n : 1n);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function parseBool(v: Value, what: string): boolean {
  const t = v.value.toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return fail('KES_FILTER_TYPE', `'${v.value}' is not a boolean (true, false, 1, 0) for ${what}`, v);
}

function parseIp(v: Value, what: string): number | string {
  const k = ipKey(v.value);
  if (k === null) {
    const hint = v.value.includes('/') ? `; ${what} is an address, compare networks with a network field such as fd.net` : '';
    fail('KES_FILTER_TYPE', `'${v.value}' is not an IP address${hint}`, v);
  }
  return k;
}

function parseNet(v: Value, what: string): IpNet {
  const n = parseIpNet(v.value);
  if (n === null) fail('KES_FILTER_TYPE', `'${v.value}' is not an IP network (such as 10.0.0.0/8) for ${what}`, v);
  return n;
}

// re2 is a native addon (~10-15 ms to load): loaded on the first regex a filter uses, so
// filters without one (and `kestrel inspect` replays) do not pay for it.
let re2Ctor: typeof RE2 | null = null;
function loadRe2(): typeof RE2 {
  return re2Ctor ??= createRequire(import.meta.url)('re2') as typeof RE2;
}

function makeRegex(v: Value): RE2 {
  const RE2 = loadRe2();
  let re: RE2;
  try {
    // Validate the pattern alone first: only a pattern that compiles on its own (balanced
    // groups) can be wrapped without changing its meaning.
    new RE2(v.value, 'u');
    re = new RE2(`^(?:${v.value})$`, 'u');
  } catch (e) {
    return fail('KES_FILTER_TYPE', `invalid regex '${v.value}': ${(e as Error).message}`, v);
  }
  return re;
}

// ---- comparators on literals ----------------------------------------------------------------

const isNum = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';

function boolOf(v: unknown): boolean | null {
  if (v === true || v === 1 || v === 1n) return true;
  if (v === false || v === 0 || v === 0n) return false;
  return null;
}

/** Comparator for `v op literal` on a scalar value of category `cat`. */
function literalPred(cat: Cat, type: FieldType, op: CmpOp, lit: Value, what: string, opAt: { readonly pos: Pos; readonly macro?: string }): Pred {
  switch (cat) {
    case 'str': {
      const k = lit.value;
      switch (op) {
        case '=': case '==': return (v) => v === k;
        case '!=': return (v) => typeof v === 'string' && v !== k;
        case '<': return (v) => typeof v === 'string' && v < k;
        case '<=': return (v) => typeof v === 'string' && v <= k;
        case '>': return (v) => typeof v === 'string' && v > k;
        case '>=': return (v) => typeof v === 'string' && v >= k;
        case 'contains': return (v) => typeof v === 'string' && v.includes(k);
        case 'icontains': { const kl = k.toLowerCase(); return (v) => typeof v === 'string' && v.toLowerCase().includes(kl); }
        case 'startswith': return (v) => typeof v === 'string' && v.startsWith(k);
        case 'endswith': return (v) => typeof v === 'string' && v.endsWith(k);
        case 'glob': { const m = compileGlob(k); return (v) => typeof v === 'string' && m(v); }
        case 'iglob': { const m = compileGlob(k, true); return (v) => typeof v === 'string' && m(v); }
        case 'regex': { const re = makeRegex(lit); const m = memoize((x) => re.test(x)); return (v) => typeof v === 'string' && m(v); }
        case 'bcontains': case 'bstartswith': return bytesPred(op, lit, what);
        default: break;
      }
      break;
    }
    case 'bytes': {
      switch (op) {
        case '=': case '==': { const k = Buffer.from(lit.value, 'utf8'); return (v) => { const b = asBytes(v); return b !== null && b.equals(k); }; }
        case '!=': { const k = Buffer.from(lit.value, 'utf8'); return (v) => { const b = asBytes(v); return b !== null && !b.equals(k); }; }
        case 'contains': case 'startswith': case 'endswith': {
          const k = Buffer.from(lit.value, 'utf8');
          return bufferPred(op, k);
        }
        case 'bcontains': case 'bstartswith': return bytesPred(op, lit, what);
        default: break;
      }
      break;
    }
    case 'num': {
      const k = parseNumber(lit, type, what);
      switch (op) {
        // `==` on number|bigint compares mathematically (10n == 10); both sides are numeric here.
        case '=': case '==': return (v) => isNum(v) && v == k;
        case '!=': return (v) => isNum(v) && v != k;
        case '<': return (v) => isNum(v) && v < k;
        case '<=': return (v) => isNum(v) && v <= k;
        case '>': return (v) => isNum(v) && v > k;
        case '>=': return (v) => isNum(v) && v >= k;
        default: break;
      }
      break;
    }
    case 'bool': {
      const k = parseBool(lit, what);
      if (op === '=' || op === '==') return (v) => boolOf(v) === k;
      if (op === '!=') return (v) => { const b = boolOf(v); return b !== null && b !== k; };
      break;
    }
    case 'ip': {
      const k = parseIp(lit, what);
      if (op === '=' || op === '==') return (v) => ipKey(v) === k;
      if (op === '!=') return (v) => { const x = ipKey(v); return x !== null && x !== k; };
      break;
    }
    case 'net': {
      const net = parseNet(lit, what);
      if (op === '=' || op === '==') return (v) => inNet(v, net);
      if (op === '!=') return (v) => ipKey(v) !== null && !inNet(v, net);
      break;
    }
  }
  return fail('KES_FILTER_TYPE', `operator '${op}' cannot be used on ${what} (${type})`, opAt);
}

function bufferPred(op: 'contains' | 'startswith' | 'endswith' | 'bcontains' | 'bstartswith', k: Buffer): Pred {
  switch (op) {
    case 'contains': case 'bcontains':
      return (v) => { const b = asBytes(v); return b !== null && b.indexOf(k) >= 0; };
    case 'startswith': case 'bstartswith':
      return (v) => { const b = asBytes(v); return b !== null && b.length >= k.length && b.compare(k, 0, k.length, 0, k.length) === 0; };
    case 'endswith':
      return (v) => { const b = asBytes(v); return b !== null && b.length >= k.length && b.compare(k, 0, k.length, b.length - k.length, b.length) === 0; };
  }
}

function bytesPred(op: 'bcontains' | 'bstartswith', lit: Value, what: string): Pred {
  const k = parseHex(lit.value);
  if (k === null) fail('KES_FILTER_TYPE', `'${op}' needs hex bytes (such as 7f454c46), got '${lit.value}' for ${what}`, lit);
  return bufferPred(op, k);
}

/** Membership comparator for `in` / `intersects` against a literal list (a Set where possible). */
function setPred(cat: Cat, type: FieldType, items: readonly Value[], what: string): Pred {
  switch (cat) {
    case 'str': {
      const set = new Set(items.map((i) => i.value));
      return (v) => typeof v === 'string' && set.has(v);
    }
    case 'num': {
      // Both forms: a number-valued field hits the number, a bigint-valued one the bigint.
      const set = new Set<number | bigint>();
      for (const i of items) {
        const n = parseNumber(i, type, what);
        set.add(n);
        if (typeof n === 'number' && Number.isInteger(n)) set.add(BigInt(n));
        if (typeof n === 'bigint' && n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)) set.add(Number(n));
      }
      return (v) => isNum(v) && set.has(v);
    }
    case 'bool': {
      const set = new Set(items.map((i) => parseBool(i, what)));
      return (v) => { const b = boolOf(v); return b !== null && set.has(b); };
    }
    case 'ip': {
      const set = new Set(items.map((i) => parseIp(i, what)));
      return (v) => { const k = ipKey(v); return k !== null && set.has(k); };
    }
    case 'net': {
      const nets = items.map((i) => parseNet(i, what));
      return (v) => nets.some((n) => inNet(v, n));
    }
    case 'bytes': {
      const bufs = items.map((i) => Buffer.from(i.value, 'utf8'));
      return (v) => { const b = asBytes(v); return b !== null && bufs.some((k) => b.equals(k)); };
    }
  }
}

// ---- comparators on a computed right-hand side (val(), transformers) -------------------------

function dynamicPred(cat: Cat, op: CmpOp, rhsShape: Shape, at: Node, what: string): Pred2 {
  if (op === 'in' || op === 'intersects') {
    const eq = dynamicPred(cat, '=', 'scalar', at, what);
    if (rhsShape === 'scalar') return eq;
    return (l, r) => Array.isArray(r) && r.some((x) => eq(l, x));
  }
  if (rhsShape !== 'scalar') fail('KES_FILTER_TYPE', `operator '${op}' needs a single value on the right-hand side, got a list`, at);
  switch (cat) {
    case 'str': {
      switch (op) {
        case '=': case '==': return (l, r) => typeof l === 'string' && l === r;
        case '!=': return (l, r) => typeof l === 'string' && typeof r === 'string' && l !== r;
        case '<': return (l, r) => typeof l === 'string' && typeof r === 'string' && l < r;
        case '<=': return (l, r) => typeof l === 'string' && typeof r === 'string' && l <= r;
        case '>': return (l, r) => typeof l === 'string' && typeof r === 'string' && l > r;
        case '>=': return (l, r) => typeof l === 'string' && typeof r === 'string' && l >= r;
        case 'contains': return (l, r) => typeof l === 'string' && typeof r === 'string' && l.includes(r);
        case 'icontains': return (l, r) => typeof l === 'string' && typeof r === 'string' && l.toLowerCase().includes(r.toLowerCase());
        case 'startswith': return (l, r) => typeof l === 'string' && typeof r === 'string' && l.startsWith(r);
        case 'endswith': return (l, r) => typeof l === 'string' && typeof r === 'string' && l.endsWith(r);
        case 'glob': case 'iglob': {
          // The pattern changes per event: keep the matcher of the last one.
          const ci = op === 'iglob';
          let lastPat: string | null = null;
          let m: (s: string) => boolean = () => false;
          return (l, r) => {
            if (typeof l !== 'string' || typeof r !== 'string') return false;
            if (r !== lastPat) { lastPat = r; m = compileGlob(r, ci); }
            return m(l);
          };
        }
        default: break;
      }
      break;
    }
    case 'bytes': {
      if (op === '=' || op === '==') return (l, r) => { const a = asBytes(l); const b = asBytes(r); return a !== null && b !== null && a.equals(b); };
      if (op === '!=') return (l, r) => { const a = asBytes(l); const b = asBytes(r); return a !== null && b !== null && !a.equals(b); };
      break;
    }
    case 'num': {
      switch (op) {
        case '=': case '==': return (l, r) => isNum(l) && isNum(r) && l == r;
        case '!=': return (l, r) => isNum(l) && isNum(r) && l != r;
        case '<': return (l, r) => isNum(l) && isNum(r) && l < r;
        case '<=': return (l, r) => isNum(l) && isNum(r) && l <= r;
        case '>': return (l, r) => isNum(l) && isNum(r) && l > r;
        case '>=': return (l, r) => isNum(l) && isNum(r) && l >= r;
        default: break;
      }
      break;
    }
    case 'bool': {
      if (op === '=' || op === '==') return (l, r) => { const a = boolOf(l); return a !== null && a === boolOf(r); };
      if (op === '!=') return (l, r) => { const a = boolOf(l); const b = boolOf(r); return a !== null && b !== null && a !== b; };
      break;
    }
    case 'ip': {
      if (op === '=' || op === '==') return (l, r) => { const a = ipKey(l); return a !== null && a === ipKey(r); };
      if (op === '!=') return (l, r) => { const a = ipKey(l); const b = ipKey(r); return a !== null && b !== null && a !== b; };
      break;
    }
    case 'net': break;
  }
  return fail('KES_FILTER_TYPE', `operator '${op}' cannot compare ${what} with a right-hand side field`, at);
}

function compatible(a: Cat, b: Cat): boolean {
  if (a === b) return true;
  return (a === 'str' && b === 'bytes') || (a === 'bytes' && b === 'str');
}

// ---- code generation ---------------------------------------------------------------------

interface Slot { readonly def: FieldDef<unknown>; readonly arg: string | number | undefined; readonly name: string }

class CodeGen {
  private readonly registry: FieldRegistry<unknown>;
  private readonly slots: Slot[] = [];
  private readonly slotIndex = new Map<string, number>();
  private readonly consts: unknown[] = [];
  /** How many times the generated code reads each slot. */
  private readonly uses: number[] = [];
  private argFields: Map<string, FieldDef<unknown>> | null = null;

  constructor(registry: FieldRegistry<unknown>) {
    this.registry = registry;
  }

  fieldNames(): string[] {
    const seen = new Set<string>();
    for (const s of this.slots) seen.add(s.def.name);
    return [...seen];
  }

  private konst(v: unknown): string {
    this.consts.push(v);
    return `k${this.consts.length - 1}`;
  }

  build(body: string, name: 'match' | 'value'): { source: string; fn: (ctx: unknown) => unknown } {
    const lines: string[] = ['"use strict";'];
    for (let i = 0; i < this.slots.length; i++) lines.push(`const f${i} = S.F[${i}], a${i} = S.A[${i}];`);
    for (let i = 0; i < this.consts.length; i++) lines.push(`const k${i} = S.K[${i}];`);
    // Field accesses: a field read once is extracted in place; one read several times is
    // extracted on first use into its local (undefined until then), so at most once per call.
    // The placeholders are `$N$`; the body holds nothing else with a '$' (no rule text).
    const locals: string[] = [];
    body = body.replace(/\$(\d+)\$/g, (_, d: string) => {
      const i = Number(d);
      if (this.uses[i] <= 1) return `(f${i}.extract(ctx, a${i}) ?? null)`;
      return `(v${i} === undefined ? (v${i} = f${i}.extract(ctx, a${i}) ?? null) : v${i})`;
    });
    for (let i = 0; i < this.slots.length; i++) if (this.uses[i] > 1) locals.push(`v${i}`);
    lines.push(`return function ${name}(ctx) {`);
    if (locals.length > 0) lines.push(`  let ${locals.join(', ')};`);
    lines.push(`  return ${body};`);
    lines.push('};');
    const source = lines.join('\n');
    const state = {
      F: this.slots.map((s) => s.def),
      A: this.slots.map((s) => s.arg),
      K: this.consts,
    };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const fn = new Function('S', source)(state) as (ctx: unknown) => unknown;
    return { source, fn };
  }

  // ---- boolean structure ----

  expr(e: Expr): string {
    switch (e.kind) {
      case 'and': return `(${e.children.map((c) => this.expr(c)).join(' && ')})`;
      case 'or': return `(${e.children.map((c) => this.expr(c)).join(' || ')})`;
      case 'not': return `!${this.expr(e.child)}`;
      case 'identifier': return fail('KES_FILTER_PARSE', `undefined macro '${e.name}' used in filter`, e);
      case 'unary': {
        const l = this.operand(e.left, 'lhs');
        return `(${l.code} !== null)`;
      }
      case 'binary': return this.binary(e.left, e.op, e.mod, e.right, { pos: e.opPos, macro: e.macro });
    }
  }

  private binary(left: Lhs, op: CmpOp, mod: Modifier | undefined, right: Rhs, at: { readonly pos: Pos; readonly macro?: string }): string {
    const l = this.operand(left, 'lhs');
    const what = l.label;
    // On a list, `in` means every value is in the set and `intersects` that one is (libsinsp).
    // Other operators, which libsinsp refuses on list fields, hold if they hold for one value,
    // except `!=`, which holds if no value equals (so `x != v` is `not x = v`): field
    // implementations mark libsinsp's client-or-server fields (fd.ip, fd.net, fd.port) as
    // lists, and these are libsinsp's meanings of `fd.ip = x` and `fd.ip != x`. matchAny
    // fields do the same unless they say matchAnyNe: 'any' (ancestor fields).
    const everyValue = mod === undefined && (l.shape === 'list' ? op === 'in' || op === '!=' : l.shape === 'any' && op === '!=' && l.neNoneEqual);
    // Operators that only make sense on text.
    const textOps: ReadonlySet<CmpOp> = new Set<CmpOp>(['contains', 'icontains', 'startswith', 'endswith', 'glob', 'iglob', 'regex', 'pmatch', 'bcontains', 'bstartswith']);
    if (textOps.has(op) && l.cat !== 'str' && !(l.cat === 'bytes' && ['contains', 'startswith', 'endswith', 'bcontains', 'bstartswith'].includes(op))) {
      fail('KES_FILTER_TYPE', `operator '${op}' cannot be used on ${what} (${typeName(l)})`, at);
    }
    if (right.kind === 'val' || right.kind === 'transformer') {
      if (op === 'regex' || op === 'pmatch' || op === 'bcontains' || op === 'bstartswith') {
        fail('KES_FILTER_TYPE', `operator '${op}' doesn't support right-hand side fields`, right);
      }
      if (l.cat === 'net') fail('KES_FILTER_TYPE', `${what} (ipnet) doesn't support right-hand side fields`, right);
      const r = this.operand(right.kind === 'val' ? right.field : right, 'rhs');
      if (right.kind === 'val' && right.field.kind === 'field') {
        const def = this.resolveField(right.field).def;
        if (def.noRhs === true) fail('KES_FILTER_TYPE', `field '${def.name}' can't be used as a right-hand side field`, right);
      }
      if (!compatible(l.cat, r.cat)) {
        fail('KES_FILTER_TYPE', `cannot compare ${what} (${typeName(l)}) with ${label(right)} (${typeName(r)})`, right);
      }
      let p2 = dynamicPred(l.cat, op, r.shape, right, what);
      if (everyValue) {
        const inner = p2;
        p2 = (a, b) => (Array.isArray(a) ? a.every((x) => inner(x, b)) : inner(a, b));
      } else if (l.shape !== 'scalar') {
        const inner = p2;
        p2 = (a, b) => (Array.isArray(a) ? a.some((x) => inner(x, b)) : inner(a, b));
      }
      return `${this.konst(p2)}(${l.code}, ${r.code})`;
    }
    // Literal right-hand side.
    if (l.isEvtType && (op === '=' || op === '==' || op === '!=' || op === 'in' || op === 'intersects')) {
      const items = right.kind === 'list' ? right.items : [right];
      for (const it of items) {
        if (!KNOWN_EVENT_NAMES.has(it.value)) fail('KES_FILTER_TYPE', `unknown event type '${it.value}'`, it);
      }
    }
    let p: Pred;
    if (mod !== undefined) {
      const items = (right as ListValue).items;
      const preds = items.map((it) => literalPred(l.cat, l.type, op, it, what, at));
      p = combine(mod, preds);
    } else if (op === 'in' || op === 'intersects' || op === 'pmatch') {
      const items = right.kind === 'list' ? right.items : [right as Value];
      if (op === 'pmatch') {
        const trie = new PathPrefixSet(items.map((i) => i.value));
        p = (v) => typeof v === 'string' && trie.match(v);
      } else {
        p = setPred(l.cat, l.type, items, what);
      }
    } else {
      if (right.kind === 'list') fail('KES_FILTER_TYPE', `operator '${op}' takes a single value, not a list`, right);
      p = literalPred(l.cat, l.type, op, right as Value, what, at);
    }
    if (everyValue) {
      const inner = p;
      p = (v) => (Array.isArray(v) ? v.every(inner) : inner(v));
    } else if (l.shape !== 'scalar') {
      const inner = p;
      p = (v) => (Array.isArray(v) ? v.some(inner) : inner(v));
    }
    return `${this.konst(p)}(${l.code})`;
  }

  // ---- operands ----

  private resolveField(f: FieldRef): { def: FieldDef<unknown>; arg: string | undefined; argPos: Pos } {
    let def = this.registry.lookup(f.name);
    let arg = f.arg;
    let argPos = f.argPos ?? f.pos;
    if (def === undefined) {
      // `evt.arg.flags`, `evt.type.is.open`: the longest registered prefix that takes an argument.
      if (this.argFields === null) {
        this.argFields = new Map();
        for (const d of this.registry.all()) if (d.arg !== 'none') this.argFields.set(d.name, d);
      }
      let cut = f.name.lastIndexOf('.');
      while (cut > 0) {
        const d = this.argFields.get(f.name.slice(0, cut));
        if (d !== undefined) {
          if (f.arg !== undefined) fail('KES_FILTER_FIELD', `field '${d.name}' got two arguments ('${f.name.slice(cut + 1)}' and '${f.arg}')`, f);
          def = d;
          arg = f.name.slice(cut + 1);
          argPos = { idx: f.pos.idx + cut + 1, line: f.pos.line, col: f.pos.col + cut + 1 };
          break;
        }
        cut = f.name.lastIndexOf('.', cut - 1);
      }
    }
    if (def === undefined) {
      const s = this.registry.suggest(f.name);
      fail('KES_FILTER_FIELD', `unknown field '${f.name}'${s !== undefined ? `; did you mean '${s}'?` : ''}`, f);
    }
    if (def.arg === 'none' && arg !== undefined) fail('KES_FILTER_FIELD', `field '${def.name}' does not take an argument`, f);
    if (def.arg === 'required' && arg === undefined) fail('KES_FILTER_FIELD', `field '${def.name}' requires an argument, e.g. ${def.name}[...]`, f);
    return { def, arg, argPos };
  }

  private fieldOperand(f: FieldRef): Operand {
    const { def, arg, argPos } = this.resolveField(f);
    let a: string | number | undefined = arg;
    if (arg !== undefined && def.argKind === 'index') {
      if (!/^[0-9]+$/.test(arg)) fail('KES_FILTER_FIELD', `argument of '${def.name}' must be a non-negative integer, got '${arg}'`, { pos: argPos, macro: f.macro });
      a = Number(arg);
    }
    const key = `${def.name}\u0000${typeof a}\u0000${String(a)}`;
    let i = this.slotIndex.get(key);
    if (i === undefined) {
      i = this.slots.length;
      this.slots.push({ def, arg: a, name: def.name });
      this.uses.push(0);
      this.slotIndex.set(key, i);
    }
    // Extracted at most once per evaluation: the local is undefined until first use.
    // A placeholder, resolved in build() once the number of uses is known.
    this.uses[i]++;
    const code = `$${i}$`;
    // A field with an optional argument used without it (proc.aname, proc.apid) may hand back
    // several values even if its FieldDef does not say matchAny: libsinsp then matches if any
    // value does, so such fields get the 'any' treatment (one Array.isArray per check) rather
    // than a silent false. Plain fields skip that check.
    const shape: Shape = def.isList === true ? 'list'
      : def.matchAny === true || (def.arg === 'optional' && arg === undefined) ? 'any' : 'scalar';
    return { code, type: def.type, cat: catOf(def.type), shape, label: label(f), isEvtType: def.name === 'evt.type' && arg === undefined, neNoneEqual: def.matchAny === true ? def.matchAnyNe !== 'any' : def.matchAnyNe === 'none-equal' };
  }

  operand(n: Lhs | TransformerArg | FieldRef, side: 'lhs' | 'rhs' | 'arg'): Operand {
    switch (n.kind) {
      case 'field': return this.fieldOperand(n);
      case 'transformer': return this.transformer(n);
      case 'value': return { code: this.konst(n.value), type: 'string', cat: 'str', shape: 'scalar', label: n.value, isEvtType: false };
      case 'list': return { code: this.konst(n.items.map((i) => i.value)), type: 'string', cat: 'str', shape: 'list', label: label(n), isEvtType: false };
    }
    return fail('KES_FILTER_PARSE', `unexpected ${side} operand`, n);
  }

  private transformer(t: Transformer): Operand {
    const args = t.args.map((a) => {
      if (a.kind === 'field') {
        const def = this.resolveField(a).def;
        if (def.noTransformer === true) fail('KES_FILTER_TYPE', `field '${def.name}' cannot be used in a transformer`, a);
      }
      return this.operand(a, 'arg');
    });
    const lbl = label(t);
    const needArgs = (n: number, exact: boolean): void => {
      if (exact ? args.length !== n : args.length < n) {
        fail('KES_FILTER_TYPE', `${t.name}() takes ${exact ? 'exactly' : 'at least'} ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`, t);
      }
    };
    const noLiteral = (): void => {
      if (t.args[0].kind === 'value' || t.args[0].kind === 'list') fail('KES_FILTER_TYPE', `${t.name}() needs a field or a transformer as argument`, t.args[0]);
    };
    if (t.arg !== undefined && t.name !== 'getopt') fail('KES_FILTER_TYPE', `transformer '${t.name}' does not take an argument`, t);
    const call = (fn: unknown): string => `${this.konst(fn)}(${args.map((a) => a.code).join(', ')})`;
    switch (t.name) {
      case 'tolower': case 'toupper': case 'basename': {
        needArgs(1, true);
        noLiteral();
        const a = args[0];
        if (a.cat !== 'str') fail('KES_FILTER_TYPE', `${t.name}() needs a string argument, ${a.label} is ${typeName(a)}`, t.args[0]);
        const f: (s: string) => string = t.name === 'tolower' ? (s) => s.toLowerCase() : t.name === 'toupper' ? (s) => s.toUpperCase() : basename;
        const fn = (v: unknown): unknown => (typeof v === 'string' ? f(v) : Array.isArray(v) ? v.map((x) => f(String(x))) : null);
        return { code: call(fn), type: 'string', cat: 'str', shape: a.shape, label: lbl, isEvtType: false };
      }
      case 'b64': {
        needArgs(1, true);
        noLiteral();
        const a = args[0];
        if (a.cat !== 'str' && a.cat !== 'bytes') fail('KES_FILTER_TYPE', `b64() needs a string or bytes argument, ${a.label} is ${typeName(a)}`, t.args[0]);
        const one = (x: unknown): string | null => (typeof x === 'string' || x instanceof Uint8Array ? b64decode(x) : null);
        const fn = (v: unknown): unknown => (Array.isArray(v) ? v.map((x) => one(x) ?? '') : v == null ? null : one(v));
        return { code: call(fn), type: 'string', cat: 'str', shape: a.shape, label: lbl, isEvtType: false };
      }
      case 'len': {
        needArgs(1, true);
        noLiteral();
        const a = args[0];
        if (a.cat !== 'str' && a.cat !== 'bytes' && a.shape !== 'list') fail('KES_FILTER_TYPE', `len() needs a string, bytes or a list, ${a.label} is ${typeName(a)}`, t.args[0]);
        // Strings count bytes (UTF-8), as libsinsp does.
        const one = (x: unknown): number | null => (typeof x === 'string' ? Buffer.byteLength(x, 'utf8') : x instanceof Uint8Array ? x.length : null);
        const fn = a.shape === 'list'
          ? (v: unknown): unknown => (Array.isArray(v) ? v.length : null)
          : (v: unknown): unknown => (Array.isArray(v) ? v.map((x) => one(x) ?? 0) : v == null ? null : one(v));
        return { code: call(fn), type: 'uint64', cat: 'num', shape: a.shape === 'list' ? 'scalar' : a.shape, label: lbl, isEvtType: false };
      }
      case 'join': {
        needArgs(2, true);
        const [sep, list] = args;
        if (sep.shape !== 'scalar' || sep.cat !== 'str') fail('KES_FILTER_TYPE', `join() first argument (separator) must be a single string`, t.args[0]);
        if (list.shape !== 'list') fail('KES_FILTER_TYPE', `join() second argument must be a list, ${list.label} is ${typeName(list)}`, t.args[1]);
        const fn = (s: unknown, v: unknown): unknown => (typeof s === 'string' && Array.isArray(v) ? v.map(String).join(s) : null);
        return { code: call(fn), type: 'string', cat: 'str', shape: 'scalar', label: lbl, isEvtType: false };
      }
      case 'concat': {
        needArgs(2, false);
        args.forEach((a, i) => {
          if (a.shape !== 'scalar' || a.cat !== 'str') fail('KES_FILTER_TYPE', `concat() arguments must be strings, ${a.label} is ${typeName(a)}`, t.args[i]);
        });
        const fn = (...vs: unknown[]): unknown => {
          let out = '';
          for (const v of vs) {
            if (typeof v !== 'string') return null;
            out += v;
          }
          return out;
        };
        return { code: call(fn), type: 'string', cat: 'str', shape: 'scalar', label: lbl, isEvtType: false };
      }
      case 'getopt': {
        needArgs(2, true);
        const [argv, opts] = args;
        if (argv.shape !== 'list' || argv.cat !== 'str') fail('KES_FILTER_TYPE', `getopt() first argument must be a list of strings, ${argv.label} is ${typeName(argv)}`, t.args[0]);
        if (opts.shape !== 'scalar' || opts.cat !== 'str') fail('KES_FILTER_TYPE', `getopt() second argument (optstring) must be a single string`, t.args[1]);
        const sel = t.arg;
        if (sel !== undefined && sel.length !== 1) fail('KES_FILTER_TYPE', `getopt() field argument must be a single option character, got '${sel}'`, { pos: t.argPos ?? t.pos, macro: t.macro });
        const fn = (v: unknown, o: unknown): unknown => (Array.isArray(v) && typeof o === 'string' ? getopt(v, o, sel) : null);
        return { code: call(fn), type: 'string', cat: 'str', shape: sel === undefined ? 'list' : 'scalar', label: lbl, isEvtType: false };
      }
    }
  }
}

function combine(mod: Modifier, preds: readonly Pred[]): Pred {
  const n = preds.length;
  if (n === 0) return () => false;
  switch (mod) {
    case 'anyof': return (v) => { for (let i = 0; i < n; i++) if (preds[i](v)) return true; return false; };
    case 'allof': return (v) => { for (let i = 0; i < n; i++) if (!preds[i](v)) return false; return true; };
    case 'oneof': return (v) => {
      let hits = 0;
      for (let i = 0; i < n; i++) if (preds[i](v) && ++hits > 1) return false;
      return hits === 1;
    };
  }
}
