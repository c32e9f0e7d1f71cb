// base_syscalls (Falco 0.35+): which syscalls the probe attaches besides the rules' own.
// The set arithmetic is table-driven; then `kestrel run` with each form is checked in the
// kernel: the tracepoint links the kestrel process holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachSet, STATE_SYSCALLS, REPAIR_SYSCALLS, type BaseSyscalls } from '../../src/engine/live.js';
import { EVENT_NAME } from '../../src/events/generated/event-table.js';
import { spawnRun, linkedTracepoints } from './harness.js';

/** A ruleset stand-in naming event types by name (what attachSet reads from a real one). */
const rules = (...names: string[]) => ({
  eventTypes: () => ({ ids: new Set(names.map((n) => EVENT_NAME.indexOf(n))), all: false }),
});
const base = (b: Partial<BaseSyscalls>): BaseSyscalls => ({ custom_set: [], repair: false, all: false, ...b });

const cases: Array<{ name: string; base: BaseSyscalls; has: string[]; lacks: string[]; excluded?: string[]; all?: boolean }> = [
  { name: 'default: rules ∪ state set', base: base({}), has: ['mkdirat', ...STATE_SYSCALLS], lacks: ['write'] },
  { name: 'custom_set replaces the state set', base: base({ custom_set: ['clone', 'execve'] }), has: ['mkdirat', 'clone', 'execve'], lacks: ['socket', 'close', 'openat'] },
  { name: '!name removes from the state set', base: base({ custom_set: ['!socket'] }), has: ['close', 'openat'], lacks: ['socket'] },
  { name: '!name removes a rule syscall (reported)', base: base({ custom_set: ['!mkdirat'] }), has: ['close'], lacks: ['mkdirat'], excluded: ['mkdirat'] },
  { name: 'repair: the minimal state set', base: base({ repair: true }), has: ['mkdirat', ...REPAIR_SYSCALLS], lacks: ['socket', 'openat', 'bind'] },
  { name: 'repair + custom_set', base: base({ repair: true, custom_set: ['connect'] }), has: ['connect', 'procexit'], lacks: ['socket'] },
  { name: 'all', base: base({ all: true }), has: [], lacks: [], all: true },
];
for (const c of cases) {
  test(`attachSet: ${c.name}`, () => {
    const s = attachSet(rules('mkdirat'), c.base);
    for (const n of c.has) assert.ok(s.names.includes(n), `${n} attached`);
    for (const n of c.lacks) assert.ok(!s.names.includes(n), `${n} not attached`);
    assert.deepEqual(s.excluded, c.excluded ?? []);
    assert.equal(s.all, c.all ?? false);
  });
}

test('kestrel run: base_syscalls custom_set and repair decide the kernel links', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root for the probe'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-base-sc-'));
  const rulesPath = join(dir, 'rules.yaml');
  writeFileSync(rulesPath, `- rule: base test mkdirat
  desc: keeps mkdirat attached
  condition: evt.type = mkdirat and evt.arg.path = ${JSON.stringify(dir + '/never')}
  output: never
  priority: NOTICE
`);
  const linksWith = async (baseYaml: string): Promise<{ tps: Set<string>; err: string }> => {
    const cfg = join(dir, `cfg-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(cfg, `json_output: true\nwebserver: {enabled: false}\nsyslog_output: {enabled: false}\n${baseYaml}\n`);
    const run = spawnRun(['-c', cfg, '-r', rulesPath, '-M', '300']);
    try {
      await run.until('the ready line', () => run.err.includes('kestrel run: ready'), () => undefined, 120_000);
      return { tps: linkedTracepoints(run.p.pid!), err: run.err };
    } finally {
      await run.stop();
    }
  };
  try {
    const def = await linksWith('');
    for (const tp of ['sys_exit_mkdirat', 'sys_exit_socket', 'sys_exit_openat', 'sys_exit_execve']) assert.ok(def.tps.has(tp), `default: ${tp}`);

    const custom = await linksWith('base_syscalls: {custom_set: [execve, "!mkdirat"]}');
    assert.ok(custom.tps.has('sys_exit_execve'), 'custom_set: execve');
    for (const tp of ['sys_exit_socket', 'sys_exit_openat', 'sys_exit_mkdirat']) assert.ok(!custom.tps.has(tp), `custom_set: no ${tp} (${[...custom.tps].join(' ')})`);
    assert.match(custom.err, /base_syscalls\.custom_set excludes mkdirat, which rules need/);

    const repair = await linksWith('base_syscalls: {repair: true}');
    for (const tp of ['sys_exit_mkdirat', 'sys_exit_execve', 'sys_exit_close']) assert.ok(repair.tps.has(tp), `repair: ${tp}`);
    for (const tp of ['sys_exit_socket', 'sys_exit_openat']) assert.ok(!repair.tps.has(tp), `repair: no ${tp}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
