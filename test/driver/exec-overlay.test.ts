// EXE_UPPER_LAYER / EXE_LOWER_LAYER in execve's flags: a program run from an overlayfs mount is
// in the upper layer when it was written there (container drift), in a lower layer when it
// comes from the image; neither bit off overlayfs. creat's creat_flags: a file created through the
// mount lives in the upper layer (FD_UPPER_LAYER_CREAT).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveSource } from '../../src/capture/live-source.js';
import { buildHelper, runCaptured, u32, u16, i64 } from './util.js';

let src: LiveSource;
let trigger: string;
let cover: string;
let dir = '';
let merged = '';
let mounted = false;
before(async () => {
  trigger = buildHelper('trigger');
  cover = buildHelper('cover');
  dir = mkdtempSync(join(tmpdir(), 'kes-ovl-'));
  for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(dir, d));
  copyFileSync(trigger, join(dir, 'lower', 'from-lower'));
  merged = join(dir, 'merged');
  const m = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${dir}/lower,upperdir=${dir}/upper,workdir=${dir}/work`, merged], { encoding: 'utf8' });
  mounted = m.status === 0;
  // Written through the mount: the copy lands in the upper layer.
  if (mounted) copyFileSync(trigger, join(merged, 'from-upper'));
  src = new LiveSource({ syscalls: ['execve', 'execveat', 'procexit', 'creat'], snapshot: false });
  await src.open();
});
after(async () => {
  await src?.close();
  if (mounted) spawnSync('umount', [merged]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function flagsOf(bin: string): Promise<number> {
  const r = await runCaptured(src, bin, ['exit', '0']);
  const ex = r.events.find((e) => e.type === 293 && e.tid === r.pid);
  assert.ok(ex, `execve exit of ${bin}`);
  return u32(ex.params[19]!);
}

test('overlayfs executables: upper vs lower layer bits; none elsewhere', async (t) => {
  if (!mounted) { t.skip('cannot mount overlayfs here'); return; }
  const up = await flagsOf(join(merged, 'from-upper'));
  assert.equal(up & (2 | 8), 2, `upper layer: flags ${up}`);
  const low = await flagsOf(join(merged, 'from-lower'));
  assert.equal(low & (2 | 8), 8, `lower layer: flags ${low}`);
  const plain = await flagsOf(trigger);
  assert.equal(plain & (2 | 8), 0, `not overlayfs: flags ${plain}`);
});

test('creat on overlayfs: creat_flags FD_UPPER_LAYER_CREAT', async (t) => {
  if (!mounted) { t.skip('cannot mount overlayfs here'); return; }
  const r = await runCaptured(src, cover, ['creat', join(merged, 'created.txt')]);
  const cr = r.events.filter((e) => e.type === 59 && e.tid === r.pid);
  assert.equal(cr.length, 1);
  assert.ok(i64(cr[0]!.params[0]!) >= 0);
  assert.equal(u16(cr[0]!.params[5]!), 1, 'upper layer');
});
