// Compiles a C program used by a test (trigger programs, load generators) once per source
// change, into a directory shared by the test files of a run.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Builds `src` as `name` with gcc and `flags` (e.g. ['-O1']) unless the binary is newer than the
 * source; returns the binary's path. Test files run in parallel and share the directory, so the
 * binary is built under a private name and renamed into place: nobody runs a half-written file.
 */
export function buildC(src: string, name: string, flags: string[]): string {
  const dir = join(tmpdir(), 'kestrel-test-bin');
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, name);
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(src).mtimeMs) {
    const tmp = `${bin}.${process.pid}.tmp`;
    execFileSync('gcc', [...flags, '-Wall', '-o', tmp, src], { timeout: 300_000, killSignal: 'SIGKILL' });
    renameSync(tmp, bin);
  }
  return bin;
}
