// Runs `kestrel inspect` from the bundle made by bundle-build.ts, compiled from a V8 code cache,
// when the bundle is fresh; otherwise the ES modules run as usual.
//
// This file is CommonJS (.cts -> .cjs) so that it can be the process entry of `kestrel inspect`
// (bin/kestrel runs `node bundle-load.cjs inspect ...`): a replay then never starts Node's ES
// module loader, which costs ~10 ms before the first module runs. When the bundle is stale the
// entry imports dist/src/cli/index.js (the ES modules) instead, with the same arguments. The
// ES-module CLI imports this file too, for the same bundle and the same exit handling.
//
// Fresh = the manifest's format matches and every bundled module in dist/ still has the size
// and mtime it had when bundled. A rebuilt dist/ makes the bundle stale until it is rebuilt
// (`npm run build`, the bench scripts); meanwhile kestrel runs the modules: slower start, same
// behaviour. KESTREL_NO_BUNDLE=1 disables
// the bundle; KESTREL_BUNDLE_DIR points at another bundle directory (tests).
//
// The code cache is written after a run when there is none (or V8 rejected it), so it holds the
// bytecode of every function that run compiled. It is written to a temporary name and renamed,
// so concurrent runs never read half a file; a read-only dist/ just means no cache.

import { readFileSync, readSync, openSync, closeSync, fstatSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { pathToFileURL } from 'node:url';
import type { Command } from '../../command.js' with { 'resolution-mode': 'import' };

export const ENTRY = 'dist/src/cli/commands/inspect/index.js';
export const BUNDLE_FILE = 'inspect.cjs';
/**
 * The modules a replay never runs (live capture, writing, container runtimes): a second script,
 * read and compiled only when one of them is first required (it starts with a comment naming
 * the SHA-1 of the bundle it belongs to).
 */
export const EXTRA_FILE = 'inspect-extra.cjs';
export const MANIFEST_FILE = 'manifest.json';
export const CACHE_FILE = 'inspect.cache';
/** Bumped when the bundle's wrapper format changes. */
export const BUNDLE_FORMAT = 3;

/** The repository root (this file is dist/src/cli/commands/inspect/bundle-load.cjs). */
export function repoRoot(): string {
  return path.resolve(__dirname, '../../../../..');
}

export interface Manifest {
  format: number;
  entry: string;
  /** Each bundled module: path relative to the repo root, size, mtime (ms) and SHA-1 when bundled (the SHA-1 is informative). */
  files: [string, number, number, string][];
  /**
   * SHA-1 of the bundle text. The code cache file starts with it: V8 checks a cache only
   * against the source's length, so a cache is used only with the bundle it was made from.
   */
  sha1: string;
}

type Defs = Record<string, (exports: object, require: (s: string) => unknown, module: { exports: object }, filename: string, dirname: string, metaUrl: () => string) => void>;

/** runBundled found no usable bundle in this process (it is not looked for twice). */
let declined = false;

/** Why the bundle was not used (or 'used'), for tests and KESTREL_BUNDLE_DEBUG. */
export let bundleStatus = 'not tried';

function debug(msg: string): void {
  bundleStatus = msg;
  if (process.env.KESTREL_BUNDLE_DEBUG === '1') process.stderr.write(`kestrel: inspect bundle: ${msg}\n`);
}

/** A KES_IO error (reportError's duck typing: src/errors.ts is an ES module, out of reach here). */
function ioError(message: string): Error {
  return Object.assign(new Error(message), { code: 'KES_IO', exitCode: 1 });
}

/** The first line of the extra script: which bundle (SHA-1 of its text) it was built with. */
export function extraHead(sha1: string): string {
  return `// kestrel inspect bundle extra for ${sha1}\n`;
}

/**
 * The module system inside the bundle: CommonJS semantics over the bundled definitions.
 * `addExtra` adds the extra script's definitions to `defs` (called once, when a module is not
 * among the main script's).
 */
function host(root: string, addExtra: (defs: Defs) => void): (defs: Defs) => (id: string) => unknown {
  return (defs) => {
    let extraAdded = false;
    const cache = new Map<string, { exports: object }>();
    /** One require for node: builtins (they resolve the same from every module). */
    let builtin: NodeJS.Require | null = null;
    const load = (id: string): unknown => {
      const hit = cache.get(id);
      if (hit !== undefined) return hit.exports;
      let def = defs[id];
      if (def === undefined && !extraAdded) {
        extraAdded = true;
        addExtra(defs);
        def = defs[id];
      }
      if (def === undefined) throw new Error(`inspect bundle: module ${id} is not in the bundle`);
      const m = { exports: {} };
      cache.set(id, m);
      const file = path.join(root, id);
      // Built lazily: most modules require only bundled modules and builtins.
      let outside: NodeJS.Require | null = null;
      const req = (spec: string): unknown => {
        // The builder rewrote every relative require of a bundled module to its key.
        if (spec.startsWith('dist/')) return load(spec);
        if (spec.startsWith('node:')) return (builtin ??= createRequire(file))(spec);
        return (outside ??= createRequire(file))(spec);
      };
      def(m.exports, req, m, file, path.dirname(file), () => pathToFileURL(file).href);
      return m.exports;
    };
    return load;
  };
}

/** Reads up to `size` bytes of fd into buf from offset 0; the count read. */
function readFull(fd: number, buf: Buffer, size: number): number {
  let n = 0;
  while (n < size) {
    const r = readSync(fd, buf, n, size - n, n);
    if (r === 0) break;
    n += r;
  }
  return n;
}

/** The bundle's manifest when every bundled module is unchanged since, else null. */
export function freshManifest(dir: string, root = repoRoot()): Manifest | null {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    debug('absent');
    return null;
  }
  if (manifest.format !== BUNDLE_FORMAT) { debug('stale (format)'); return null; }
  // Size and mtime only: hashing the modules would cost more than the bundle saves (the first
  // use of node:crypto alone takes milliseconds), so any rebuild of dist/ makes it stale.
  for (const [rel, size, mtime] of manifest.files) {
    const st = statSync(path.join(root, rel), { throwIfNoEntry: false });
    if (st === undefined || st.size !== size || st.mtimeMs !== mtime) { debug(`stale (${rel})`); return null; }
  }
  return manifest;
}

