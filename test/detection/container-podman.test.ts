// kestrel's container rules under live detection (`kestrel run`, real probe, default rules) in
// real podman containers, and the same actions on the host (no container rule may fire there).
// One kestrel for the whole file; every action runs in a container of its own or is told apart
// by its container.id. Each rule must fire exactly once, naming the container (id, name, image
// repository and tag), the process, its parent and user.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Kestrel, session } from './harness.js';
import { IMG, setupRuntimes, releaseRuntimes, kestrelArgs, expectOnce, rulesOf, seenAt, hostActions, assertNoContainerRule, EXEC_ACTIONS, execActionTests, type Runtimes } from './container-kit.js';

const RUN = randomBytes(3).toString('hex');
const W = mkdtempSync('/var/lib/kestrel-ctr-e2e-');
let rt: Runtimes = { env: {}, skip: 'set-up did not run' };
let k: Kestrel | null = null;
const started: string[] = [];

function podman(args: string[], timeout = 60_000): string {
  return execFileSync('podman', args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}
/** podman exec; the command's own failure (e.g. dpkg without a database) does not matter. */
function exec(name: string, cmd: string[], tty = false): void {
  const r = spawnSync('podman', ['exec', ...(tty ? ['-t'] : []), name, ...cmd], { timeout: 60_000, stdio: 'ignore' });
  assert.ok(r.status !== null && r.status !== 125 && r.status !== 126 && r.status !== 127, `podman exec ${name} ${cmd.join(' ')}: ${r.status ?? r.signal}`);
}
/** Starts a detached container; returns its 12-char id. */
function run(name: string, opts: string[], cmd: string[]): string {
  const id = podman(['run', '-d', '--name', name, '--label', 'kestrel.test=1', ...opts, IMG, ...cmd]);
  started.push(name);
  return id.slice(0, 12);
}

before(async () => {
  rt = setupRuntimes(['podman']);
  if (rt.skip) return;
  k = await Kestrel.start(kestrelArgs(rt.env));
});

after(async () => {
  await k?.stop();
  for (const n of started) spawnSync('podman', ['rm', '-f', '-t', '0', n], { timeout: 60_000, stdio: 'ignore' });
  releaseRuntimes();
  rmSync(W, { recursive: true, force: true });
});

// One long-running container for the actions done by exec'ing into it.
let A = { id: '', name: '' };
function plain(t: { skip(m: string): void }): boolean {
  if (rt.skip) { t.skip(rt.skip); return false; }
  if (A.id === '') {
    A = { id: '', name: `kc-pod-a-${RUN}` };
    A.id = run(A.name, [], ['sleep', '600']);
  }
  return true;
}

execActionTests('podman', () => k, async (t) => (plain(t) ? A : null), (c, cmd) => exec(c.name, cmd));

test('podman: terminal shell in a container (podman exec -t)', async (t) => {
  if (!plain(t)) return;
  exec(A.name, ['sh', '-c', 'true'], true);
  await expectOnce(k!, 'Terminal shell in container', { ...A, cmdline: 'sh -c true' });
});

test('podman: privileged container started, then mount in it', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  const name = `kc-pod-priv-${RUN}`;
  const t0 = Date.now();
  const id = run(name, ['--privileged'], ['sleep', '600']);
  const ran = Date.now();
  await expectOnce(k!, 'Privileged container started', { id, name, cmdline: 'sleep 600' }, (a) => {
    assert.equal(a.output_fields['container.type'], 'podman');
  });
  t.diagnostic(`'Privileged container started' seen ${seenAt - ran} ms after podman run -d returned (${ran - t0} ms)`);
  exec(name, ['sh', '-c', 'mkdir -p /m && mount -t tmpfs none /m']);
  await expectOnce(k!, 'Mount or debugfs in privileged container', { id, name });
  assert.deepEqual(rulesOf(k!, id), ['Mount or debugfs in privileged container', 'Privileged container started']);
});

test('podman: container started with host /etc and the podman socket mounted', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  const name = `kc-pod-mnt-${RUN}`;
  const id = run(name, ['-v', '/etc:/hostetc:ro', '-v', '/run/podman/podman.sock:/var/run/docker.sock'], ['sleep', '600']);
  await expectOnce(k!, 'Container started with a sensitive host mount', { id, name, cmdline: 'sleep 600' }, (a) => {
    assert.match(String(a.output_fields['container.mounts']), /\/etc:\/hostetc:/);
  });
  assert.deepEqual(rulesOf(k!, id), ['Container started with a sensitive host mount']);
});

test('podman: a privileged container living under one second, with a package manager in it', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  const name = `kc-pod-short-${RUN}`;
  const cidfile = `${W}/short.cid`;
  const t0 = Date.now();
  const r = spawnSync('podman', ['run', '--rm', '--privileged', '--cidfile', cidfile, '--name', name, '--label', 'kestrel.test=1', IMG,
    'sh', '-c', 'dpkg -l; sleep 0.2'], { timeout: 60_000, stdio: 'ignore' });
  t.diagnostic(`podman run --rm took ${Date.now() - t0} ms (podman's own start/stop included)`);
  assert.notEqual(r.status, null);
  const id = readFileSync(cidfile, 'utf8').trim().slice(0, 12);
  // Gone from podman before kestrel's alerts are checked: the metadata was fetched while it ran.
  assert.notEqual(spawnSync('podman', ['container', 'exists', id]).status, 0, 'the container is gone');
  // Through sh, busybox runs its applet as /proc/self/exe (process name "exe", argv[0] dpkg).
  await expectOnce(k!, 'Package management process launched in container', { id, name, cmdline: 'exe -l' }, (a) => {
    assert.equal(a.output_fields['proc.exe'], 'dpkg');
  });
  await expectOnce(k!, 'Privileged container started', { id, name, cmdline: 'sh -c dpkg -l; sleep 0.2' });
  assert.deepEqual(rulesOf(k!, id), ['Package management process launched in container', 'Privileged container started']);
});

test('podman: the long-running container raised only the rules of the actions done in it', (t) => {
  if (rt.skip) return t.skip(rt.skip);
  if (A.id === '') return t.skip('no action ran in it');
  assert.deepEqual(rulesOf(k!, A.id), [...EXEC_ACTIONS.map((a) => a.rule), 'Terminal shell in container'].sort());
});

test('host: the same actions on the host raise no container rule', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  const r = await session(hostActions(W));
  assert.match(r.stdout, /host-done/, r.stderr);
  // The host's own drift rule is the control: it fires for the binary dropped on the host, so
  // the session's events did go through kestrel.
  const ok = await k!.waitFor(() => k!.bySession(r.sid).some((a) => a.rule === 'Drift - new executable run'), 60_000);
  await new Promise((res) => setTimeout(res, 1500));
  const mine = k!.bySession(r.sid);
  assert.ok(ok, `the host drift control did not fire; got ${mine.map((a) => a.rule).join(', ') || 'nothing'}`);
  assertNoContainerRule(mine, 'host actions');
  for (const a of mine) assert.equal(a.output_fields['container.id'], 'host');
});
