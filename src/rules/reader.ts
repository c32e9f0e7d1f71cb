// Stages 1 and 2 of loading: read a rules file's YAML keeping line/column of every node, then
// schema-check each item and hand it to the collector. Facts from Falco's rule_loader_reader:
// items are classified by the first of required_engine_version, required_plugin_versions,
// list, macro, rule they contain; scalars are decoded from their text (yaml-cpp style), so the
// YAML is parsed with the failsafe schema (every scalar is a string) and converted here.
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isAlias, type Document, type Node, type YAMLMap, type Scalar } from 'yaml';
import { PRIORITIES, type Priority } from '../outputs/alert.js';
import type { LoadResult, Pos } from './result.js';
import { Collector, ItemError, ERROR_OVERRIDE_APPEND, sortedSet } from './collector.js';
import type { CondMap, ExceptionEntry, ExceptionInfo, ListInfo, MacroInfo, PluginRequirement, RuleInfo, RuleUpdate } from './types.js';
import { ENGINE_VERSION, compatibleWith, parseSemver, semverString } from './version.js';

export const WARNING_APPEND = "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";
export const WARNING_ENABLED = "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').";

const RGX_IDENTIFIER = /^[a-zA-Z]+[a-zA-Z0-9_]*$/;
const RGX_BARESTR = /^[^()"'\s=,]+$/;

/** Keys each item kind may have; anything else is LOAD_UNKNOWN_KEY. */
const RULE_KEYS = new Set([
  'rule', 'condition', 'output', 'desc', 'priority', 'source', 'enabled', 'tags', 'exceptions',
  'warn_evttypes', 'skip-if-unknown-filter', 'capture', 'capture_duration', 'override', 'append',
]);
const MACRO_KEYS = new Set(['macro', 'condition', 'override', 'append']);
const LIST_KEYS = new Set(['list', 'items', 'override', 'append']);

const RULE_APPENDABLE = ['condition', 'output', 'desc', 'tags', 'exceptions'];
const RULE_REPLACEABLE = ['condition', 'output', 'desc', 'priority', 'tags', 'exceptions', 'enabled', 'warn_evttypes', 'skip-if-unknown-filter', 'capture', 'capture_duration'];

export function parsePriority(s: string): Priority | null {
  const l = s.trim().toLowerCase();
  if (l === 'info') return 'Informational';
  for (const p of PRIORITIES) if (p.toLowerCase() === l) return p;
  return null;
}

/** One rules file being read: its source text, name and line index. */
class FileCtx {
  readonly lc = new LineCounter();
  constructor(readonly name: string, readonly res: LoadResult, readonly col: Collector, readonly src: string) {}

  pos(node: Node | null | undefined, fallback?: Pos): Pos {
    const off = node?.range?.[0];
    if (off === undefined) return fallback ?? { file: this.name, line: 0, col: 0 };
    const lp = this.lc.linePos(off);
    return { file: this.name, line: lp.line, col: lp.col };
  }
}

type Doc = Document.Parsed;

function resolve(doc: Doc, n: unknown): Node | null {
  if (n === null || n === undefined) return null;
  if (isAlias(n)) return (n.resolve(doc) as Node | undefined) ?? null;
  return n as Node;
}

/** yaml-cpp's IsNull for a failsafe-parsed scalar: empty plain, ~ or null. */
function isNullNode(n: Node | null): boolean {
  if (n === null) return true;
  if (!isScalar(n)) return false;
  if (n.type !== 'PLAIN') return false;
  const v = String(n.value);
  return v === '' || v === '~' || v === 'null' || v === 'Null' || v === 'NULL';
}

class Item {
  constructor(readonly f: FileCtx, readonly doc: Doc, readonly map: YAMLMap) {}

  has(key: string): boolean {
    return this.map.items.some((p) => isScalar(p.key) && String((p.key as Scalar).value) === key);
  }

  keyNode(key: string): Node | null {
    const p = this.map.items.find((q) => isScalar(q.key) && String((q.key as Scalar).value) === key);
    return p ? (p.key as Node) : null;
  }

  node(key: string): Node | null {
    const p = this.map.items.find((q) => isScalar(q.key) && String((q.key as Scalar).value) === key);
    return p ? resolve(this.doc, p.value) : null;
  }

  /** Position of a key's value (or of the key when the value is missing), else the item. */
  posOf(key: string): Pos {
    return this.f.pos(this.node(key) ?? this.keyNode(key), this.pos);
  }

  get pos(): Pos { return this.f.pos(this.map); }

  /**
   * For a condition scalar whose text can be laid back onto the source (one-line plain or
   * quoted without escapes, multi-line plain, or a block scalar without blank or
   * more-indented lines): offset in the text → file position. Otherwise undefined.
   */
  condMap(key: string): CondMap | undefined {
    const n = this.node(key);
    if (!isScalar(n) || !n.range) return undefined;
    const value = String(n.value);
    const src = this.f.src;
    const [start, end] = n.range;
    const file = this.f.name;
    const at = (off: number): Pos => { const lp = this.f.lc.linePos(off); return { file, line: lp.line, col: lp.col }; };
    // Source offsets of each character of `value`, built by matching the source lines.
    const offs: number[] = [];
    if (n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE') {
      const inner = src.slice(start + 1, end - 1);
      if (inner !== value) return undefined;
      for (let i = 0; i < value.length; i++) offs.push(start + 1 + i);
    } else {
      let lineStart: number;
      if (n.type === 'PLAIN') lineStart = start;
      else if (n.type === 'BLOCK_FOLDED' || n.type === 'BLOCK_LITERAL') {
        const nl = src.indexOf('\n', start);
        if (nl < 0) return undefined;
        lineStart = nl + 1;
      } else return undefined;
      const body = src.slice(lineStart, end);
      const lines = body.split('\n');
      let off = lineStart;
      const pieces: { text: string; at: number }[] = [];
      for (const l of lines) {
        const lead = l.length - l.trimStart().length;
        const text = n.type === 'PLAIN' ? l.trim() : l.slice(lead).trimEnd();
        if (text !== '') pieces.push({ text, at: off + lead });
        else if (pieces.length && off < end - 1) return undefined; // a blank line inside: folding differs
        off += l.length + 1;
      }
      const sep = n.type === 'BLOCK_LITERAL' ? '\n' : ' ';
      if (pieces.map((p) => p.text).join(sep) !== value.replace(/\s+$/, '')) return undefined;
      for (let k = 0; k < pieces.length; k++) {
        for (let i = 0; i < pieces[k].text.length; i++) offs.push(pieces[k].at + i);
        offs.push(pieces[k].at + pieces[k].text.length);
      }
    }
    return (o: number) => (o >= 0 && o < offs.length ? at(offs[o]) : null);
  }

  str(key: string, optional: true): string | undefined;
  str(key: string, optional?: false): string;
  str(key: string, optional = false): string | undefined {
    if (!this.has(key)) {
      if (optional) return undefined;
      throw new ItemError('LOAD_ERR_YAML_VALIDATE', `Item has no mapping for key '${key}'`, this.pos);
    }
    const n = this.node(key);
    if (isNullNode(n)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', `Mapping for key '${key}' is empty`, this.f.pos(this.keyNode(key), this.pos));
    if (!isScalar(n)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Value is not a scalar value', this.f.pos(n, this.pos));
    const v = String(n.value);
    if (v === '') throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Value must be non-empty', this.f.pos(n, this.pos));
    return v;
  }

  bool(key: string): boolean | undefined {
    const s = this.str(key, true);
    if (s === undefined) return undefined;
    // yaml-cpp's bool conversion.
    const l = s.toLowerCase();
    if (['true', 'yes', 'on', 'y'].includes(l)) return true;
    if (['false', 'no', 'off', 'n'].includes(l)) return false;
    throw new ItemError('LOAD_ERR_YAML_VALIDATE', "Can't decode YAML scalar value", this.posOf(key));
  }

  uint(key: string): number | undefined {
    const s = this.str(key, true);
    if (s === undefined) return undefined;
    if (!/^\+?\d+$/.test(s)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', "Can't decode YAML scalar value", this.posOf(key));
    return Number(s);
  }

  /** A sequence of scalars (list items, tags). */
  seq(key: string, optional: boolean): string[] | undefined {
    if (!this.has(key)) {
      if (optional) return undefined;
      throw new ItemError('LOAD_ERR_YAML_VALIDATE', `Item has no mapping for key '${key}'`, this.pos);
    }
    const n = this.node(key);
    if (!isSeq(n)) {
      // `items:` with no value is an empty list in practice (yaml-cpp: null is not a sequence,
      // which Falco reports); keep Falco's error.
      throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Value is not a sequence', this.f.pos(n ?? this.keyNode(key), this.pos));
    }
    const out: string[] = [];
    for (const raw of n.items) {
      const v = resolve(this.doc, raw);
      if (!isScalar(v)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'sequence value is not scalar', this.f.pos(v ?? n, this.pos));
      out.push(String(v.value));
    }
    return out;
  }

  warnUnknownKeys(allowed: ReadonlySet<string>, what: string): void {
    for (const p of this.map.items) {
      const k = isScalar(p.key) ? String((p.key as Scalar).value) : '';
      if (!allowed.has(k)) {
        this.f.res.warn('LOAD_UNKNOWN_KEY', `Unknown key '${k}'. The key will be ignored.`, this.f.pos(p.key as Node, this.pos), what);
      }
    }
  }

  /** `override:` → the keys to append and to replace. */
  overrides(appendable: readonly string[], replaceable: readonly string[]): { append: Set<string>; replace: Set<string> } {
    const append = new Set<string>();
    const replace = new Set<string>();
    if (!this.has('override')) return { append, replace };
    const n = this.node('override');
    if (!isMap(n)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Value of override must be a mapping', this.posOf('override'));
    for (const p of n.items) {
      const key = isScalar(p.key) ? String((p.key as Scalar).value) : '';
      const vn = resolve(this.doc, p.value);
      const op = isScalar(vn) ? String(vn.value) : '';
      const kpos = this.f.pos(p.key as Node, this.pos);
      if (op === 'append') {
        if (!appendable.includes(key)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', `Key '${key}' cannot be appended to, use 'replace' instead`, kpos);
        append.add(key);
      } else if (op === 'replace') {
        if (!replaceable.includes(key)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', `Key '${key}' cannot be replaced`, kpos);
        replace.add(key);
      } else {
        const allowed = `${appendable.includes(key) ? 'append ' : ''}${replaceable.includes(key) ? 'replace ' : ''}`;
        throw new ItemError('LOAD_ERR_YAML_VALIDATE', `Invalid override operation for key '${key}': '${op}'. Allowed values are: ${allowed}`, this.f.pos(vn, kpos));
      }
    }
    return { append, replace };
  }
}

/** Reads one rules file into the collector. Returns false if the YAML itself is unreadable. */
export function readRulesFile(name: string, content: string, res: LoadResult, col: Collector): boolean {
  const f = new FileCtx(name, res, col, content);
  let docs: Doc[];
  try {
    docs = parseAllDocuments(content, { lineCounter: f.lc, schema: 'failsafe', uniqueKeys: false }) as unknown as Doc[];
    if (!Array.isArray(docs)) docs = [];
  } catch (e) {
    res.error('LOAD_ERR_YAML_PARSE', e instanceof Error ? e.message : String(e), { file: name, line: 0, col: 0 });
    return false;
  }
  // A YAML syntax error anywhere makes the file unreadable (as in Falco), but every syntax
  // error is reported, not only the first.
  let bad = false;
  for (const d of docs) {
    for (const e of d.errors) {
      const lp = e.linePos?.[0];
      res.error('LOAD_ERR_YAML_PARSE', e.message.split('\n')[0], { file: name, line: lp?.line ?? 0, col: lp?.col ?? 0 });
      bad = true;
    }
  }
  if (bad) return false;
  for (const d of docs) {
    const top = resolve(d, d.contents);
    if (isNullNode(top)) continue;
    if (!isSeq(top)) {
      res.error('LOAD_ERR_YAML_VALIDATE', isMap(top) ? 'Rules content is not yaml array of objects' : 'Rules content is not yaml', f.pos(top));
      continue;
    }
    for (const raw of top.items) {
      const n = resolve(d, raw);
      if (isNullNode(n)) continue;
      try {
        if (!isMap(n)) {
          throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Unexpected element type. Each element should be a yaml associative array.', f.pos(n));
        }
        readItem(new Item(f, d, n));
      } catch (e) {
        if (!(e instanceof ItemError)) throw e;
        res.error(e.code, e.message, e.pos, itemLabel(d, n));
      }
    }
  }
  return true;
}

function itemLabel(doc: Doc, n: Node | null): string {
  if (!isMap(n)) return '';
  for (const kind of ['rule', 'macro', 'list']) {
    const p = n.items.find((q) => isScalar(q.key) && String((q.key as Scalar).value) === kind);
    if (p) {
      const v = resolve(doc, p.value);
      return `${kind} '${isScalar(v) ? String(v.value) : ''}'`;
    }
  }
  return '';
}

function readItem(it: Item): void {
  const { f } = it;
  const res = f.res;
  if (it.has('required_engine_version')) {
    const s = it.str('required_engine_version');
    let v;
    if (/^\d+$/.test(s)) v = { major: 0, minor: Number(s), patch: 0 };
    else {
      v = parseSemver(s);
      if (!v) throw new ItemError('LOAD_ERR_YAML_VALIDATE', `Unable to parse engine version '${s}' as a semver string. Expected "x.y.z" semver format.`, it.posOf('required_engine_version'));
    }
    if (!compatibleWith(ENGINE_VERSION, v)) {
      throw new ItemError('LOAD_ERR_VALIDATE', `Rules require engine version ${semverString(v)}, but engine version is ${semverString(ENGINE_VERSION)}`, it.posOf('required_engine_version'));
    }
    f.col.defineEngineVersion(v);
    return;
  }
  if (it.has('required_plugin_versions')) {
    const n = it.node('required_plugin_versions');
    if (!isSeq(n)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Value of required_plugin_versions must be a sequence', it.posOf('required_plugin_versions'));
    for (const raw of n.items) {
      const pn = resolve(it.doc, raw);
      if (!isMap(pn)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Plugin version must be a mapping', f.pos(pn ?? n));
      const p = new Item(f, it.doc, pn);
      const alts: PluginRequirement[] = [{ name: p.str('name'), version: p.str('version') }];
      if (p.has('alternatives')) {
        const an = p.node('alternatives');
        if (!isSeq(an)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Value of plugin version alternatives must be a sequence', p.posOf('alternatives'));
        for (const araw of an.items) {
          const a = resolve(it.doc, araw);
          if (!isMap(a)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Plugin version alternative must be a mapping', f.pos(a ?? an));
          const ai = new Item(f, it.doc, a);
          alts.push({ name: ai.str('name'), version: ai.str('version') });
        }
      }
      const seen = new Set<string>();
      for (const a of alts) {
        if (!parseSemver(a.version)) throw new ItemError('LOAD_ERR_VALIDATE', `Invalid required version '${a.version}' for plugin '${a.name}'`, p.pos);
        if (seen.has(a.name)) throw new ItemError('LOAD_ERR_VALIDATE', `Defined multiple alternative version requirements for plugin '${a.name}'`, p.pos);
        seen.add(a.name);
      }
      f.col.definePluginVersions(alts, p.pos);
    }
    return;
  }
  if (it.has('list')) return readList(it);
  if (it.has('macro')) return readMacro(it);
  if (it.has('rule')) return readRule(it);
  res.warn('LOAD_UNKNOWN_ITEM', 'Unknown top level item', it.pos);
}

function legacyAppend(it: Item, what: string): boolean {
  const a = it.bool('append') ?? false;
  if (a) it.f.res.warn('LOAD_DEPRECATED_ITEM', WARNING_APPEND, it.posOf('append'), what);
  return a;
}

function readList(it: Item): void {
  const name = it.str('list');
  const what = `list '${name}'`;
  it.warnUnknownKeys(LIST_KEYS, what);
  if (!RGX_BARESTR.test(name)) {
    it.f.res.warn('LOAD_INVALID_LIST_NAME', 'List has an invalid name. List names must match a regular expression: ([^()"\'[:space:]=,]+)', it.posOf('list'), what);
  }
  const items = it.seq('items', false)!;
  let append = legacyAppend(it, what);
  const ov = it.overrides(['items'], ['items']);
  if (append && (ov.append.size || ov.replace.size)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', ERROR_OVERRIDE_APPEND, it.pos);
  append ||= ov.append.has('items');
  const info: ListInfo = { name, items, pos: it.pos, index: 0, visibility: 0 };
  if (append) it.f.col.appendList(info);
  else it.f.col.defineList(info);
}

function readMacro(it: Item): void {
  const name = it.str('macro');
  const what = `macro '${name}'`;
  it.warnUnknownKeys(MACRO_KEYS, what);
  if (!RGX_IDENTIFIER.test(name)) {
    it.f.res.warn('LOAD_INVALID_MACRO_NAME', 'Macro has an invalid name. Macro names must match a regular expression: ([a-zA-Z]+[a-zA-Z0-9_]*)', it.posOf('macro'), what);
  }
  const cond = it.str('condition');
  let append = legacyAppend(it, what);
  const ov = it.overrides(['condition'], ['condition']);
  if (append && (ov.append.size || ov.replace.size)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', ERROR_OVERRIDE_APPEND, it.pos);
  append ||= ov.append.has('condition');
  const info: MacroInfo = { name, cond, pos: it.pos, condPos: it.posOf('condition'), condMap: it.condMap('condition'), index: 0, visibility: 0 };
  if (append) it.f.col.appendMacro(info);
  else it.f.col.defineMacro(info);
}

function readPriority(it: Item): Priority {
  const s = it.str('priority');
  const p = parsePriority(s);
  if (!p) throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Invalid priority', it.posOf('priority'));
  return p;
}

function readRule(it: Item): void {
  const name = it.str('rule');
  const what = `rule '${name}'`;
  const { f } = it;
  it.warnUnknownKeys(RULE_KEYS, what);
  const hasAppendFlag = legacyAppend(it, what);
  const ov = it.overrides(RULE_APPENDABLE, RULE_REPLACEABLE);
  const hasOverrides = ov.append.size > 0 || ov.replace.size > 0;
  if (hasAppendFlag && hasOverrides) throw new ItemError('LOAD_ERR_YAML_VALIDATE', ERROR_OVERRIDE_APPEND, it.pos);

  if (hasOverrides) {
    // Every overridable key present must be listed under override, and vice versa.
    const expected = new Set<string>();
    for (const k of new Set([...RULE_APPENDABLE, ...RULE_REPLACEABLE])) if (it.has(k)) expected.add(k);
    const take = (set: Set<string>, kind: string, key: string): boolean => {
      if (!set.has(key)) return false;
      if (!expected.has(key)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', `An ${kind} override for '${key}' was specified but '${key}' is not defined`, it.pos);
      expected.delete(key);
      return true;
    };
    const update = (set: Set<string>, kind: 'append' | 'replace'): RuleUpdate => {
      const u: RuleUpdate = { name, pos: it.pos };
      if (take(set, kind, 'condition')) { u.cond = it.str('condition'); u.condPos = it.posOf('condition'); u.condMap = it.condMap('condition'); }
      if (take(set, kind, 'exceptions')) u.exceptions = readExceptions(it, true);
      if (take(set, kind, 'output')) u.output = it.str('output').trim();
      if (take(set, kind, 'desc')) u.desc = it.str('desc');
      if (take(set, kind, 'tags')) u.tags = sortedSet(it.seq('tags', false)!);
      if (kind === 'replace') {
        if (take(set, kind, 'priority')) u.priority = readPriority(it);
        if (take(set, kind, 'enabled')) u.enabled = it.bool('enabled');
        if (take(set, kind, 'warn_evttypes')) u.warnEvttypes = it.bool('warn_evttypes');
        if (take(set, kind, 'skip-if-unknown-filter')) u.skipIfUnknownFilter = it.bool('skip-if-unknown-filter');
        if (take(set, kind, 'capture')) u.capture = it.bool('capture');
        if (take(set, kind, 'capture_duration')) u.captureDuration = it.uint('capture_duration');
      }
      return u;
    };
    const appendU = ov.append.size ? update(ov.append, 'append') : null;
    const replaceU = ov.replace.size ? update(ov.replace, 'replace') : null;
    for (const key of expected) {
      throw new ItemError('LOAD_ERR_YAML_VALIDATE', `Unexpected key '${key}': no corresponding entry under 'override' is defined.`, f.pos(it.keyNode(key), it.pos));
    }
    if (appendU) f.col.appendRule(appendU);
    if (replaceU) f.col.replaceRule(replaceU);
    return;
  }

  if (hasAppendFlag) {
    const u: RuleUpdate = { name, pos: it.pos };
    if (it.has('condition')) { u.cond = it.str('condition'); u.condPos = it.posOf('condition'); }
    if (it.has('exceptions')) u.exceptions = readExceptions(it, true);
    f.col.appendRule(u);
    return;
  }

  if (!it.has('condition') && !it.has('output') && !it.has('desc') && !it.has('priority')) {
    const enabled = it.bool('enabled');
    if (enabled === undefined) throw new ItemError('LOAD_ERR_YAML_VALIDATE', "Item has no mapping for key 'enabled'", it.pos);
    f.res.warn('LOAD_DEPRECATED_ITEM', WARNING_ENABLED, it.pos, what);
    f.col.enableRule(name, enabled, it.pos);
    return;
  }

  const cond = it.str('condition');
  const output = it.str('output').trim();
  const desc = it.str('desc');
  const priority = readPriority(it);
  const info: RuleInfo = {
    name, cond, condPos: it.posOf('condition'), condMap: it.condMap('condition'), output, outputPos: it.posOf('output'), desc, priority,
    source: it.str('source', true) ?? 'syscall',
    enabled: it.bool('enabled') ?? true,
    warnEvttypes: it.bool('warn_evttypes') ?? true,
    skipIfUnknownFilter: it.bool('skip-if-unknown-filter') ?? false,
    capture: it.bool('capture') ?? false,
    captureDuration: it.uint('capture_duration') ?? 0,
    tags: sortedSet(it.seq('tags', true) ?? []),
    exceptions: readExceptions(it, false),
    unknownSource: false,
    pos: it.pos, file: f.name, index: 0, visibility: 0,
  };
  f.col.defineRule(info);
}

function readEntry(it: Item, n: Node | null, fallback: Pos): ExceptionEntry {
  if (isScalar(n) && !isNullNode(n)) {
    const v = String(n.value);
    if (v === '') throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Value must be non-empty', it.f.pos(n, fallback));
    return { isList: false, item: v, items: [] };
  }
  if (isSeq(n)) {
    const items: ExceptionEntry[] = [];
    for (const raw of n.items) items.push(readEntry(it, resolve(it.doc, raw), it.f.pos(n, fallback)));
    return { isList: true, item: '', items };
  }
  if (isNullNode(n)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Value must be non-empty', it.f.pos(n, fallback));
  throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Value must be a scalar or a sequence', it.f.pos(n, fallback));
}

function readExceptions(it: Item, append: boolean): ExceptionInfo[] {
  const out: ExceptionInfo[] = [];
  if (!it.has('exceptions')) return out;
  const exs = it.node('exceptions');
  if (isNullNode(exs)) return out;
  if (!isSeq(exs)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Rule exceptions must be a sequence', it.posOf('exceptions'));
  for (const raw of exs.items) {
    const en = resolve(it.doc, raw);
    if (!isMap(en)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Rule exception must be a mapping', it.f.pos(en ?? exs));
    const ex = new Item(it.f, it.doc, en);
    const name = ex.str('name');
    if (out.some((e) => e.name === name)) {
      it.f.res.warn('LOAD_EXCEPTION_NAME_NOT_UNIQUE', 'Multiple definitions of exception \'' + name + '\' in the same rule', ex.pos, `rule '${it.str('rule')}'`);
    }
    const info: ExceptionInfo = { name, fields: undefined, comps: undefined, values: [], pos: ex.pos };
    if (ex.has('fields')) info.fields = readEntry(ex, ex.node('fields'), ex.pos);
    else if (!append) throw new ItemError('LOAD_ERR_YAML_VALIDATE', "Item has no mapping for key 'fields'", ex.pos);
    if (ex.has('comps')) info.comps = readEntry(ex, ex.node('comps'), ex.pos);
    if (ex.has('values')) {
      const vals = ex.node('values');
      if (!isSeq(vals)) throw new ItemError('LOAD_ERR_YAML_VALIDATE', 'Rule exception values must be a sequence', ex.posOf('values'));
      for (const v of vals.items) info.values.push(readEntry(ex, resolve(it.doc, v), ex.posOf('values')));
    } else if (append) {
      it.f.res.warn('LOAD_APPEND_NO_VALUES', 'Overriding/appending exception with no values', ex.pos, `rule '${it.str('rule')}'`);
    }
    out.push(info);
  }
  return out;
}
