// Loading the YAML config: read → parse (keeping positions) → merge config_files → apply
// `-o key=value` overrides → validate against CONFIG_SCHEMA (unknown keys, types, ranges) →
// fill defaults. Every problem is reported at once, each naming its key and where it came
// from (file:line:col, or the -o option), as one KestrelError KES_CONFIG.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parse as parseYaml, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { KestrelError } from '../errors.js';
import { CONFIG_SCHEMA, type KestrelConfig, type Schema } from './schema.js';

export interface ConfigProblem {
  /** Dotted key path, e.g. "http_output.url". */
  key: string;
  message: string;
  /** "file:line:col" or "-o key=value"; '' for defaults. */
  where: string;
}

export interface LoadedConfig {
  config: KestrelConfig;
  /** The main file and every config_files entry read, with sha256 (for metrics). */
  files: Array<{ file: string; sha256: string }>;
  warnings: string[];
}

export interface LoadOptions {
  /** Main config file; undefined = defaults only. */
  file?: string;
  /** `-o key=value` strings, applied in order after the files. */
  overrides?: readonly string[];
}

interface Source { file: string; doc: Document; lc: LineCounter }

type Path = Array<string | number>;

// ─── entry points ──────────────────────────────────────────────────────────────────────────

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const sources: Source[] = [];
  const files: LoadedConfig['files'] = [];
  const warnings: string[] = [];
  const problems: ConfigProblem[] = [];
  let raw: Record<string, unknown> = {};

  if (opts.file !== undefined) {
    const main = readSource(opts.file, problems);
    if (main) {
      sources.push(main.src);
      files.push({ file: opts.file, sha256: main.sha256 });
      raw = asRoot(main.value, opts.file, problems);
      // config_files: extra files or directories, read in lexicographic order, merged with
      // Falco's default "append" strategy (sequences appended, scalars and maps overridden key by key).
      const includes = raw['config_files'];
      if (Array.isArray(includes)) {
        for (const inc of includes) {
          if (typeof inc !== 'string') continue;
          const abs = path.resolve(path.dirname(opts.file), inc);
          for (const f of expandIncludes(abs, warnings)) {
            const r = readSource(f, problems);
            if (!r) continue;
            sources.push(r.src);
            files.push({ file: f, sha256: r.sha256 });
            const v = asRoot(r.value, f, problems);
            if ('config_files' in v) problems.push({ key: 'config_files', message: 'nested config_files are not allowed', where: locate(r.src, ['config_files']) });
            delete v['config_files'];
            mergeAppend(raw, v);
          }
        }
      }
    }
  }

  const overridden = new Map<string, string>();
  for (const o of opts.overrides ?? []) applyOverride(raw, o, overridden, problems);

  const config = validate(CONFIG_SCHEMA, raw, [], problems, (p) => where(p, sources, overridden)) as KestrelConfig;
  if (problems.length > 0) throw configError(problems);
  return { config, files, warnings };
}

/** The defaults, as a config object. */
export function defaultConfig(): KestrelConfig {
  return loadConfig({}).config;
}

/** Formats problems as one error: "config: <where>: <key>: <message>" per line. */
export function configError(problems: readonly ConfigProblem[]): KestrelError {
  const lines = problems.map((p) => `${p.where ? p.where + ': ' : ''}${p.key ? p.key + ': ' : ''}${p.message}`);
  const head = problems.length === 1 ? 'invalid configuration: ' : `invalid configuration (${problems.length} problems):\n  `;
  const err = new KestrelError('KES_CONFIG', head + lines.join('\n  '));
  (err as KestrelError & { problems?: readonly ConfigProblem[] }).problems = problems;
  return err;
}

// ─── reading ───────────────────────────────────────────────────────────────────────────────

function readSource(file: string, problems: ConfigProblem[]): { src: Source; value: unknown; sha256: string } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    problems.push({ key: '', message: `cannot read config file: ${(e as Error).message}`, where: file });
    return null;
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lc.linePos(e.pos[0]);
      problems.push({ key: '', message: `YAML syntax: ${e.message.split('\n')[0]}`, where: `${file}:${pos.line}:${pos.col}` });
    }
    return null;
  }
  return { src: { file, doc, lc }, value: doc.toJS({ maxAliasCount: 100 }), sha256: createHash('sha256').update(text).digest('hex') };
}

function asRoot(v: unknown, file: string, problems: ConfigProblem[]): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    problems.push({ key: '', message: 'the config must be a YAML mapping of keys to values', where: file });
    return {};
  }
  return v as Record<string, unknown>;
}

function expandIncludes(p: string, warnings: string[]): string[] {
  let st;
  try { st = statSync(p); } catch { warnings.push(`config_files: '${p}' does not exist, skipped`); return []; }
  if (st.isDirectory()) {
    return readdirSync(p).filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => path.join(p, n)).filter((f) => statSync(f).isFile());
  }
  return [p];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeAppend(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (Array.isArray(cur) && Array.isArray(v)) into[k] = [...cur, ...v];
    else if (isPlainObject(cur) && isPlainObject(v)) mergeAppend(cur, v);
    else into[k] = v;
  }
}

