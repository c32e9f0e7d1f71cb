// The rules loader: several files, in order → {rules, errors, warnings}.
//
//   read YAML (line/col kept) → schema-check each item → collect (define / override / append)
//        reader.ts                   reader.ts                 collector.ts
//   → compile (exceptions → text, lists → text, parse, macros → AST, fields, event types, output)
//        compiler.ts + text.ts, through a FilterBackend (backend.ts)
//
// Nothing here throws on bad rules: every problem is a coded message with file:line:col.
import { readFileSync } from 'node:fs';
import { LoadResult, type Pos } from './result.js';
import { Collector } from './collector.js';
import { readRulesFile } from './reader.js';
import { compileAll, type AppendOutput, type CompileOutput, type FilterBackend } from './compiler.js';
import { BUILTIN_PLUGINS, compatibleWith, parseSemver, semverString } from './version.js';
import type { Semver } from './types.js';

export interface RulesSource {
  /** Shown in messages (a path, or e.g. "<default rules>"). */
  name: string;
  content: string;
}

export interface LoadOptions<A, M, F> {
  /** Condition language + output templates. Without it, loading stops after collecting. */
  backend?: FilterBackend<A, M, F>;
  /** Event sources rules may use (default: syscall). Rules of other sources are skipped with a warning. */
  sources?: ReadonlySet<string>;
  /** Exception field names are checked with this at collect time (Falco's is_field_defined). */
  isField?: (name: string) => boolean;
  /** Plugins (name → version) considered present; default: kestrel's built-in equivalents. */
  plugins?: ReadonlyMap<string, Semver>;
  /** The configuration's append_output entries. */
  appendOutput?: readonly AppendOutput[];
}

export interface LoadOutput<A, M, F> extends CompileOutput<A, M, F> {
  result: LoadResult;
  collector: Collector;
  requiredEngine: Semver | null;
}

/** Reads files from disk; a file that can't be read is a LOAD_ERR_FILE_READ error, not a throw. */
export function readSources(paths: readonly string[], res: LoadResult): RulesSource[] {
  const out: RulesSource[] = [];
  for (const p of paths) {
    try {
      out.push({ name: p, content: readFileSync(p, 'utf8') });
    } catch (e) {
      res.error('LOAD_ERR_FILE_READ', `Could not read rules file: ${(e as Error).message}`, { file: p, line: 0, col: 0 });
    }
  }
  return out;
}

export function loadRules<A, M, F>(sources: readonly RulesSource[], opts: LoadOptions<A, M, F> = {}, res = new LoadResult()): LoadOutput<A, M, F> {
  const col = new Collector({
    sources: opts.sources ?? new Set(['syscall']),
    isField: opts.isField,
    warnUnknownSource: (rule, source, pos) => res.warn('LOAD_UNKNOWN_SOURCE', `Unknown source ${source}, skipping`, pos, `rule '${rule}'`),
  });
  for (const s of sources) readRulesFile(s.name, s.content, res, col);
  checkPlugins(col, opts.plugins ?? BUILTIN_PLUGINS, res);
  let out: CompileOutput<A, M, F> = { rules: [], macros: [], lists: [] };
  if (opts.backend) out = compileAll(col, opts.backend, res, opts.appendOutput, opts.isField);
  return { ...out, result: res, collector: col, requiredEngine: col.requiredEngine };
}

/** Each required_plugin_versions entry needs one of its alternatives at a compatible version. */
function checkPlugins(col: Collector, plugins: ReadonlyMap<string, Semver>, res: LoadResult): void {
  for (const req of col.requiredPlugins) {
    let ok = false;
    let why = '';
    for (const alt of req.alternatives) {
      const have = plugins.get(alt.name);
      const want = parseSemver(alt.version)!;
      if (!have) { why ||= `Plugin '${alt.name}' required by this rules file is not available`; continue; }
      if (!compatibleWith(have, want)) { why = `Plugin '${alt.name}' version ${semverString(have)} is not compatible with required plugin version ${alt.version}`; continue; }
      ok = true;
      break;
    }
    if (!ok) res.error('LOAD_ERR_VALIDATE', why, req.pos as Pos, `required_plugin_versions '${req.alternatives[0].name}'`);
  }
}
