// A rule on a syscall with no event of its own (it arrives as a generic event named after it):
// the rule index and the attach set must both know it. setfsuid is one the probe captures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnRun, linkedTracepoints } from './harness.js';

test('kestrel run: a rule on setfsuid (a generic event) attaches it and fires', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root for the probe'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-generic-'));
  const name = `fsuid${Math.random().toString(36).slice(2, 8)}`;
  const rules = join(dir, 'rules.yaml');
  writeFileSync(rules, `- rule: setfsuid marker
  desc: the test's program called setfsuid
  condition: evt.type = setfsuid and evt.dir = < and proc.name = ${name}
  output: "setfsuid by %proc.name type=%evt.type"
  priority: NOTICE
`);
  // python3 under a unique name (a copy), calling setfsuid(0) through libc.
  const py = join(dir, name);
  assert.equal(spawnSync('cp', ['/usr/bin/python3', py], { timeout: 30_000 }).status, 0);
  const run = spawnRun(['-r', rules, '-o', 'json_output=true', '-o', 'webserver.enabled=false', '-o', 'syslog_output.enabled=false', '-M', '300']);
  try {
    await run.until('the ready line', () => run.err.includes('kestrel run: ready'), () => undefined, 120_000);
    assert.ok(linkedTracepoints(run.p.pid!).has('sys_exit_setfsuid'), 'setfsuid attached for the rule');
    const hit = () => run.alerts().find((a) => a.rule === 'setfsuid marker');
    await run.until('the setfsuid alert', () => hit() !== undefined, () => {
      spawnSync(py, ['-c', 'import ctypes; ctypes.CDLL(None).setfsuid(0)'], { timeout: 30_000 });
    }, 60_000, 300);
    assert.match(hit()!.output, new RegExp(`setfsuid by ${name} type=setfsuid$`));
  } finally {
    await run.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
