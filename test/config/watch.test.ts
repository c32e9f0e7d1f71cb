// Reload plumbing: SIGHUP and file changes call the engine's reload; a failing reload keeps
// running and is reported; bursts are debounced.
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ReloadWatcher } from '../../src/config/watch.js';

function until(cond: () => boolean, ms = 60_000): Promise<void> { // generous: the suite runs under load
  const end = Date.now() + ms;
  return new Promise((res, rej) => {
    const t = setInterval(() => {
      if (cond()) { clearInterval(t); res(); } else if (Date.now() > end) { clearInterval(t); rej(new Error('timeout')); }
    }, 10);
  });
}

test('SIGHUP triggers one reload', async () => {
  let n = 0;
  const w = new ReloadWatcher({ paths: () => [], watchFiles: false, debounceMs: 20, reload: () => { n++; } });
  try {
    process.kill(process.pid, 'SIGHUP');
    await until(() => n === 1);
    await w.settled();
    assert.equal(w.attempts, 1);
  } finally { w.close(); }
});

test('file changes (in place and by rename) trigger a debounced reload; failures keep the old state', async () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kestrel-watch-'));
  const rules = path.join(d, 'rules.yaml');
  const other = path.join(d, 'unrelated.txt');
  writeFileSync(rules, '- rule: a\n');
  let state = 'v1';
  let fail = false;
  const results: Array<{ ok: boolean; err: unknown }> = [];
  const w = new ReloadWatcher({
    paths: () => [rules], watchFiles: true, sighup: false, debounceMs: 150,
    reload: async () => {
      await new Promise((r) => setTimeout(r, 10));
      if (fail) throw new Error('rules.yaml:1:3: broken rule');
      state = 'v' + (results.length + 2);
    },
    onResult: (ok, err) => results.push({ ok, err }),
  });
  try {
    // A burst of writes becomes one reload.
    for (let i = 0; i < 5; i++) writeFileSync(rules, `- rule: a${i}\n`);
    await until(() => results.length === 1);
    await w.settled();
    assert.equal(results.length, 1);
    assert.equal(results[0]!.ok, true);
    assert.equal(state, 'v2');
    // A change elsewhere in the directory does not reload.
    writeFileSync(other, 'x');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(results.length, 1);
    // A broken file: the reload fails, the old state stays, the error is reported.
    fail = true;
    writeFileSync(rules + '.tmp', 'garbage');
    renameSync(rules + '.tmp', rules); // how editors save
    await until(() => results.length === 2);
    assert.equal(results[1]!.ok, false);
    assert.match(String(results[1]!.err), /broken rule/);
    assert.equal(state, 'v2');
    assert.equal(w.failures, 1);
    // Fixed: reloads again.
    fail = false;
    writeFileSync(rules, '- rule: fixed\n');
    await until(() => results.length === 3);
    assert.equal(results[2]!.ok, true);
  } finally { w.close(); }
});
