// kestrel's container rules under live detection (`kestrel run`, real probe, default rules) in
// real containerd containers started with ctr (the suite's private containerd, see
// scripts/containers-setup.sh). One kestrel for the whole file. Each rule must fire exactly once
// for the container it is about, naming the container (id, name, image repository and tag), the
// process, its parent and user. (The host side of the same actions: container-podman.test.ts.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Kestrel } from './harness.js';
import { IMG, setupRuntimes, releaseRuntimes, kestrelArgs, expectOnce, rulesOf, seenAt, EXEC_ACTIONS, execActionTests, type Runtimes } from './container-kit.js';

// Container names are the ids here: they must differ in their first 12 characters.
const RUN = randomBytes(3).toString('hex');
let rt: Runtimes = { env: {}, skip: 'set-up did not run' };
let k: Kestrel | null = null;
const started: string[] = [];
let execN = 0;

function ctrArgs(): string[] {
  return ['-a', rt.env['containerd_sock']!, '-n', 'default'];
}
/** Starts a detached task; the name is the container id. */
function run(name: string, opts: string[], cmd: string[]): { id: string; name: string } {
  execFileSync('ctr', [...ctrArgs(), 'run', '-d', '--label', 'kestrel.test=1', ...opts, IMG, name, ...cmd], { timeout: 60_000, stdio: 'ignore' });
  started.push(name);
  return { id: name.slice(0, 12), name };
}
/** ctr task exec; the command's own failure (e.g. dpkg without a database) does not matter. */
function exec(name: string, cmd: string[]): void {
  const r = spawnSync('ctr', [...ctrArgs(), 'task', 'exec', '--exec-id', `e${++execN}`, name, ...cmd], { timeout: 60_000, encoding: 'utf8' });
  assert.ok(r.status !== null && !/ctr: /.test(r.stderr), `ctr task exec ${name} ${cmd.join(' ')}: ${r.status ?? r.signal} ${r.stderr}`);
}
function remove(name: string): void {
  const base = ['ctr', ...ctrArgs()];
  spawnSync(base[0]!, [...base.slice(1), 'task', 'kill', '-s', 'SIGKILL', name], { timeout: 10_000, stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (spawnSync(base[0]!, [...base.slice(1), 'task', 'rm', name], { timeout: 10_000, stdio: 'ignore' }).status === 0) break;
    spawnSync('sleep', ['0.1']);
  }
  spawnSync(base[0]!, [...base.slice(1), 'container', 'rm', name], { timeout: 10_000, stdio: 'ignore' });
}

before(async () => {
  rt = setupRuntimes(['containerd']);
  if (rt.skip) return;
  k = await Kestrel.start(kestrelArgs(rt.env));
});

after(async () => {
  await k?.stop();
  if (!rt.skip) for (const n of started) remove(n);
  releaseRuntimes();
});

// One long-running container for the actions done by exec'ing into it. It uses the node's
// network, so its metadata-service connect gets as far as a route (the no-network case has a
// test of its own below).
let A = { id: '', name: '' };
function plain(t: { skip(m: string): void }): boolean {
  if (rt.skip) { t.skip(rt.skip); return false; }
  if (A.id === '') A = run(`k${RUN}-a`, ['--net-host'], ['sleep', '600']);
  return true;
}

execActionTests('ctr', () => k, async (t) => (plain(t) ? A : null), (c, cmd) => exec(c.name, cmd));

test('ctr: cloud metadata service, from a container with no network at all (connect fails before routing)', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  // ctr's default: only a loopback in a fresh network namespace, so connect() fails with
  // ENETUNREACH; the live connect exit still carries the address the process tried.
  // (nc, not wget: busybox wget crashes before its socket() without a network.)
  const c = run(`k${RUN}-nonet`, [], ['sleep', '600']);
  exec(c.name, ['nc', '-w', '1', '169.254.169.254', '80']);
  await expectOnce(k!, 'Contact cloud metadata service from container', { ...c, cmdline: 'nc -w 1 169.254.169.254 80' }, (a) => {
    assert.equal(a.output_fields['evt.res'], 'ENETUNREACH');
    assert.equal(a.output_fields['fd.name'], '169.254.169.254:80');
  });
  assert.deepEqual(rulesOf(k!, c.id), ['Contact cloud metadata service from container', 'Network tool launched in container']);
});

