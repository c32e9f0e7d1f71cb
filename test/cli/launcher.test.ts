// bin/kestrel (the installed command) drops NODE_EXTRA_CA_CERTS for commands that never make a
// TLS connection (Node 20 loads that file eagerly at every start) and keeps it for `run`
// (HTTPS outputs). Observable without timing: Node warns on stderr at start when the variable
// names a file it cannot read, so the warning appears exactly when the variable reached node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, rmSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED_DIR } from '../support/shared-dir.js';
import { CLI, LAUNCHER, inspect, withBundle } from './bundle-util.js';
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

/** Whether this node loads NODE_EXTRA_CA_CERTS at start (Node 20 does; later versions load it on first TLS use). */
const EAGER_CA = WARNING.test(launch(process.execPath, ['-e', '0']).err);

test('run keeps NODE_EXTRA_CA_CERTS (its outputs may use HTTPS)', { skip: EAGER_CA ? false : 'this node loads NODE_EXTRA_CA_CERTS lazily' }, () => {
  const r = launch(LAUNCHER, ['run', '--help']);
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /usage: kestrel run/);
  assert.match(r.err, WARNING);
});

test('without the CommonJS entry (an older build), launcher inspect runs the ES-module CLI', () => {
  // A tree holding only the launcher and the CLI's entry (a link: node resolves the CLI's
  // imports from the real file).
  const dir = mkdtempSync(join(tmpdir(), 'kes-tree-'));
  try {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist', 'src', 'cli'), { recursive: true });
    copyFileSync(LAUNCHER, join(dir, 'bin', 'kestrel'));
    symlinkSync(CLI, join(dir, 'dist', 'src', 'cli', 'index.js'));
    const r = launch(join(dir, 'bin', 'kestrel'), ['inspect', '-r', SAMPLE, '-n', '5']);
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out, launch(LAUNCHER, ['inspect', '-r', SAMPLE, '-n', '5']).out);
    assert.doesNotMatch(r.err, WARNING);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

/**
 * A --require hook (through NODE_OPTIONS, which the launcher passes on) that says at exit
 * whether Node's ES module loader ran a module: internal/modules/esm/module_job is loaded only
 * then (the loader's base parts are loaded at every start).
 */
function esmProbe(dir: string): Record<string, string> {
  const hook = join(dir, 'esm-probe.cjs');
  writeFileSync(hook, `process.on('exit', () => { process.stderr.write('esm module jobs: ' + process.moduleLoadList.some((m) => m.endsWith('esm/module_job')) + '\\n'); });\n`);
  return { NODE_OPTIONS: `--require ${hook}` };
}

test('launcher inspect runs a fresh bundle without the ES module loader, and a stale one from the modules, with the same results', () => {
  withBundle((dir) => {
    const env = { ...esmProbe(dir), KESTREL_BUNDLE_DIR: dir };
    const cases = [
      { args: ['-r', SAMPLE, '-p', '*%evt.num %proc.name %fd.name %evt.info'], status: 0 },
      { args: ['-r', SAMPLE, 'proc.nam = x'], status: 3 },
      { args: ['-r', SAMPLE, '--no-such-flag'], status: 2 },
    ];
    const refs = cases.map((c) => inspect(CLI, { KESTREL_NO_BUNDLE: '1' }, c.args));
    const strip = (err: string) => err.replace(/^(kestrel: inspect bundle|esm module jobs): .*\n/gm, '');
    cases.forEach((c, i) => {
      const r = inspect(LAUNCHER, env, c.args);
      assert.match(r.err, /inspect bundle: used/);
      assert.match(r.err, /esm module jobs: false/, 'the bundle ran without the ES module loader');
      assert.equal(r.status, c.status, `${c.args.join(' ')}: ${r.err}`);
      assert.equal(refs[i]!.status, c.status);
      assert.equal(r.out, refs[i]!.out);
      assert.equal(strip(r.err), strip(refs[i]!.err));
    });
    assert.ok(refs[0]!.out.split('\n').length > 50);
    // Stale (a bundled module changed since it was bundled): the ES modules run instead.
    const manifestPath = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: [string, number, number, string][] };
    m.files[0]![2] += 1;
    writeFileSync(manifestPath, JSON.stringify(m));
    cases.forEach((c, i) => {
      const r = inspect(LAUNCHER, env, c.args, true);
      assert.match(r.err, /inspect bundle: stale/);
      assert.match(r.err, /esm module jobs: true/);
      assert.equal(r.status, c.status, `${c.args.join(' ')}: ${r.err}`);
      assert.equal(r.out, refs[i]!.out);
      assert.equal(strip(r.err), strip(refs[i]!.err));
    });
  });
});