// ─── positions ─────────────────────────────────────────────────────────────────────────────

/** "file:line:col" of the key (or sequence item) at `p` in one source, or '' if absent. */
function locate(src: Source, p: Path): string {
  let node: unknown = src.doc.contents;
  let range: [number, number, number] | undefined;
  for (const seg of p) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown } | null)?.value === seg);
      if (!pair) return '';
      range = (pair.key as YamlNode).range ?? range;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as YamlNode | undefined;
      if (!item) return '';
      range = item.range ?? range;
      node = item;
    } else {
      return '';
    }
  }
  if (!range) return '';
  const pos = src.lc.linePos(range[0]);
  return `${src.file}:${pos.line}:${pos.col}`;
}

function keyOf(p: Path): string {
  let s = '';
  for (const seg of p) s += typeof seg === 'number' ? `[${seg}]` : (s ? '.' : '') + seg;
  return s;
}

function where(p: Path, sources: readonly Source[], overridden: ReadonlyMap<string, string>): string {
  // An -o override of this key or of a parent wins over the files.
  for (let i = p.length; i > 0; i--) {
    const o = overridden.get(keyOf(p.slice(0, i)));
    if (o !== undefined) return `-o ${o}`;
  }
  // An unknown key created by an override of something below it (-o webservr.enabled=…).
  const k = keyOf(p);
  for (const [ok, o] of overridden) if (ok.startsWith(k + '.') || ok.startsWith(k + '[')) return `-o ${o}`;
  for (let i = sources.length - 1; i >= 0; i--) {
    const w = locate(sources[i]!, p);
    if (w) return w;
  }
  return '';
}

// ─── -o overrides ──────────────────────────────────────────────────────────────────────────

/**
 * Parses "a.b[1].c" into ['a','b',1,'c']. A backslash escapes the next character, so
 * "static_fields.a\.b" sets the key "a.b" (Falco 0.44 accepts the same escapes).
 */
export function parseKeyPath(key: string): Path | string {
  const out: Path = [];
  let cur = '';
  let i = 0;
  let pendingSeg = true;
  while (i < key.length) {
    const c = key[i]!;
    if (c === '\\') {
      if (i + 1 >= key.length) return 'trailing backslash';
      cur += key[i + 1];
      i += 2;
      continue;
    }
    if (c === '.') {
      if (pendingSeg && cur === '') return 'empty key segment';
      if (cur !== '') out.push(cur);
      cur = '';
      pendingSeg = true;
      i++;
      continue;
    }
    if (c === '[') {
      const end = key.indexOf(']', i);
      if (end < 0) return "missing ']'";
      const idx = key.slice(i + 1, end);
      if (!/^\d+$/.test(idx)) return `bad list index '[${idx}]'`;
      if (cur !== '') out.push(cur);
      else if (out.length === 0) return 'a path cannot start with an index';
      cur = '';
      out.push(Number(idx));
      pendingSeg = false;
      i = end + 1;
      continue;
    }
    cur += c;
    pendingSeg = false;
    i++;
  }
  if (cur !== '') out.push(cur);
  else if (pendingSeg) return 'empty key segment';
  if (out.length === 0) return 'empty key';
  return out;
}

function applyOverride(raw: Record<string, unknown>, opt: string, overridden: Map<string, string>, problems: ConfigProblem[]): void {
  const eq = findUnescaped(opt, '=');
  if (eq <= 0) { problems.push({ key: '', message: `expected key=value`, where: `-o ${opt}` }); return; }
  const p = parseKeyPath(opt.slice(0, eq));
  if (typeof p === 'string') { problems.push({ key: opt.slice(0, eq), message: `bad key path: ${p}`, where: `-o ${opt}` }); return; }
  const text = opt.slice(eq + 1);
  let value: unknown;
  // Values are YAML, like in the file: "true" is a boolean, "5" a number, "[a, b]" a list.
  try { value = text === '' ? '' : parseYaml(text); } catch (e) {
    problems.push({ key: keyOf(p), message: `value is not valid YAML: ${(e as Error).message.split('\n')[0]}`, where: `-o ${opt}` });
    return;
  }
  let node: unknown = raw;
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    const last = i === p.length - 1;
    const nextIsIndex = !last && typeof p[i + 1] === 'number';
    if (typeof seg === 'number') {
      if (!Array.isArray(node)) { problems.push({ key: keyOf(p.slice(0, i)), message: 'is not a list', where: `-o ${opt}` }); return; }
      if (seg > node.length) { problems.push({ key: keyOf(p.slice(0, i + 1)), message: `index ${seg} is past the end of the list (length ${node.length})`, where: `-o ${opt}` }); return; }
      if (last) node[seg] = value;
      else { if (node[seg] === undefined || typeof node[seg] !== 'object' || node[seg] === null) node[seg] = nextIsIndex ? [] : {}; node = node[seg]; }
    } else {
      if (!isPlainObject(node)) { problems.push({ key: keyOf(p.slice(0, i)), message: 'is not a mapping', where: `-o ${opt}` }); return; }
      if (last) node[seg] = value;
      else {
        const cur = node[seg];
        if (cur === undefined || cur === null || typeof cur !== 'object') node[seg] = nextIsIndex ? defaultListFor(p.slice(0, i + 1)) : {};
        node = node[seg];
      }
    }
  }
  overridden.set(keyOf(p), opt);
}

