// Stage 3 of loading: collect lists, macros and rules across every file, in order, applying
// redefinitions, `override` (append/replace per key), legacy `append: true` and standalone
// `enabled`. Facts from Falco's rule_loader_collector: a redefinition keeps the original
// index (so a rule keeps its place in the matching order) but moves its visibility to the
// redefinition's own index.
import type { Pos } from './result.js';
import type { ExceptionInfo, ListInfo, MacroInfo, PluginRequirement, RuleInfo, RuleUpdate, Semver } from './types.js';

/** A validation failure of one item; the reader records it and goes on with the next item. */
export class ItemError extends Error {
  constructor(
    readonly code: 'LOAD_ERR_YAML_VALIDATE' | 'LOAD_ERR_VALIDATE',
    message: string,
    readonly pos: Pos,
  ) {
    super(message);
  }
}

export const ERROR_OVERRIDE_APPEND = "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";
export const ERROR_NO_PREVIOUS_MACRO = "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists";
export const ERROR_NO_PREVIOUS_LIST = "List uses 'append' or 'override.items: append' but no list by that name already exists";
export const ERROR_NO_PREVIOUS_RULE_APPEND = "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists";
export const ERROR_NO_PREVIOUS_RULE_REPLACE = "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists";

/** Operators a comparison in an exception may use (libsinsp's supported_operators). */
export const OPERATORS: ReadonlySet<string> = new Set([
  '=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'bcontains', 'startswith',
  'bstartswith', 'endswith', 'glob', 'iglob', 'regex', 'in', 'intersects', 'pmatch', 'exists',
]);
/** Operators whose right-hand side is a list. */
export const LIST_OPERATORS: ReadonlySet<string> = new Set(['in', 'intersects', 'pmatch']);
/** Operators that accept an oneof/anyof/allof modifier (rule_loader_cmpop.h). */
const MODIFIABLE: ReadonlySet<string> = new Set([
  '==', '=', '!=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'regex',
]);
const MODIFIERS: ReadonlySet<string> = new Set(['oneof', 'anyof', 'allof']);

/** Splits "startswith oneof" into its operator and modifier; null if not an operator. */
export function parseCompOperator(comp: string): { op: string; modifier: string } | null {
  const parts = comp.trim().split(/\s+/);
  if (parts.length === 1 && OPERATORS.has(parts[0])) return { op: parts[0], modifier: '' };
  if (parts.length === 2 && MODIFIABLE.has(parts[0]) && MODIFIERS.has(parts[1])) return { op: parts[0], modifier: parts[1] };
  return null;
}

/** Whether the comparison takes a list on its right: `in`-like operators and any modifier. */
export function isListComp(comp: string): boolean {
  const c = parseCompOperator(comp);
  return c !== null && (LIST_OPERATORS.has(c.op) || c.modifier !== '');
}

class Indexed<T extends { name: string }> {
  readonly byName = new Map<string, T>();
  readonly ordered: T[] = [];
  get(name: string): T | undefined { return this.byName.get(name); }
  add(v: T): void { this.byName.set(v.name, v); this.ordered.push(v); }
  /** Replace in place, keeping the ordered position. */
  replace(prev: T, v: T): void {
    const i = this.ordered.indexOf(prev);
    this.ordered[i] = v;
    this.byName.set(v.name, v);
  }
}

export interface CollectorOptions {
  /** Known event sources (default: just 'syscall'). */
  sources: ReadonlySet<string>;
  /** Field check for exception fields; absent: exceptions' fields are checked at compile time. */
  isField?: (name: string) => boolean;
  warnUnknownSource: (rule: string, source: string, pos: Pos) => void;
}

export class Collector {
  private curIndex = 0;
  readonly lists = new Indexed<ListInfo>();
  readonly macros = new Indexed<MacroInfo>();
  readonly rules = new Indexed<RuleInfo>();
  readonly requiredPlugins: { alternatives: PluginRequirement[]; pos: Pos }[] = [];
  requiredEngine: Semver | null = null;

  constructor(private readonly opts: CollectorOptions) {}

