// Hot reload of `kestrel run`, live: 20 SIGHUP reloads while alerts keep flowing (each reload
// switches the rule's output tag, and the new tag must show up), then a broken rules file on
// reload is rejected with an error and the old rules keep firing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, renameSync, closeSync, openSync, mkdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnRun } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'kestrel-reload-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const marker = join(dir, 'marker-file');
const rulesPath = join(dir, 'rules.yaml');

function writeRules(tag: string): void {
  // Written to a temp name and renamed, as editors and config managers do.
  const tmp = rulesPath + '.tmp';
  writeFileSync(tmp, `- rule: Reload marker opened
  desc: the reload test's marker file was opened
  condition: evt.type in (open, openat, openat2) and fd.name = ${JSON.stringify(marker)}
  output: "marker opened tag=${tag} by %proc.name"
  priority: NOTICE
`);
  renameSync(tmp, rulesPath);
}

test('20 reloads under load keep alerts flowing; a broken rules file keeps the old rules', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root for the probe'); return; }
  writeRules('v0');
  const run = spawnRun(['-r', rulesPath, '-o', 'json_output=true', '-o', 'webserver.enabled=false', '-o', 'syslog_output.enabled=false', '-M', '600']);
  const { p } = run;
  const touchMarker = () => closeSync(openSync(marker, 'w'));
  const until = (what: string, cond: () => boolean, limitMs?: number) => run.until(what, cond, touchMarker, limitMs);
  const tags = (): string[] => run.alerts().map((a) => a.output.replace(/.*tag=(\S+).*/, '$1'));

  try {
    await until('the ready line', () => run.err.includes('kestrel run: ready'), 120_000);
    await until('an alert with tag v0', () => tags().includes('v0'));
    // Background load: a stream of unrelated opens while reloading.
    let loadOn = true;
    const load = (async () => { while (loadOn) { for (let i = 0; i < 200; i++) closeSync(openSync('/etc/hostname', 'r')); await new Promise((r) => setTimeout(r, 5)); } })();
    for (let i = 1; i <= 20; i++) {
      writeRules(`v${i}`);
      p.kill('SIGHUP');
      await until(`an alert with tag v${i} after reload ${i}`, () => tags().includes(`v${i}`));
    }
    loadOn = false;
    await load;
    // A broken file: rejected, error reported, v20 keeps firing.
    writeFileSync(rulesPath, '- rule: Broken\n  condition: evt.type = open and (\n  output: x\n  priority: NOTICE\n  desc: d\n');
    const before = tags().length;
    p.kill('SIGHUP');
    await until('the reload error', () => /reload/i.test(run.err) && /error/i.test(run.err));
    await until('v20 still firing after the broken reload', () => tags().slice(before).includes('v20'));
    assert.ok(p.exitCode === null && p.signalCode === null, 'kestrel is still running');
    assert.ok(!tags().slice(before).some((x) => x !== 'v20'), 'only the old rules fire after the broken reload');
  } finally {
    await run.stop();
  }
});

test('a reload that adds a rule on a syscall the old rules did not need attaches it', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root for the probe'); return; }
  const rules2 = join(dir, 'rules-attach.yaml');
  const marker2 = join(dir, 'attach-marker');
  const mkdirTarget = join(dir, `mkdir-${process.pid}`);
  const write = (withMkdir: boolean): void => {
    let text = `- rule: Attach marker opened
  desc: the attach test's marker file was opened
  condition: evt.type in (open, openat, openat2) and fd.name = ${JSON.stringify(marker2)}
  output: "attach marker opened by %proc.name"
  priority: NOTICE
`;
    // mkdir/mkdirat are not among the syscalls the state needs: before this reload the probe
    // has no reason to attach them.
    if (withMkdir) {
      text += `- rule: Attach test mkdir
  desc: the attach test's directory was created
  condition: evt.type in (mkdir, mkdirat) and evt.arg.path = ${JSON.stringify(mkdirTarget)}
  output: "test dir created path=%evt.arg.path"
  priority: NOTICE
`;
    }
    writeFileSync(rules2 + '.tmp', text);
    renameSync(rules2 + '.tmp', rules2);
  };
  write(false);
  const run = spawnRun(['-r', rules2, '-o', 'json_output=true', '-o', 'webserver.enabled=false', '-o', 'syslog_output.enabled=false', '-M', '600']);
  const { p, until } = run;
  const rules = (): string[] => run.alerts().map((a) => a.rule);
  const openMarker = () => closeSync(openSync(marker2, 'w'));
  const makeDir = () => { try { rmdirSync(mkdirTarget); } catch { /* first round */ } mkdirSync(mkdirTarget); };
  try {
    await until('the ready line', () => run.err.includes('kestrel run: ready'), openMarker, 120_000);
    await until('the marker alert', () => rules().includes('Attach marker opened'), openMarker);
    write(true);
    p.kill('SIGHUP');
    await until('the mkdir alert after the reload', () => rules().includes('Attach test mkdir'), makeDir);
    assert.ok(p.exitCode === null && p.signalCode === null, 'kestrel is still running');
  } finally {
    await run.stop();
  }
});
