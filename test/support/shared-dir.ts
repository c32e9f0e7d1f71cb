// Where the shared reference data lives: `../shared` beside the repository (as in CI and on
// developer machines), overridable with KESTREL_SHARED. Tests reach shared/ only through this.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/support/shared-dir.js → repository root is three levels up.
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function locate(): string {
  const fromEnv = process.env.KESTREL_SHARED;
  if (fromEnv) return fromEnv;
  const beside = join(REPO_ROOT, '..', 'shared');
  if (existsSync(beside)) return beside;
  return '/work/shared';
}

export const SHARED_DIR = locate();
