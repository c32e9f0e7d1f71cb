// `kestrel run` captures environments on execve (as Falco's drivers do): a rule on proc.env
// fires live, and the output prints the variable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnRun } from './harness.js';

test('a rule on proc.env fires live and prints the variable', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root for the probe'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-env-'));
  const marker = `KESTREL_ENV_${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
  const rules = join(dir, 'rules.yaml');
  writeFileSync(rules, `- rule: env marker
  desc: a program started with the test's variable
  condition: evt.type in (execve, execveat) and evt.dir = < and proc.env contains "${marker}=yes"
  output: "env marker %proc.name %proc.env[${marker}]"
  priority: NOTICE
`);
  const run = spawnRun(['-r', rules, '-o', 'json_output=true', '-o', 'webserver.enabled=false', '-o', 'syslog_output.enabled=false', '-M', '300']);
  try {
    await run.until('the ready line', () => run.err.includes('kestrel run: ready'), () => undefined, 120_000);
    const hit = () => run.alerts().find((a) => a.rule === 'env marker');
    await run.until('the env alert', () => hit() !== undefined, () => {
      spawnSync('/usr/bin/env', [`${marker}=yes`, '/bin/true'], { timeout: 30_000 });
    }, 60_000, 300);
    assert.match(hit()!.output, /: Notice env marker true yes$/);
  } finally {
    await run.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
