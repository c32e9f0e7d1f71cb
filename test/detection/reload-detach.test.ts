// `kestrel run` follows a rules reload in the kernel both ways: dropping the only rule on
// mkdirat (not a state syscall) detaches it (log line, its tracepoint link leaves the kestrel
// process, the rule stops firing); adding the rule back attaches it again and it fires again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, renameSync, closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnRun, linkedTracepoints } from './harness.js';
import { buildHelper } from '../driver/util.js';

test('a reload that drops the mkdirat rule detaches mkdirat; adding it back attaches it again', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root for the probe'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-reload-detach-'));
  const rulesPath = join(dir, 'rules.yaml');
  const write = (withMkdirat: boolean): void => {
    // The marker rule stays in both versions: its alert after a round shows the round's events
    // have been processed (events are evaluated in timestamp order).
    let text = `- rule: Detach marker opened
  desc: the detach test's marker was opened
  condition: evt.type in (open, openat, openat2) and fd.name startswith ${JSON.stringify(dir + '/marker-')}
  output: "detach marker %fd.name"
  priority: NOTICE
`;
    if (withMkdirat) {
      text += `- rule: Detach test mkdirat
  desc: the detach test's helper created a directory
  condition: evt.type = mkdirat and evt.arg.path startswith ${JSON.stringify(dir + '/r')}
  output: "detach test mkdirat path=%evt.arg.path"
  priority: NOTICE
`;
    }
    writeFileSync(rulesPath + '.tmp', text);
    renameSync(rulesPath + '.tmp', rulesPath);
  };
  write(true);

  // The rounds helper (test/driver/helpers/rounds.c): each line N → mkdirat + unlinkat of DIR/rN.
  const helper = spawn(buildHelper('rounds'), [dir], { timeout: 600_000, killSignal: 'SIGKILL', stdio: ['pipe', 'pipe', 'inherit'] });
  let helperOut = '';
  helper.stdout!.setEncoding('utf8');
  helper.stdout!.on('data', (d: string) => { helperOut += d; });
  let n = 0;
  const nextRound = (): number => { helper.stdin!.write(`${++n}\n`); return n; };

  const run = spawnRun(['-r', rulesPath, '-o', 'json_output=true', '-o', 'webserver.enabled=false', '-o', 'syslog_output.enabled=false', '-M', '600']);
  const { p, until } = run;
  const mkdirAlerts = (): string[] => run.alerts().filter((a) => a.rule === 'Detach test mkdirat').map((a) => a.output);
  const markerSeen = (name: string) => run.alerts().some((a) => a.rule === 'Detach marker opened' && a.output.endsWith(`/${name}`));
  const openMarker = (name: string) => () => closeSync(openSync(join(dir, name), 'w'));
  try {
    await until('the ready line', () => run.err.includes('kestrel run: ready'), () => undefined, 120_000);
    await until('a mkdirat alert', () => mkdirAlerts().length > 0, () => { nextRound(); }, 60_000, 250);
    assert.ok(linkedTracepoints(p.pid!).has('sys_exit_mkdirat'), 'kestrel holds a link on sys_exit_mkdirat');

    // Drop the rule: the reload detaches mkdirat.
    write(false);
    p.kill('SIGHUP');
    await until('the detach log line', () => /kestrel run: reload: attached none; detached mkdirat\n/.test(run.err));
    const tps = linkedTracepoints(p.pid!);
    assert.ok(!tps.has('sys_exit_mkdirat'), `no link on sys_exit_mkdirat after the reload: ${[...tps].sort().join(' ')}`);
    for (const tp of ['sys_exit_openat', 'sys_exit_execve', 'sys_exit_close']) assert.ok(tps.has(tp), `state syscall link ${tp} kept`);

    // A round after the reload, then a marker: once the marker's alert is out, the round's
    // events have been through the rules, and the mkdirat rule (gone) has not fired for it.
    // (Alerts of rounds before the reload may still be on their way: look at this round only.)
    const r = nextRound();
    await until(`round ${r} done`, () => helperOut.includes(`done ${r} 0 0\n`));
    await until('the marker alert after the round', () => markerSeen(`marker-${r}`), openMarker(`marker-${r}`));
    const roundOf = (o: string): number => Number(/\/r(\d+)$/.exec(o)?.[1] ?? -1);
    assert.deepEqual(mkdirAlerts().filter((o) => roundOf(o) >= r), [], 'no mkdirat alert for the round after the detach');

    // Add the rule back: attached again, fires again.
    write(true);
    p.kill('SIGHUP');
    await until('the attach log line', () => /kestrel run: reload: attached mkdirat; detached none\n/.test(run.err));
    assert.ok(linkedTracepoints(p.pid!).has('sys_exit_mkdirat'), 'a link on sys_exit_mkdirat again');
    await until('a mkdirat alert after the second reload', () => mkdirAlerts().some((o) => roundOf(o) > r), () => { nextRound(); }, 60_000, 250);
    assert.ok(p.exitCode === null && p.signalCode === null, 'kestrel is still running');
  } finally {
    helper.stdin!.end();
    await run.stop();
    if (helper.exitCode === null && helper.signalCode === null) await new Promise((r) => helper.once('close', r));
    rmSync(dir, { recursive: true, force: true });
  }
});
