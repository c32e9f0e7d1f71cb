// Stage 4 of loading: turn collected lists, macros and rules into compiled rules. Order of work
// per rule is Falco's (rule_loader_compiler.cpp): exceptions → condition text; output checked;
// lists substituted into the text; parsed; macros substituted into the AST (a macro sees only
// macros defined before it, a rule sees all); compiled against the field registry; event
// types computed for the index. Problems are recorded per rule and the next rule is compiled.
import type { LoadResult, Pos } from './result.js';
import type { Collector } from './collector.js';
import type { RuleInfo } from './types.js';
import type { Priority } from '../outputs/alert.js';
import { buildExceptionCondition, expandLists, substituteLists, type ExpandedList } from './text.js';

/** A compile failure with the offset in the text where it was found (-1: unknown). */
export interface TextError {
  error: string;
  offset: number;
}

/**
 * What the loader needs from the condition language (src/filter) and the output templates
 * (src/format). Kept as an interface so the loader's stages can be tested on their own and the
 * filter implementation can evolve; src/rules/backend.ts implements it with the real ones.
 */
export interface FilterBackend<A = unknown, M = unknown, F = unknown> {
  parse(text: string): { ast: A } | TextError;
  /** Replace macro references (bare identifiers) by the macros' ASTs. */
  resolveMacros(ast: A, macros: ReadonlyMap<string, A>): { ast: A; used: ReadonlySet<string>; unknown: readonly { name: string; offset: number }[] };
  /**
   * Compile against the fields. `evtTypes` is the set of event type ids the condition can match,
   * null when it is not restricted by event type. `warnings` are non-fatal compile remarks.
   */
  compile(ast: A): { match: M; evtTypes: ReadonlySet<number> | null; warnings?: readonly TextError[] } | TextError;
  /** Validate and precompile an output template. */
  compileOutput(fmt: string): { format: F; deprecated?: readonly string[] } | TextError;
  /** Event type names for ids (for listings and the "too many event types" check). */
  evtTypeCount(types: ReadonlySet<number> | null): number;
}

/** One `append_output` entry of the configuration (Falco 0.39+). */
export interface AppendOutput {
  match?: { rule?: string; source?: string; tags?: readonly string[] };
  /** Text appended (with a space) to the output of matching rules. */
  extraOutput?: string;
  /** Bare field names (typed values) or {name: format} (formatted strings), in output_fields only. */
  extraFields?: readonly (string | Readonly<Record<string, string>>)[];
  /** Append the fields plugins flag as suggested output (the container plugin's id and name). */
  suggestedOutput?: boolean;
}

/** The container plugin's suggested output fields, which kestrel provides built in. */
const SUGGESTED_OUTPUT = 'container_id=%container.id container_name=%container.name';

export interface ExtraField<F> {
  readonly key: string;
  /** true: a bare field whose typed value is used; false: a format rendered to a string. */
  readonly raw: boolean;
  readonly format: F;
}

export interface CompiledRule<M = unknown, F = unknown> {
  readonly name: string;
  readonly desc: string;
  readonly priority: Priority;
  readonly source: string;
  readonly tags: readonly string[];
  enabled: boolean;
  /** The final condition text (exceptions appended, lists substituted), before macros. */
  readonly condition: string;
  readonly output: string;
  readonly match: M;
  readonly format: F;
  /** Event type ids the rule can match; null = any (checked on every event). */
  readonly evtTypes: ReadonlySet<number> | null;
  /** Load order: first definition's index (a redefinition keeps its place). */
  readonly index: number;
  readonly pos: Pos;
  readonly capture: boolean;
  readonly captureDuration: number;
  /** append_output extra_fields for this rule. */
  readonly extraFields: readonly ExtraField<F>[];
}

export interface CompiledMacro<A = unknown> {
  name: string;
  ast: A;
  used: boolean;
}

/** Substrings of compile errors that `skip-if-unknown-filter: true` turns into a skip. */
function isUnknownFieldError(err: string): boolean {
  return err.includes('nonexistent field') || err.includes('invalid formatting token')
    || err.includes('unknown event type') || err.includes('unknown filter:') || err.includes('unknown field');
}

/** Where an offset inside a condition lands, for messages: the condition's own position. */
function at(pos: Pos, off: number, text: string): string {
  if (off < 0) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return ` (at offset ${off} of the condition${flat.length > 160 ? '' : `: "${flat}"`})`;
}

