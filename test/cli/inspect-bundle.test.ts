// `kestrel inspect` from its bundle (one CommonJS script run from a V8 code cache) must behave
// exactly like inspect from its ES modules: same output, same errors and exit codes; a stale
// bundle is never used. Each test builds its own bundle in a temporary directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from '../support/shared-dir.js';
import { CLI, inspect, withBundle } from './bundle-util.js';

const SAMPLE = join(SHARED_DIR, 'data', 'scap', 'libs_sample.scap');

function run(env: Record<string, string>, args: string[], expectStale = false): { out: string; err: string; status: number | null } {
  return inspect(CLI, env, args, expectStale);
}

test('inspect from the bundle prints what the modules print, and writes then uses its code cache', () => {
  withBundle((dir) => {
    assert.ok(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).files.length > 20);
    const args = ['-r', SAMPLE, '-p', '*%evt.num %proc.name %fd.name %evt.info %user.name %thread.vmsize', 'evt.num > 1 and not fd.name contains zzz'];
    const ref = run({ KESTREL_NO_BUNDLE: '1' }, args);
    assert.equal(ref.status, 0, ref.err);
    assert.ok(ref.out.split('\n').length > 50, 'the reference run prints events');
    const first = run({ KESTREL_BUNDLE_DIR: dir }, args);
    assert.match(first.err, /inspect bundle: used \(writing code cache\)/);
    assert.equal(first.status, 0);
    assert.equal(first.out, ref.out);
    assert.ok(existsSync(join(dir, 'inspect.cache')), 'the first run writes the code cache');
    const second = run({ KESTREL_BUNDLE_DIR: dir }, args);
    assert.match(second.err, /inspect bundle: used \(code cache\)/);
    assert.equal(second.out, ref.out);
    // Default output and JSON too.
    for (const extra of [[], ['-j', '-n', '40']]) {
      const a = ['-r', SAMPLE, ...extra];
      assert.equal(run({ KESTREL_BUNDLE_DIR: dir }, a).out, run({ KESTREL_NO_BUNDLE: '1' }, a).out);
    }
  });
});

test('errors from the bundle keep their message and exit code', () => {
  withBundle((dir) => {
    for (const args of [['-r', SAMPLE, 'proc.nam = x'], ['-r', join(dir, 'missing.scap')], ['-r', SAMPLE, '-n', 'x'], ['-r', SAMPLE, '--no-such-flag']]) {
      const ref = run({ KESTREL_NO_BUNDLE: '1' }, args);
      const b = run({ KESTREL_BUNDLE_DIR: dir }, args);
      assert.match(b.err, /inspect bundle: used/);
      assert.notEqual(ref.status, 0);
      assert.equal(b.status, ref.status, args.join(' '));
      assert.equal(b.err.replace(/^kestrel: inspect bundle: .*\n/m, ''), ref.err.replace(/^kestrel: inspect bundle: .*\n/m, ''));
      assert.doesNotMatch(b.err, /internal error/);
    }
  });
});

test('a stale bundle (a bundled module changed since) is not used; a cache from another bundle is ignored', () => {
  withBundle((dir) => {
    const args = ['-r', SAMPLE, '-n', '20'];
    const ref = run({ KESTREL_NO_BUNDLE: '1' }, args).out;
    // A cache made for other bundle text is not handed to V8.
    writeFileSync(join(dir, 'inspect.cache'), Buffer.concat([Buffer.from('0'.repeat(40) + '\n'), Buffer.alloc(64, 7)]));
    const other = run({ KESTREL_BUNDLE_DIR: dir }, args);
    assert.match(other.err, /used \(writing code cache\)/);
    assert.equal(other.out, ref);
    const manifestPath = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: [string, number, number, string][] };
    m.files[0]![2] += 1; // as if tsc had rewritten the module since
    writeFileSync(manifestPath, JSON.stringify(m));
    const stale = run({ KESTREL_BUNDLE_DIR: dir }, args, true);
    assert.match(stale.err, /inspect bundle: stale/);
    assert.equal(stale.out, ref);
  });
});

test('modules a replay does not use come from the extra script, loaded only when required', () => {
  withBundle((dir) => {
    const main = readFileSync(join(dir, 'inspect.cjs'), 'latin1');
    const extra = readFileSync(join(dir, 'inspect-extra.cjs'), 'latin1');
    // Placement: the replay path in the main script, writing and container runtimes in the extra.
    for (const m of ['dist/src/capture/scap-reader.js', 'dist/src/state/inspector.js', 'dist/src/filter/compile.js', 'dist/src/format/format.js']) {
      assert.ok(main.includes(`__defs[${JSON.stringify(m)}]`), `${m} in the main script`);
    }
    for (const m of ['dist/src/capture/scap-writer.js', 'dist/src/capture/live-cli.js', 'dist/src/containers/index.js']) {
      assert.ok(extra.includes(`__defs[${JSON.stringify(m)}]`) && !main.includes(`__defs[${JSON.stringify(m)}]`), `${m} only in the extra script`);
    }
    // Paths that need the extra script: writing a capture, container fields.
    const outB = join(dir, 'b.scap');
    const outM = join(dir, 'm.scap');
    const w = run({ KESTREL_BUNDLE_DIR: dir }, ['-r', SAMPLE, '-w', outB, 'evt.type = open']);
    assert.equal(w.status, 0, w.err);
    assert.match(w.err, /inspect bundle: used/);
    assert.equal(run({ KESTREL_NO_BUNDLE: '1' }, ['-r', SAMPLE, '-w', outM, 'evt.type = open']).status, 0);
    assert.ok(readFileSync(outB).equals(readFileSync(outM)), 'the same capture written');
    const cargs = ['-r', SAMPLE, '-p', '%evt.num %container.id %container.name %proc.name', 'evt.num < 200'];
    const c = run({ KESTREL_BUNDLE_DIR: dir }, cargs);
    assert.equal(c.status, 0, c.err);
    assert.equal(c.out, run({ KESTREL_NO_BUNDLE: '1' }, cargs).out);
    // An extra script from another build is refused with a message, never run.
    writeFileSync(join(dir, 'inspect-extra.cjs'), extra.replace(/for [0-9a-f]{40}/, `for ${'0'.repeat(40)}`));
    const stale = run({ KESTREL_BUNDLE_DIR: dir }, ['-r', SAMPLE, '-w', outB]);
    assert.notEqual(stale.status, 0);
    assert.match(stale.err, /inspect-extra\.cjs was rebuilt while kestrel ran/);
    // A replay does not read it at all.
    rmSync(join(dir, 'inspect-extra.cjs'));
    const replay = run({ KESTREL_BUNDLE_DIR: dir }, ['-r', SAMPLE, '-n', '20', 'proc.name = bash']);
    assert.equal(replay.status, 0, replay.err);
  });
});
