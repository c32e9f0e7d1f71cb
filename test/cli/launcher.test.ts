// bin/kestrel (the installed command) drops NODE_EXTRA_CA_CERTS for commands that never make a
// TLS connection (Node 20 loads that file eagerly at every start) and keeps it for `run`
// (HTTPS outputs). Observable without timing: Node warns on stderr at start when the variable
// names a file it cannot read, so the warning appears exactly when the variable reached node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARED_DIR } from '../support/shared-dir.js';

const LAUNCHER = fileURLToPath(new URL('../../../bin/kestrel', import.meta.url));
const SAMPLE = join(SHARED_DIR, 'data', 'scap', 'libs_sample.scap');
const WARNING = /Ignoring extra certs from/;

function launch(bin: string, args: string[]): { out: string; err: string; status: number | null } {
  const missing = join(tmpdir(), `kestrel-no-such-ca-${process.pid}.pem`);
  const r = spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: missing } });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

test('inspect, fields and version start without NODE_EXTRA_CA_CERTS', () => {
  const ins = launch(LAUNCHER, ['inspect', '-r', SAMPLE, '-n', '3']);
  assert.equal(ins.status, 0, ins.err);
  assert.ok(ins.out.trim().split('\n').length >= 2, ins.out);
  assert.doesNotMatch(ins.err, WARNING);
  for (const args of [['fields'], ['version'], ['--help']]) {
    const r = launch(LAUNCHER, args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.err}`);
    assert.ok(r.out.length > 0);
    assert.doesNotMatch(r.err, WARNING, args.join(' '));
  }
});

test('run keeps NODE_EXTRA_CA_CERTS (its outputs may use HTTPS)', () => {
  const r = launch(LAUNCHER, ['run', '--help']);
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /usage: kestrel run/);
  assert.match(r.err, WARNING);
});

test('the launcher finds the repository through a symlink (npm installs bin entries as links)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kes-bin-'));
  try {
    const link = join(dir, 'kestrel');
    symlinkSync(LAUNCHER, link);
    const r = launch(link, ['version']);
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /^kestrel \d/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