/**
 * Runs inspect from the bundle. Resolves to the exit code, or null when there is no fresh bundle
 * (the caller then loads the command's modules).
 */
export async function runBundled(args: string[]): Promise<number | null> {
  // The CommonJS entry found no fresh bundle and loaded the ES modules, which ask again.
  if (declined) return null;
  if (process.env.KESTREL_NO_BUNDLE === '1') { debug('disabled'); declined = true; return null; }
  const root = repoRoot();
  const dir = process.env.KESTREL_BUNDLE_DIR ?? path.join(root, 'dist', 'inspect-bundle');
  const manifest = freshManifest(dir, root);
  if (manifest === null) { declined = true; return null; }
  // Both files go through one buffer: every fresh page costs a fault (~13 us on this VM),
  // and the script text is copied into V8's heap anyway.
  let code: string;
  let cached: Buffer | undefined;
  let fd = -1;
  let cacheFd = -1;
  try {
    fd = openSync(path.join(dir, BUNDLE_FILE), 'r');
    const size = fstatSync(fd).size;
    let cacheSize = 0;
    try {
      cacheFd = openSync(path.join(dir, CACHE_FILE), 'r');
      cacheSize = fstatSync(cacheFd).size;
    } catch { /* no cache yet */ }
    const buf = Buffer.allocUnsafeSlow(Math.max(size, cacheSize));
    code = buf.toString('latin1', 0, readFull(fd, buf, size));
    if (cacheFd >= 0) {
      try {
        const n = readFull(cacheFd, buf, cacheSize);
        // The file starts with the SHA-1 (hex) of the bundle it was made from.
        if (n > 41 && buf.toString('latin1', 0, 40) === manifest.sha1) cached = buf.subarray(41, n);
      } catch { /* an unreadable cache: run without one */ }
    }
  } catch {
    debug('absent');
    declined = true;
    return null;
  } finally {
    if (fd >= 0) closeSync(fd);
    if (cacheFd >= 0) closeSync(cacheFd);
  }
  const script = new vm.Script(code, { filename: path.join(dir, BUNDLE_FILE), cachedData: cached });
  const writeCache = cached === undefined || script.cachedDataRejected === true;
  const addExtra = (defs: Defs): void => {
    const file = path.join(dir, EXTRA_FILE);
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch (e) {
      throw ioError(`inspect bundle: cannot read ${file}: ${(e as Error).message}`);
    }
    // Rebuilt since this process read the main script: its modules may not fit with ours.
    if (!text.startsWith(extraHead(manifest.sha1))) throw ioError(`inspect bundle: ${file} was rebuilt while kestrel ran; run the command again`);
    (new vm.Script(text, { filename: file }).runInThisContext() as (d: Defs) => void)(defs);
  };
  const load = (script.runInThisContext() as (h: ReturnType<typeof host>) => (id: string) => unknown)(host(root, addExtra));
  const mod = load(manifest.entry) as { command: Command };
  debug(writeCache ? 'used (writing code cache)' : 'used (code cache)');
  try {
    return await mod.command.run(args);
  } finally {
    if (writeCache) {
      try {
        const data = script.createCachedData();
        const tmp = path.join(dir, `${CACHE_FILE}.${process.pid}.tmp`);
        writeFileSync(tmp, Buffer.concat([Buffer.from(manifest.sha1 + '\n', 'latin1'), data]));
        renameSync(tmp, path.join(dir, CACHE_FILE));
      } catch { /* read-only install: run without a cache */ }
    }
  }
}

