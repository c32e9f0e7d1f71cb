// Containers already running when `kestrel run` starts (real probe, real podman): each raises
// its container event (evt.type = container) once the runtime answered, evaluated on the
// container's init, so "Privileged container started" reports a privileged container that was
// started while kestrel was down. One event per container: a later execve in it adds none, and
// a container started after kestrel still raises exactly one. With
// `running_container_events: false` the running ones raise none (checked through /metrics,
// whose counters say what the start-up snapshot found).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Kestrel, type AlertJson } from './harness.js';
import { IMG, ROOT, setupRuntimes, releaseRuntimes, kestrelArgs, expectOnce, alertsOf, seenAt, type Runtimes } from './container-kit.js';
import { freePort } from '../support/ports.js';

const RUN = randomBytes(3).toString('hex');
const PREFIX = `kc-run-${RUN}`;
const DIR = mkdtempSync('/var/lib/kestrel-ctr-running-');
const RULES = join(DIR, 'rules.yaml');
const DEFAULT_RULES = `${ROOT}rules/kestrel_rules.yaml`;
const PRIV = 'Privileged container started';
const EVENT = 'Test container event';
const MARK = 'Test exec marker';

let rt: Runtimes = { env: {}, skip: 'set-up did not run' };
let k: Kestrel | null = null;
let readyAt = 0;
const started: string[] = [];
/** The containers running before kestrel started: privileged, and not. */
const P = { id: '', name: `${PREFIX}-priv` };
const N = { id: '', name: `${PREFIX}-plain` };

function podman(args: string[]): string {
  return execFileSync('podman', args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}
/** Starts a detached container; returns its 12-char id. */
function run(name: string, opts: string[]): string {
  started.push(name);
  return podman(['run', '-d', '--name', name, '--label', 'kestrel.test=1', ...opts, IMG, 'sleep', '600']).slice(0, 12);
}

// The default rules (the start rules under test) plus one rule that sees every container event
// of this file's containers, and one that marks an execve in them. rule_matching=all: with
// Falco's default (first) the start rule would hide the test's rule on the same event.
writeFileSync(RULES, `- rule: ${EVENT}
  desc: a container event of the running-containers test
  condition: evt.type = container and container.name startswith "${PREFIX}"
  output: "container event id=%container.id name=%container.name image=%container.image.repository privileged=%container.privileged proc=%proc.name cmdline=%proc.cmdline vpid=%proc.vpid"
  priority: NOTICE
- rule: ${MARK}
  desc: an execve in one of the running-containers test's containers
  condition: evt.type in (execve, execveat) and container.name startswith "${PREFIX}" and proc.cmdline contains "mark-${RUN}"
  output: "exec marker id=%container.id cmdline=%proc.cmdline"
  priority: NOTICE
`);

before(async () => {
  rt = setupRuntimes(['podman']);
  if (rt.skip) return;
  // Both run before kestrel starts: only the /proc snapshot knows them.
  P.id = run(P.name, ['--privileged']);
  N.id = run(N.name, []);
  k = await Kestrel.start([...kestrelArgs(rt.env), '-r', DEFAULT_RULES, '-r', RULES, '-o', 'rule_matching=all']);
  readyAt = Date.now();
});

after(async () => {
  await k?.stop();
  for (const n of started) spawnSync('podman', ['rm', '-f', '-t', '0', n], { timeout: 60_000, stdio: 'ignore' });
  releaseRuntimes();
  rmSync(DIR, { recursive: true, force: true });
});

const eventsOf = (kk: Kestrel, id: string): AlertJson[] => alertsOf(kk, id).filter((a) => a.rule === EVENT);
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1500));