  defineEngineVersion(v: Semver): void {
    const r = this.requiredEngine;
    if (!r || r.major < v.major || (r.major === v.major && (r.minor < v.minor || (r.minor === v.minor && r.patch < v.patch)))) {
      this.requiredEngine = v;
    }
  }

  definePluginVersions(alternatives: PluginRequirement[], pos: Pos): void {
    this.requiredPlugins.push({ alternatives, pos });
  }

  defineList(info: ListInfo): void {
    this.define(this.lists, info);
  }

  appendList(info: ListInfo): void {
    const prev = this.lists.get(info.name);
    if (!prev) throw new ItemError('LOAD_ERR_VALIDATE', ERROR_NO_PREVIOUS_LIST, info.pos);
    prev.items.push(...info.items);
    prev.visibility = this.curIndex++;
  }

  defineMacro(info: MacroInfo): void {
    this.define(this.macros, info);
  }

  appendMacro(info: MacroInfo): void {
    const prev = this.macros.get(info.name);
    if (!prev) throw new ItemError('LOAD_ERR_VALIDATE', ERROR_NO_PREVIOUS_MACRO, info.pos);
    prev.cond += ' ' + info.cond;
    prev.condMap = undefined;
    prev.visibility = this.curIndex++;
  }

  defineRule(info: RuleInfo): void {
    const prev = this.rules.get(info.name);
    if (prev && prev.source !== info.source) {
      throw new ItemError('LOAD_ERR_VALIDATE', 'Rule has been re-defined with a different source', info.pos);
    }
    if (!this.opts.sources.has(info.source)) {
      info.unknownSource = true;
      this.opts.warnUnknownSource(info.name, info.source, info.pos);
    }
    for (const ex of info.exceptions) {
      if (!ex.fields) throw new ItemError('LOAD_ERR_VALIDATE', 'Rule exception item must have fields property with a list of fields', ex.pos);
      this.validateException(ex, info.unknownSource);
    }
    this.define(this.rules, info);
  }

  appendRule(u: RuleUpdate): void {
    const prev = this.rules.get(u.name);
    if (!prev) throw new ItemError('LOAD_ERR_VALIDATE', ERROR_NO_PREVIOUS_RULE_APPEND, u.pos);
    if (!hasAnyValue(u)) throw new ItemError('LOAD_ERR_VALIDATE', 'Appended rule must have exceptions or condition property', u.pos);
    if (u.cond) { prev.cond += ' ' + u.cond; prev.condMap = undefined; }
    if (u.output) prev.output += ' ' + u.output;
    if (u.desc) prev.desc += ' ' + u.desc;
    if (u.tags) prev.tags = sortedSet([...prev.tags, ...u.tags]);
    if (u.exceptions) {
      for (const ex of u.exceptions) {
        const pex = prev.exceptions.find((e) => e.name === ex.name);
        if (!pex) {
          if (!ex.fields) throw new ItemError('LOAD_ERR_VALIDATE', 'Rule exception must have fields property with a list of fields', ex.pos);
          if (ex.values.length === 0) throw new ItemError('LOAD_ERR_VALIDATE', 'Rule exception must have values property with a list of values', ex.pos);
          this.validateException(ex, prev.unknownSource);
          prev.exceptions.push(ex);
        } else {
          if (ex.fields) throw new ItemError('LOAD_ERR_VALIDATE', 'Can not append exception fields to existing exception, only values', ex.pos);
          if (ex.comps) throw new ItemError('LOAD_ERR_VALIDATE', 'Can not append exception comps to existing exception, only values', ex.pos);
          pex.values.push(...ex.values);
        }
      }
    }
    prev.visibility = this.curIndex++;
  }