test('ctr: terminal shell in a container (ctr task exec -t)', async (t) => {
  if (!plain(t)) return;
  // ctr wants a console of its own for -t: script(1) gives it one.
  const r = spawnSync('script', ['-qec', `ctr ${ctrArgs().join(' ')} task exec -t --exec-id t${RUN} ${A.name} sh -c true`, '/dev/null'], { timeout: 60_000, stdio: 'ignore' });
  assert.equal(r.status, 0);
  await expectOnce(k!, 'Terminal shell in container', { ...A, cmdline: 'sh -c true' });
});

test('ctr: privileged container started, then mount in it', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  const t0 = Date.now();
  const c = run(`k${RUN}-priv`, ['--privileged'], ['sleep', '600']);
  const ran = Date.now();
  await expectOnce(k!, 'Privileged container started', { ...c, cmdline: 'sleep 600' }, (a) => {
    assert.equal(a.output_fields['container.type'], 'containerd');
  });
  t.diagnostic(`'Privileged container started' seen ${seenAt - ran} ms after ctr run -d returned (${ran - t0} ms)`);
  exec(c.name, ['sh', '-c', 'mkdir -p /m && mount -t tmpfs none /m']);
  await expectOnce(k!, 'Mount or debugfs in privileged container', { ...c });
  assert.deepEqual(rulesOf(k!, c.id), ['Mount or debugfs in privileged container', 'Privileged container started']);
});

test('ctr: container started with host /etc and the containerd socket mounted', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  const c = run(`k${RUN}-mnt`, ['--mount', 'type=bind,src=/etc,dst=/hostetc,options=rbind:ro',
    '--mount', `type=bind,src=${rt.env['containerd_sock']},dst=/run/containerd/containerd.sock,options=rbind:rw`], ['sleep', '600']);
  await expectOnce(k!, 'Container started with a sensitive host mount', { ...c, cmdline: 'sleep 600' }, (a) => {
    assert.match(String(a.output_fields['container.mounts']), /\/etc:\/hostetc:ro:false/);
  });
  assert.deepEqual(rulesOf(k!, c.id), ['Container started with a sensitive host mount']);
});

test('ctr: a privileged container living under one second, with a package manager in it', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  const name = `k${RUN}-short`;
  const t0 = Date.now();
  const r = spawnSync('ctr', [...ctrArgs(), 'run', '--rm', '--privileged', '--label', 'kestrel.test=1', IMG, name, 'sh', '-c', 'dpkg -l; sleep 0.2'],
    { timeout: 60_000, stdio: 'ignore' });
  t.diagnostic(`ctr run --rm took ${Date.now() - t0} ms (containerd's own start/stop included)`);
  assert.notEqual(r.status, null);
  const c = { id: name.slice(0, 12), name };
  assert.notEqual(spawnSync('ctr', [...ctrArgs(), 'container', 'info', name], { stdio: 'ignore' }).status, 0, 'the container is gone');
  // Through sh, busybox runs its applet as /proc/self/exe (process name "exe", argv[0] dpkg).
  await expectOnce(k!, 'Package management process launched in container', { ...c, cmdline: 'exe -l' }, (a) => {
    assert.equal(a.output_fields['proc.exe'], 'dpkg');
  });
  await expectOnce(k!, 'Privileged container started', { ...c, cmdline: 'sh -c dpkg -l; sleep 0.2' });
  assert.deepEqual(rulesOf(k!, c.id), ['Package management process launched in container', 'Privileged container started']);
});

test('ctr: the long-running container raised only the rules of the actions done in it', (t) => {
  if (rt.skip) return t.skip(rt.skip);
  if (A.id === '') return t.skip('no action ran in it');
  assert.deepEqual(rulesOf(k!, A.id), [...EXEC_ACTIONS.map((a) => a.rule), 'Terminal shell in container'].sort());
});