test('a privileged container running before kestrel started raises one "Privileged container started", on its init', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  await expectOnce(k!, PRIV, { ...P, cmdline: 'sleep 600' }, (a) => {
    assert.equal(a.output_fields['container.type'], 'podman');
    assert.equal(a.output_fields['proc.name'], 'sleep');
  });
  t.diagnostic(`alert seen ${seenAt - readyAt} ms after kestrel was ready`);
  const ev = eventsOf(k!, P.id);
  assert.equal(ev.length, 1, ev.map((a) => a.output).join('\n'));
  assert.equal(ev[0]!.output_fields['container.privileged'], true, ev[0]!.output);
  assert.equal(ev[0]!.output_fields['proc.vpid'], 1, `evaluated on the container's init: ${ev[0]!.output}`);
});

test('a non-privileged running container raises its container event, and no privileged alert', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  assert.ok(await k!.waitFor(() => eventsOf(k!, N.id).length > 0, 60_000), `no container event for ${N.name}; stderr: ${k!.stderr.slice(-2000)}`);
  await settle();
  const ev = eventsOf(k!, N.id);
  assert.equal(ev.length, 1, ev.map((a) => a.output).join('\n'));
  const f = ev[0]!.output_fields;
  assert.equal(f['container.name'], N.name, ev[0]!.output);
  assert.equal(f['container.image.repository'], 'localhost/testimg', ev[0]!.output);
  assert.equal(f['container.privileged'], false, ev[0]!.output);
  assert.deepEqual(alertsOf(k!, N.id).filter((a) => a.rule === PRIV).map((a) => a.output), []);
});

test('an execve in a running container after start-up raises no second container event', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  // (The first test's wait makes sure the snapshot's event came first.)
  assert.ok(await k!.waitFor(() => eventsOf(k!, P.id).length > 0, 60_000), 'no container event for the privileged container');
  podman(['exec', P.name, 'sh', '-c', `echo mark-${RUN} > /dev/null`]);
  assert.ok(await k!.waitFor(() => alertsOf(k!, P.id).some((a) => a.rule === MARK), 60_000), 'the exec marker did not fire: the exec was not seen');
  await settle();
  assert.equal(eventsOf(k!, P.id).length, 1);
  assert.equal(alertsOf(k!, P.id).filter((a) => a.rule === PRIV).length, 1);
});

test('a privileged container started after kestrel still raises exactly one', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  const L = { id: '', name: `${PREFIX}-late` };
  L.id = run(L.name, ['--privileged']);
  await expectOnce(k!, PRIV, { ...L, cmdline: 'sleep 600' });
  assert.equal(eventsOf(k!, L.id).length, 1);
});

test('running_container_events: false: running containers raise nothing, new ones still do; /metrics counts both', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  const port = await freePort();
  const args = kestrelArgs(rt.env);
  // kestrelArgs gives `-o plugins=[{name: container, init_config: {...}}]`: switch it off there.
  const plugins = JSON.parse(args[1]!.slice('plugins='.length)) as { init_config: Record<string, unknown> }[];
  plugins[0]!.init_config['running_container_events'] = false;
  const off = await Kestrel.start(['-o', `plugins=${JSON.stringify(plugins)}`, '-r', DEFAULT_RULES, '-r', RULES, '-o', 'rule_matching=all',
    '-o', 'webserver.enabled=true', '-o', `webserver.listen_port=${port}`]);
  try {
    const L = { id: '', name: `${PREFIX}-after-off` };
    L.id = run(L.name, ['--privileged']);
    await expectOnce(off, PRIV, { ...L, cmdline: 'sleep 600' });
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    const metric = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
    // The snapshot found at least this file's two containers (others' may run too).
    assert.ok(metric(/^kestrel_container_running_at_start (\d+)/m) >= 2, text);
    assert.equal(metric(/^kestrel_container_events_total\{origin="running"\} (\d+)/m), 0, text);
    assert.ok(metric(/^kestrel_container_events_total\{origin="started"\} (\d+)/m) >= 1, text);
    assert.deepEqual([...eventsOf(off, P.id), ...eventsOf(off, N.id)].map((a) => a.output), []);
    assert.deepEqual(alertsOf(off, P.id).filter((a) => a.rule === PRIV).map((a) => a.output), []);
  } finally {
    await off.stop();
  }
});
