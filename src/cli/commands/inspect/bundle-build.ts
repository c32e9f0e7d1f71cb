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
import { ENTRY, BUNDLE_FILE, BUNDLE_FORMAT, CACHE_FILE, MANIFEST_FILE, repoRoot, freshManifest, type Manifest } from './bundle-load.cjs';

type TS = typeof import('typescript');

/** Relative specifiers a module imports (static, re-exports and dynamic import()). */
function importsOf(ts: TS, source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.'));
}

export function buildBundle(outDir = path.join(repoRoot(), 'dist', 'inspect-bundle')): { modules: number; bytes: number } {
  const root = repoRoot();
  const ts = createRequire(import.meta.url)('typescript') as TS;
  const seen = new Set<string>();
  const order: string[] = [];
  const queue = [ENTRY];
  while (queue.length > 0) {
    const rel = queue.pop()!;
    if (seen.has(rel)) continue;
    seen.add(rel);
    order.push(rel);
    const src = readFileSync(path.join(root, rel), 'utf8');
    for (const spec of importsOf(ts, src)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
      // Only JS modules are bundled; anything else (JSON, native addons) stays a real require.
      if (target.endsWith('.js')) queue.push(target);
    }
  }
  const parts: string[] = [];
  parts.push(`(function (__kestrelHost) {\nconst __defs = Object.create(null);\n`);
  const files: [string, number, number, string][] = [];
  for (const rel of order.sort()) {
    const abs = path.join(root, rel);
    const st = statSync(abs);
    const bytes = readFileSync(abs);
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
    // Relative requires name their bundle key directly (no path arithmetic at run time).
    const resolved = out.replace(/\brequire\("(\.{1,2}\/[^"]+)"\)/g, (m, spec: string) => {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
      return seen.has(target) ? `require(${JSON.stringify(target)})` : m;
    });
    parts.push(`__defs[${JSON.stringify(rel)}] = function (exports, require, module, __filename, __dirname, __kestrel_meta_url) {\n${resolved}\n};\n`);
  }
  parts.push(`return __kestrelHost(__defs);\n})`);
  // Pure ASCII (the few non-ASCII characters are in string literals, escaped here): V8 then
  // keeps the source as a one-byte string and the loader reads it as latin1, no UTF-8 decoding.
  const code = parts.join('').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const manifest: Manifest = { format: BUNDLE_FORMAT, entry: ENTRY, files, sha1: createHash('sha1').update(code).digest('hex') };
  mkdirSync(outDir, { recursive: true });
  // Replace atomically (concurrent readers see the old or the new bundle, never half of one);
  // the old code cache belongs to the old bundle.
  const tmp = `.${process.pid}.tmp`;
  writeFileSync(path.join(outDir, BUNDLE_FILE + tmp), code);
  writeFileSync(path.join(outDir, MANIFEST_FILE + tmp), JSON.stringify(manifest));
  rmSync(path.join(outDir, CACHE_FILE), { force: true });
  renameSync(path.join(outDir, BUNDLE_FILE + tmp), path.join(outDir, BUNDLE_FILE));
  renameSync(path.join(outDir, MANIFEST_FILE + tmp), path.join(outDir, MANIFEST_FILE));
  return { modules: files.length, bytes: code.length };
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
    process.stdout.write(`inspect bundle: ${r.modules} modules, ${r.bytes} bytes\n`);
  }
}