  replaceRule(u: RuleUpdate): void {
    const prev = this.rules.get(u.name);
    if (!prev) throw new ItemError('LOAD_ERR_VALIDATE', ERROR_NO_PREVIOUS_RULE_REPLACE, u.pos);
    if (!hasAnyValue(u)) throw new ItemError('LOAD_ERR_VALIDATE', 'The rule must have at least one field that can be replaced', u.pos);
    if (u.exceptions) for (const ex of u.exceptions) {
      if (!ex.fields) throw new ItemError('LOAD_ERR_VALIDATE', 'Rule exception item must have fields property with a list of fields', ex.pos);
      this.validateException(ex, prev.unknownSource);
    }
    if (u.cond !== undefined) { prev.cond = u.cond; if (u.condPos) prev.condPos = u.condPos; prev.condMap = u.condMap; }
    if (u.output !== undefined) prev.output = u.output;
    if (u.desc !== undefined) prev.desc = u.desc;
    if (u.tags !== undefined) prev.tags = u.tags;
    if (u.exceptions !== undefined) prev.exceptions = u.exceptions;
    if (u.priority !== undefined) prev.priority = u.priority;
    if (u.enabled !== undefined) prev.enabled = u.enabled;
    if (u.warnEvttypes !== undefined) prev.warnEvttypes = u.warnEvttypes;
    if (u.skipIfUnknownFilter !== undefined) prev.skipIfUnknownFilter = u.skipIfUnknownFilter;
    if (u.capture !== undefined) prev.capture = u.capture;
    if (u.captureDuration !== undefined) prev.captureDuration = u.captureDuration;
    prev.visibility = this.curIndex++;
  }

  /** The deprecated standalone `enabled:` item. */
  enableRule(name: string, enabled: boolean, pos: Pos): void {
    const prev = this.rules.get(name);
    if (!prev) throw new ItemError('LOAD_ERR_VALIDATE', "Rule has 'enabled' key but no rule by that name already exists", pos);
    prev.enabled = enabled;
  }

  private define<T extends { name: string; index: number; visibility: number }>(into: Indexed<T>, info: T): void {
    const id = this.curIndex++;
    const prev = into.get(info.name);
    if (prev) {
      info.index = prev.index;
      info.visibility = id;
      into.replace(prev, info);
    } else {
      info.index = id;
      info.visibility = id;
      into.add(info);
    }
  }

  private validateException(ex: ExceptionInfo, unknownSource: boolean): void {
    const f = ex.fields!;
    const checkField = (name: string): void => {
      if (!unknownSource && this.opts.isField && !this.opts.isField(name)) {
        throw new ItemError('LOAD_ERR_VALIDATE', `'${name}' is not a supported filter field`, ex.pos);
      }
    };
    if (f.isList) {
      if (!ex.comps) ex.comps = { isList: true, item: '', items: f.items.map(() => ({ isList: false, item: '=', items: [] })) };
      if (!ex.comps.isList || ex.comps.items.length !== f.items.length) {
        throw new ItemError('LOAD_ERR_VALIDATE', 'Fields and comps lists must have equal length', ex.pos);
      }
      for (const c of ex.comps.items) {
        if (c.isList || parseCompOperator(c.item) === null) {
          throw new ItemError('LOAD_ERR_VALIDATE', `'${c.isList ? '[...]' : c.item}' is not a supported comparison operator`, ex.pos);
        }
      }
      for (const v of f.items) checkField(v.item);
    } else {
      if (!ex.comps) ex.comps = { isList: false, item: 'in', items: [] };
      if (ex.comps.isList) throw new ItemError('LOAD_ERR_VALIDATE', 'Fields and comps must both be strings', ex.pos);
      const c = parseCompOperator(ex.comps.item);
      if (!c || !(LIST_OPERATORS.has(c.op) || c.modifier !== '')) {
        throw new ItemError('LOAD_ERR_VALIDATE', 'When fields is a single value, comps must be one of (in, pmatch, intersects) or an operator with a modifier (e.g. startswith oneof)', ex.pos);
      }
      checkField(f.item);
    }
  }
}

function hasAnyValue(u: RuleUpdate): boolean {
  return u.cond !== undefined || u.output !== undefined || u.desc !== undefined || u.tags !== undefined
    || u.exceptions !== undefined || u.priority !== undefined || u.enabled !== undefined
    || u.warnEvttypes !== undefined || u.skipIfUnknownFilter !== undefined || u.capture !== undefined
    || u.captureDuration !== undefined;
}

export function sortedSet(xs: readonly string[]): string[] {
  // std::set<std::string> order: bytewise, which for these ASCII tags is code-unit order.
  return [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
