// The schema check is real: `gen-events --check` passes on an up-to-date tree and fails when a
// generated file is stale. It runs against a copy (--root), never touching the repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const GEN = join(ROOT, 'dist/scripts/gen-events.js');
const FILES = ['src/events/generated/event-table.ts', 'driver/shared/event_schema.generated.h'];

function gen(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [GEN, ...args], { timeout: 300_000, killSignal: 'SIGKILL', encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('gen-events --check: passes on the repository and on a faithful copy', () => {
  assert.equal(gen(['--check']).status, 0);
  const dir = mkdtempSync(join(tmpdir(), 'kes-gen-'));
  try {
    for (const f of FILES) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      cpSync(join(ROOT, f), join(dir, f));
    }
    assert.equal(gen(['--check', '--root', dir]).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gen-events --check: fails on a stale or missing generated file, and regenerating fixes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kes-gen-'));
  try {
    for (const f of FILES) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      cpSync(join(ROOT, f), join(dir, f));
    }
    const ts = join(dir, FILES[0]!);
    // A schema change not regenerated looks like this: one table entry differs.
    writeFileSync(ts, readFileSync(ts, 'utf8').replace('export const EVENT_COUNT = ', 'export const EVENT_COUNT = 1 + '));
    const r = gen(['--check', '--root', dir]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /stale generated file: src\/events\/generated\/event-table\.ts/);

    rmSync(join(dir, FILES[1]!));
    const r2 = gen(['--check', '--root', dir]);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /event_schema\.generated\.h/);

    assert.equal(gen(['--root', dir]).status, 0);
    assert.equal(gen(['--check', '--root', dir]).status, 0);
    assert.equal(readFileSync(ts, 'utf8'), readFileSync(join(ROOT, FILES[0]!), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
