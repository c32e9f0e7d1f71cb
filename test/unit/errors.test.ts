// docs/errors.md and src/errors.ts must list the same codes (house style: error catalogue
// tested against the docs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ERRORS, EXIT, KestrelError } from '../../src/errors.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8');
const documented = [...doc.matchAll(/^## (\S+)\s*$/gm)].map((m) => m[1]!);

test('every error code is documented in docs/errors.md', () => {
  const missing = Object.keys(ERRORS).filter((c) => !documented.includes(c));
  assert.deepEqual(missing, [], `add a "## <CODE>" section to docs/errors.md for: ${missing.join(', ')}`);
});

test('every documented code exists in src/errors.ts', () => {
  const stale = documented.filter((c) => !(c in ERRORS));
  assert.deepEqual(stale, [], `docs/errors.md documents codes that src/errors.ts does not define: ${stale.join(', ')}`);
});

test('each section states the exit code the CLI uses', () => {
  for (const [code, def] of Object.entries(ERRORS)) {
    assert.equal(def.code, code);
    const section = doc.split(/^## /m).find((s) => s.startsWith(code + '\n'))!;
    assert.match(section, new RegExp(`^Exit ${def.exit}\\.`, 'm'), `${code}: section should start with "Exit ${def.exit}."`);
  }
  assert.ok(Object.values(EXIT).includes(new KestrelError('KES_CONFIG', 'x').exitCode as 5));
});
