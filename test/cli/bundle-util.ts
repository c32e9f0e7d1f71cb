// Helpers for the tests that run `kestrel inspect` from a bundle built for the test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle } from '../../src/cli/commands/inspect/bundle-build.js';

/** The ES-module CLI (what `node bin/kestrel.js` runs). */
export const CLI = fileURLToPath(new URL('../../src/cli/index.js', import.meta.url));
/** The installed command (a shell launcher; inspect starts from the CommonJS entry). */
export const LAUNCHER = fileURLToPath(new URL('../../../bin/kestrel', import.meta.url));

/** A bundle run found dist/ rebuilt under it (another build running on this machine). */
export class Rebuilt extends Error {}

export interface Ran { out: string; err: string; status: number | null }

/**
 * `kestrel inspect ARGS` through `entry` (CLI: node + the ES-module CLI; LAUNCHER: bin/kestrel),
 * with KESTREL_BUNDLE_DEBUG on so stderr says whether the bundle ran.
 */
export function inspect(entry: string, env: Record<string, string>, args: string[], expectStale = false): Ran {
  const [file, argv] = entry === CLI ? [process.execPath, [CLI, 'inspect', ...args]] : [entry, ['inspect', ...args]];
  const r = spawnSync(file, argv, {
    encoding: 'utf8', env: { ...process.env, KESTREL_BUNDLE_DEBUG: '1', ...env }, maxBuffer: 64 << 20,
  });
  if (!expectStale && env.KESTREL_BUNDLE_DIR !== undefined && /inspect bundle: stale/.test(r.stderr)) throw new Rebuilt();
  return { out: r.stdout, err: r.stderr, status: r.status };
}

/** Runs `body` with a fresh bundle; again (up to 3 times) if a concurrent build made it stale. */
export function withBundle(body: (dir: string) => void): void {
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'kes-bundle-'));
    try {
      buildBundle(dir);
      body(dir);
      return;
    } catch (e) {
      if (!(e instanceof Rebuilt) || attempt === 3) throw e;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