/**
 * The message and exit code of an error that ends a command (the CLI's one mapping, shared by
 * both entries). Duck-typed: errors thrown from the bundle are its own KestrelError class, and
 * this CommonJS file cannot import src/errors.ts (an ES module) anyway.
 */
export function reportError(err: unknown): number {
  const e = err as { code?: unknown; exitCode?: unknown; message?: unknown; stack?: unknown };
  if (err instanceof Error && typeof e.code === 'string' && e.code.startsWith('KES_') && typeof e.exitCode === 'number') {
    process.stderr.write(`kestrel: ${err.message} [${e.code}]\n`);
    return e.exitCode;
  }
  if (err instanceof Error && e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    process.stderr.write(`kestrel: ${err.message}\n`);
    return 2; // EXIT.USAGE
  }
  process.stderr.write(`kestrel: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
  return 1; // EXIT.FAILURE
}

// Which of stdout/stderr the process created (null: not watched, assume both). Both are
// created on first access (a few ms for a pipe): exitWhenFlushed must not create one only to
// find it empty.
let opened: { stdout: boolean; stderr: boolean } | null = null;

/**
 * Starts noting which of process.stdout/stderr get created, for exitWhenFlushed. Called before
 * a command that will end through exitWhenFlushed touches either (inspect only).
 */
export function watchStdio(): void {
  if (opened !== null) return;
  const seen = { stdout: false, stderr: false };
  opened = seen;
  for (const name of ['stdout', 'stderr'] as const) {
    const d = Object.getOwnPropertyDescriptor(process, name);
    if (d?.get === undefined || d.configurable !== true) { seen[name] = true; continue; }
    const get = d.get;
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: d.enumerable,
      get() { seen[name] = true; return get.call(process); },
    });
  }
}

/**
 * Ends the process with `code` as soon as everything written to stdout and stderr has left it.
 * Node's natural exit tears the environment down (~13 ms after a replay, measured); only a
 * command that has closed everything it opened may end this way (inspect does). Writes to a
 * pipe are asynchronous in Node: a zero-length write's callback runs after every earlier write
 * has been handed to the kernel, so nothing queued is lost.
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  for (const name of ['stdout', 'stderr'] as const) {
    if (opened !== null && !opened[name]) continue;
    const s = process[name];
    if (s.writableLength === 0 || s.destroyed) continue;
    const quiet = (): void => {}; // EPIPE while waiting: the reader is gone, nothing to keep
    s.on('error', quiet);
    await new Promise<void>((resolve) => { s.write('', () => resolve()); });
    s.off('error', quiet);
  }
  process.exit(code);
}

/** The CLI's entry when it is `node bundle-load.cjs inspect ARGS` (bin/kestrel does this). */
async function main(argv: string[]): Promise<void> {
  let code: number | null = null;
  if (argv[0] === 'inspect') {
    watchStdio();
    try {
      code = await runBundled(argv.slice(1));
    } catch (err) {
      code = reportError(err);
    }
  }
  // No fresh bundle (or not inspect): the ES-module CLI runs with the same process.argv.
  if (code === null) await import(pathToFileURL(path.join(repoRoot(), 'dist', 'src', 'cli', 'index.js')).href);
  else await exitWhenFlushed(code);
}

if (require.main === module) void main(process.argv.slice(2));