/** `-o rules_files[0]=x` with no rules_files in the file starts from the default list. */
function defaultListFor(p: Path): unknown[] {
  let s: Schema | undefined = CONFIG_SCHEMA;
  for (const seg of p) s = s && s.t === 'obj' && typeof seg === 'string' ? s.keys[seg] : undefined;
  return s && s.t === 'list' ? structuredClone([...s.d]) : [];
}

function findUnescaped(s: string, ch: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') { i++; continue; }
    if (s[i] === ch) return i;
  }
  return -1;
}

// ─── validation ────────────────────────────────────────────────────────────────────────────

const DURATION_RE = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** Parses a Prometheus duration ("1h30m", "500ms") into milliseconds; NaN if malformed. */
export function parseDuration(s: string): number {
  if (!DURATION_RE.test(s)) return NaN;
  let ms = 0;
  for (const m of s.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}

function validate(s: Schema, v: unknown, p: Path, problems: ConfigProblem[], at: (p: Path) => string): unknown {
  const bad = (message: string): unknown => {
    problems.push({ key: keyOf(p), message, where: at(p) });
    return defaultOf(s);
  };
  if (v === undefined) return defaultOf(s);
  switch (s.t) {
    case 'bool':
      if (typeof v === 'boolean') return v;
      return bad(`expected true or false, got ${describe(v)}`);
    case 'int':
    case 'num': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad(`expected a${s.t === 'int' ? 'n integer' : ' number'}, got ${describe(v)}`);
      if (s.t === 'int' && !Number.isInteger(v)) return bad(`expected an integer, got ${v}`);
      if (s.min !== undefined && v < s.min) return bad(`must be >= ${s.min}, got ${v}`);
      if (s.max !== undefined && v > s.max) return bad(`must be <= ${s.max}, got ${v}`);
      return v;
    }
    case 'str': {
      // Falco reads scalars as strings where it wants strings; accept numbers there too.
      if (typeof v === 'number' || typeof v === 'boolean') v = String(v);
      if (typeof v !== 'string') return bad(`expected a string, got ${describe(v)}`);
      if (s.enum) {
        const x = s.lower ? v.toLowerCase() : v;
        if (!s.enum.includes(x)) {
          const sug = suggest(x, s.enum);
          return bad(`'${v}' is not one of ${s.enum.join(', ')}${sug ? ` (did you mean '${sug}'?)` : ''}`);
        }
        return x;
      }
      return v;
    }
    case 'duration': {
      if (typeof v !== 'string') return bad(`expected a duration like 500ms, 10s, 1h, got ${describe(v)}`);
      const ms = parseDuration(v);
      if (Number.isNaN(ms)) return bad(`'${v}' is not a duration (use ms, s, m, h, d, w, y, e.g. 1h30m)`);
      if (ms < s.minMs) return bad(`must be at least ${s.minMs}ms, got ${v}`);
      return v;
    }
    case 'list': {
      if (v === null) return [];
      if (!Array.isArray(v)) return bad(`expected a list, got ${describe(v)}`);
      return v.map((item, i) => validate(s.of, item, [...p, i], problems, at));
    }
    case 'map': {
      if (v === null) return {};
      if (!isPlainObject(v)) return bad(`expected a mapping, got ${describe(v)}`);
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = validate(s.of, item, [...p, k], problems, at);
      return out;
    }
    case 'obj': {
      if (v === null) return defaultOf(s);
      if (!isPlainObject(v)) return bad(`expected a mapping, got ${describe(v)}`);
      const known = Object.keys(s.keys);
      for (const k of Object.keys(v)) {
        if (!Object.prototype.hasOwnProperty.call(s.keys, k)) {
          const sug = suggest(k, known);
          problems.push({ key: keyOf([...p, k]), message: `unknown key${sug ? ` (did you mean '${keyOf([...p, sug])}'?)` : ''}`, where: at([...p, k]) });
        }
      }
      const out: Record<string, unknown> = {};
      for (const k of known) out[k] = validate(s.keys[k]!, v[k], [...p, k], problems, at);
      return out;
    }
    case 'any':
      return v;
  }
}

export function defaultOf(s: Schema): unknown {
  switch (s.t) {
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const [k, sub] of Object.entries(s.keys)) out[k] = defaultOf(sub);
      return out;
    }
    case 'map': return {};
    case 'list': return structuredClone([...s.d]);
    default: return structuredClone(s.d);
  }
}

/** Closest candidate by edit distance, if close enough to be a likely typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
