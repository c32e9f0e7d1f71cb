// The lazy command table (src/cli/commands.ts) repeats each command's name and summary so
// `kestrel --help` needs no command module: this keeps the two in step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../../src/cli/commands.js';

const CLI = fileURLToPath(new URL('../../src/cli/index.js', import.meta.url));

test('each table entry loads the command it names, with the same summary', async () => {
  const names = new Set<string>();
  for (const entry of COMMANDS) {
    assert.ok(!names.has(entry.name), `duplicate command ${entry.name}`);
    names.add(entry.name);
    const { command } = await entry.load();
    assert.equal(command.name, entry.name);
    assert.equal(command.summary, entry.summary, `summary of '${entry.name}' differs between the table and its module`);
  }
});

test('kestrel --help lists every command; an unknown command is a usage error', () => {
  const out = execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  for (const entry of COMMANDS) assert.match(out, new RegExp(`^  ${entry.name} +${entry.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  let status = 0;
  try {
    execFileSync(process.execPath, [CLI, 'no-such-command'], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    status = (e as { status: number }).status;
  }
  assert.equal(status, 2);
});
