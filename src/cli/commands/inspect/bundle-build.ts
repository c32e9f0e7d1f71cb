// Builds the inspect bundle: every module `kestrel inspect` can load (static and dynamic
// imports from its entry), turned into CommonJS and put in one script, which bundle-load.cts
// runs with a V8 code cache.
//
//   node dist/src/cli/commands/inspect/bundle-build.js [OUT_DIR]     (default dist/inspect-bundle)
//
// Why: start-up is a large part of a short `kestrel inspect -r` run. Node 20's ES module loader
// resolves, reads, compiles and links each of inspect's ~65 modules separately (measured: ~45 ms
// of CPU under load for the replay path's modules, CommonJS alone saved that much), and ES
// modules get no compile cache in Node 20. One script compiled from a code cache skips both.
//
// The bundle is derived from dist/ (what the ES module path runs), never from src/ directly, and
// the manifest records each input's size, mtime and SHA-1: bundle-load.cts uses the bundle only
// while every input is unchanged, so a stale bundle can never run (it falls back to the modules).

import { readFileSync, writeFileSync, mkdirSync, statSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { ENTRY, BUNDLE_FILE, BUNDLE_FORMAT, CACHE_FILE, EXTRA_FILE, MANIFEST_FILE, extraHead, repoRoot, freshManifest, type Manifest } from './bundle-load.cjs';

type TS = typeof import('typescript');

/** Relative specifiers a module imports (static, re-exports and dynamic import()). */
function importsOf(ts: TS, source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.'));
}

/**
 * Roots of the modules a replay (`inspect -r`, printing or filtering) never loads: live capture,
 * writing a capture, container runtimes and the rules engine behind container fields. Modules
 * reachable only through these go to the extra script, so a replay reads and compiles about
 * half the code. (Placement only: a module missing from the main script is found in the extra.)
 */
const EXTRA_ROOTS = new Set([
  'dist/src/capture/live-cli.js',
  'dist/src/capture/scap-writer.js',
  'dist/src/containers/index.js',
  'dist/src/containers/capture-tap.js',
  'dist/src/engine/detection.js',
]);

/** Every module reachable from `starts`, not following imports of `cut`. */
function reach(graph: Map<string, string[]>, starts: string[], cut: Set<string>): Set<string> {
  const seen = new Set<string>();
  const queue = [...starts];
  while (queue.length > 0) {
    const rel = queue.pop()!;
    if (seen.has(rel)) continue;
    seen.add(rel);
    for (const d of graph.get(rel)!) if (!cut.has(d)) queue.push(d);
  }
  return seen;
}

/** Non-ASCII characters (only in string literals) as escapes: V8 keeps a one-byte source, read as latin1. */
function ascii(text: string): string {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function buildBundle(outDir = path.join(repoRoot(), 'dist', 'inspect-bundle')): { modules: number; bytes: number; extraModules: number; extraBytes: number } {
  const root = repoRoot();
  const ts = createRequire(import.meta.url)('typescript') as TS;
  // The import graph of dist/ from the entry (static imports, re-exports and import()).
  const graph = new Map<string, string[]>();
  const sources = new Map<string, Buffer>();
  const queue = [ENTRY];
  while (queue.length > 0) {
    const rel = queue.pop()!;
    if (graph.has(rel)) continue;
    const bytes = readFileSync(path.join(root, rel));
    sources.set(rel, bytes);
    const deps: string[] = [];
    for (const spec of importsOf(ts, bytes.toString('utf8'))) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
      // Only JS modules are bundled; anything else (JSON, native addons) stays a real require.
      if (target.endsWith('.js')) deps.push(target);
    }
    graph.set(rel, deps);
    queue.push(...deps);
  }
  const core = reach(graph, [ENTRY], EXTRA_ROOTS);
  const files: [string, number, number, string][] = [];
  const coreParts: string[] = [];
  const extraParts: string[] = [];
  for (const rel of [...graph.keys()].sort()) {
    const st = statSync(path.join(root, rel));
    const bytes = sources.get(rel)!;
    files.push([rel, st.size, st.mtimeMs, createHash('sha1').update(bytes).digest('hex')]);
    let src = bytes.toString('utf8');
    // import.meta is ES-module-only syntax: each module gets a function returning its URL.
    src = src.replace(/\bimport\.meta\.url\b/g, '__kestrel_meta_url()');
    if (/\bimport\.meta\b/.test(src)) throw new Error(`bundle: ${rel} uses import.meta beyond .url`);
    const out = ts.transpileModule(src, {
      fileName: rel,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        sourceMap: false,
        removeComments: true,
      },
    }).outputText.replace(/^\/\/# sourceMappingURL=.*$/m, '');
    // Relative requires of bundled modules (static imports come out with double quotes,
    // import() keeps the source's quotes) name their bundle key: no path arithmetic at run time.
    const resolved = out.replace(/\brequire\((["'])(\.{1,2}\/[^"']+)\1\)/g, (m, _q: string, spec: string) => {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
      return graph.has(target) ? `require(${JSON.stringify(target)})` : m;
    });
    const def = `__defs[${JSON.stringify(rel)}] = function (exports, require, module, __filename, __dirname, __kestrel_meta_url) {\n${resolved}\n};\n`;
    (core.has(rel) ? coreParts : extraParts).push(def);
  }
  const code = ascii(`(function (__kestrelHost) {\nconst __defs = Object.create(null);\n${coreParts.join('')}return __kestrelHost(__defs);\n})`);
  const sha1 = createHash('sha1').update(code).digest('hex');
  const extra = extraHead(sha1) + ascii(`(function (__defs) {\n${extraParts.join('')}})`);
  const manifest: Manifest = { format: BUNDLE_FORMAT, entry: ENTRY, files, sha1 };
  mkdirSync(outDir, { recursive: true });
  // Replace atomically (concurrent readers see the old or the new bundle, never half of one;
  // an extra script from another build is refused by its first line); the old code cache
  // belongs to the old bundle.
  const tmp = `.${process.pid}.tmp`;
  writeFileSync(path.join(outDir, EXTRA_FILE + tmp), extra);
  writeFileSync(path.join(outDir, BUNDLE_FILE + tmp), code);
  writeFileSync(path.join(outDir, MANIFEST_FILE + tmp), JSON.stringify(manifest));
  rmSync(path.join(outDir, CACHE_FILE), { force: true });
  renameSync(path.join(outDir, EXTRA_FILE + tmp), path.join(outDir, EXTRA_FILE));
  renameSync(path.join(outDir, BUNDLE_FILE + tmp), path.join(outDir, BUNDLE_FILE));
  renameSync(path.join(outDir, MANIFEST_FILE + tmp), path.join(outDir, MANIFEST_FILE));
  return { modules: core.size, bytes: code.length, extraModules: graph.size - core.size, extraBytes: extra.length };
}

// `--if-stale`: rebuild only when the bundle is missing or a bundled module changed (bench
// scripts run this after building, so an unchanged bundle keeps its code cache).
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const ifStale = args[0] === '--if-stale';
  if (ifStale) args.shift();
  const dir = args[0] !== undefined ? path.resolve(args[0]) : path.join(repoRoot(), 'dist', 'inspect-bundle');
  if (ifStale && freshManifest(dir) !== null) {
    process.stdout.write('inspect bundle: up to date\n');
  } else {
    const r = buildBundle(dir);
    process.stdout.write(`inspect bundle: ${r.modules} modules, ${r.bytes} bytes (+ ${r.extraModules} modules, ${r.extraBytes} bytes loaded when used)\n`);
  }
}
