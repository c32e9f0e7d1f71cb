// Kernel tests of execve options: the environment when asked (captureEnv), and the
// EXE_FROM_MEMFD flag for a program executed from a memfd (fexecve).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LiveSource } from '../../src/capture/live-source.js';
import { buildHelper, runCaptured, i64, u32, str, strs } from './util.js';

let src: LiveSource;
let trigger: string;
before(async () => {
  trigger = buildHelper('trigger');
  src = new LiveSource({ syscalls: ['execve', 'execveat', 'procexit'], snapshot: false, captureEnv: true });
  await src.open();
});
after(async () => { await src?.close(); });

test('execve env (captureEnv), tty, loginuid', async () => {
  const r = await runCaptured(src, trigger, ['exit', '0'], { env: { KES_MARK: 'live-env', PATH: '/usr/bin:/bin' } });
  const ex = r.events.find((e) => e.type === 293 && e.tid === r.pid)!;
  assert.ok(ex);
  assert.deepEqual(strs(ex.params[15]!).sort(), ['KES_MARK=live-env', 'PATH=/usr/bin:/bin']);
  assert.equal(u32(ex.params[16]!), 0, 'no controlling tty');
});

test('execveat from a memfd: EXE_FROM_MEMFD flag, memfd exe path', async () => {
  const r = await runCaptured(src, trigger, ['memfd-exec']);
  const ex = r.events.find((e) => e.type === 331 && e.tid === r.pid)!;
  assert.ok(ex, 'execveat exit');
  assert.equal(i64(ex.params[0]!), 0);
  assert.equal(str(ex.params[1]!), 'from-memfd');
  assert.ok((u32(ex.params[19]!) & 4) !== 0, `EXE_FROM_MEMFD in flags ${u32(ex.params[19]!)}`);
  assert.match(str(ex.params[27]!), /memfd:kes-memfd/, 'trusted_exepath names the memfd');
});
