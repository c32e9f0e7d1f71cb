// Helpers for the differential tests against sysdig 0.29.3 (the oracle): run it with TZ=UTC,
// run kestrel the same way, and list the capture files sysdig can read.

import { execFileSync, spawnSync } from 'node:child_process';
import { SHARED_DIR } from '../support/shared-dir.js';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const SCAP_DIR = join(SHARED_DIR, 'data', 'scap');
/** libs_e2e_curl_google_comments has pcapng SHB options that sysdig 0.29.3 refuses. */
const UNREADABLE = new Set(['libs_e2e_curl_google_comments.scap']);

export function sysdigAvailable(): boolean {
  const r = spawnSync('sysdig', ['--version'], { timeout: 300_000, killSignal: 'SIGKILL', encoding: 'utf8' });
  return r.status === 0 && /0\.29\./.test(r.stdout);
}

/** The sample captures sysdig reads (sorted). */
export function captures(): string[] {
  if (!existsSync(SCAP_DIR)) return [];
  return readdirSync(SCAP_DIR).filter((f) => f.endsWith('.scap') && !UNREADABLE.has(f)).sort();
}

export function sysdig(args: string[]): string {
  return execFileSync('sysdig', args, { timeout: 300_000, killSignal: 'SIGKILL',
    encoding: 'latin1', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'],
  });
}

const CLI = fileURLToPath(new URL('../../src/cli/index.js', import.meta.url));

export function kestrel(args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { timeout: 300_000, killSignal: 'SIGKILL',
    encoding: 'latin1', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function scapPath(f: string): string { return join(SCAP_DIR, f); }