/** The file position of `offset` in `text` when `text` is still the condition as read. */
function posIn(info: { cond: string; condPos: Pos; condMap?: (o: number) => Pos | null }, text: string, offset: number): Pos {
  if (offset < 0 || info.condMap === undefined || text !== info.cond) return info.condPos;
  return info.condMap(offset) ?? info.condPos;
}

export interface CompileOutput<A, M, F> {
  rules: CompiledRule<M, F>[];
  macros: CompiledMacro<A>[];
  lists: ExpandedList[];
}

export function compileAll<A, M, F>(col: Collector, backend: FilterBackend<A, M, F>, res: LoadResult, appendOutput: readonly AppendOutput[] = [], isField?: (name: string) => boolean): CompileOutput<A, M, F> {
  const lists = expandLists(col.lists.ordered, col.lists.byName);

  // Macros: parse each (after list substitution), then resolve macro references with
  // visibility by index, in definition order.
  const macros: CompiledMacro<A>[] = [];
  const parsed = new Map<string, A>();
  const broken = new Set<string>();
  for (const m of col.macros.ordered) {
    const text = substituteLists(m.cond, lists);
    const r = backend.parse(text);
    if ('error' in r) {
      res.error('LOAD_ERR_COMPILE_CONDITION', r.error + at(m.condPos, r.offset, text), posIn(m, text, r.offset), `macro '${m.name}'`);
      broken.add(m.name);
      continue;
    }
    parsed.set(m.name, r.ast);
  }
  const resolved = new Map<string, A>();
  const used = new Set<string>();
  for (const m of col.macros.ordered) {
    const ast = parsed.get(m.name);
    if (ast === undefined) continue;
    const visible = new Map<string, A>();
    for (const o of col.macros.ordered) {
      if (o.index < m.visibility && !broken.has(o.name)) {
        const oa = resolved.get(o.name) ?? parsed.get(o.name);
        if (oa !== undefined) visible.set(o.name, oa);
      }
    }
    const rr = backend.resolveMacros(ast, visible);
    for (const u of rr.used) used.add(u);
    if (rr.unknown.length) {
      const u = rr.unknown[0];
      res.error('LOAD_ERR_VALIDATE', `Undefined macro '${u.name}' used in filter.`, m.condPos, `macro '${m.name}'`);
      broken.add(m.name);
      continue;
    }
    resolved.set(m.name, rr.ast);
    macros.push({ name: m.name, ast: rr.ast, used: false });
  }

  const all = new Map<string, A>();
  for (const m of col.macros.ordered) {
    const a = resolved.get(m.name);
    if (a !== undefined) all.set(m.name, a);
  }

  const rules: CompiledRule<M, F>[] = [];
  for (const r of col.rules.ordered) {
    if (r.unknownSource) continue;
    const c = compileRule(r, lists, all, broken, used, backend, res, appendOutput, isField);
    if (c) rules.push(c);
  }
  rules.sort((a, b) => a.index - b.index);

  for (const m of macros) m.used = used.has(m.name);
  for (const m of col.macros.ordered) {
    if (!used.has(m.name)) res.warn('LOAD_UNUSED_MACRO', 'Macro not referred to by any other rule/macro', m.pos, `macro '${m.name}'`);
  }
  for (const l of lists) {
    if (!l.used) res.warn('LOAD_UNUSED_LIST', 'List not referred to by any other rule/macro', col.lists.get(l.name)!.pos, `list '${l.name}'`);
  }
  return { rules, macros, lists };
}

function compileRule<A, M, F>(
  r: RuleInfo, lists: ExpandedList[], macros: ReadonlyMap<string, A>, broken: ReadonlySet<string>,
  used: Set<string>, backend: FilterBackend<A, M, F>, res: LoadResult, appendOutput: readonly AppendOutput[],
  isField?: (name: string) => boolean,
): CompiledRule<M, F> | null {
  const what = `rule '${r.name}'`;
  let condition = r.cond;
  if (r.exceptions.length && isField) {
    // A bare value naming a field stays a string literal (use val() or a transformer to compare
    // two fields); Falco warns about it.
    for (const ex of r.exceptions) {
      const scalars: string[] = [];
      const walk = (e: { isList: boolean; item: string; items: readonly { isList: boolean; item: string; items: readonly unknown[] }[] }): void => {
        if (!e.isList) scalars.push(e.item);
        else for (const x of e.items) walk(x as never);
      };
      for (const v of ex.values) walk(v);
      for (const v of scalars) {
        if (/^[a-z]+\.[a-z0-9_.]+(\[[^\]]*\])?$/i.test(v) && isField(v)) {
          res.warn('LOAD_COMPILE_CONDITION', `'${v}' may be a valid field misused as a const string value`, ex.pos, what);
        }
      }
    }
  }
  if (r.exceptions.length) {
    const e = buildExceptionCondition(condition, r.exceptions);
    if ('error' in e) {
      res.error('LOAD_ERR_VALIDATE', e.error, e.ex.pos, what);
      return null;
    }
    condition = e.text;
  }

  let output = r.output;
  const extraFields: ExtraField<F>[] = [];
  for (const ao of appendOutput) {
    const m = ao.match;
    if (m?.source && m.source !== r.source) continue;
    if (m?.rule && m.rule !== r.name) continue;
    if (m?.tags && !m.tags.every((t) => r.tags.includes(t))) continue;
    if (ao.extraOutput) output += ' ' + ao.extraOutput;
    if (ao.suggestedOutput && r.source === 'syscall') output += ' ' + SUGGESTED_OUTPUT;
    for (const ef of ao.extraFields ?? []) {
      const entries: [string, string, boolean][] = typeof ef === 'string' ? [[ef, '%' + ef, true]] : Object.entries(ef).map(([k, v]) => [k, String(v), false]);
      for (const [key, fmt, raw] of entries) {
        const f = backend.compileOutput(fmt);
        if ('error' in f) {
          res.error('LOAD_ERR_COMPILE_OUTPUT', `append_output extra field '${key}': ${f.error}`, r.outputPos, what);
          return null;
        }
        extraFields.push({ key, raw, format: f.format });
      }
    }
  }
  if (output.includes('%container.info')) {
    res.warn('LOAD_DEPRECATED_ITEM', '%container.info is deprecated and no more useful, and will be dropped by Falco 1.0.0. The container plugin will automatically add required fields to the output message.', r.pos, what);
    output = output.split('%container.info').join('');
  }
  const fo = backend.compileOutput(output);
  if ('error' in fo) {
    if (r.skipIfUnknownFilter && isUnknownFieldError(fo.error)) {
      res.warn('LOAD_UNKNOWN_FILTER', fo.error, r.outputPos, what);
      return null;
    }
    res.error('LOAD_ERR_COMPILE_OUTPUT', fo.error, r.outputPos, what);
    return null;
  }
  for (const d of fo.deprecated ?? []) {
    res.warn('LOAD_DEPRECATED_ITEM', `usage of deprecated field '${d}' has been detected in the rule output`, r.outputPos, what);
  }

  const text = substituteLists(condition, lists);
  const p = backend.parse(text);
  if ('error' in p) {
    res.error('LOAD_ERR_COMPILE_CONDITION', p.error + at(r.condPos, p.offset, text), posIn(r, text, p.offset), what);
    return null;
  }
  const rr = backend.resolveMacros(p.ast, macros);
  for (const u of rr.used) used.add(u);
  if (rr.unknown.length) {
    const u = rr.unknown[0];
    const msg = broken.has(u.name) ? `Macro '${u.name}' used in filter failed to compile` : `Undefined macro '${u.name}' used in filter.`;
    res.error('LOAD_ERR_VALIDATE', msg, r.condPos, what);
    return null;
  }
  const c = backend.compile(rr.ast);
  if ('error' in c) {
    if (r.skipIfUnknownFilter && isUnknownFieldError(c.error)) {
      res.warn('LOAD_UNKNOWN_FILTER', c.error, posIn(r, text, c.offset), what);
      return null;
    }
    res.error('LOAD_ERR_COMPILE_CONDITION', c.error + at(r.condPos, c.offset, text), posIn(r, text, c.offset), what);
    return null;
  }
  for (const w of c.warnings ?? []) res.warn('LOAD_COMPILE_CONDITION', w.error, r.condPos, what);
  if (r.source === 'syscall' && r.warnEvttypes) {
    const n = backend.evtTypeCount(c.evtTypes);
    if (n === 0 || n > 100) {
      res.warn('LOAD_NO_EVTTYPE', 'Rule matches too many evt.type values. This has a significant performance penalty.', r.pos, what);
    }
  }
  return {
    name: r.name, desc: r.desc, priority: r.priority, source: r.source, tags: r.tags, enabled: r.enabled,
    condition: text, output, match: c.match, format: fo.format, evtTypes: c.evtTypes, index: r.index, pos: r.pos,
    capture: r.capture, captureDuration: r.captureDuration, extraFields,
  };
}
