// kestrel's container rules under live detection (`kestrel run`, real probe, default rules) in
// Kubernetes-style pods started through containerd's CRI socket (runtime.v1, as the kubelet
// does: RunPodSandbox, CreateContainer, StartContainer, ExecSync for `kubectl exec`). One
// kestrel for the whole file. Each rule must fire exactly once for the container it is about,
// naming the container (id, name, image repository and tag), the pod and its namespace, the
// process, its parent and user. (The host side of the same actions: container-podman.test.ts.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID, randomBytes } from 'node:crypto';
import { Kestrel } from './harness.js';
import { readFileSync } from 'node:fs';
import { CriEngine } from '../../src/containers/cri.js';
import { ContainerManager } from '../../src/containers/manager.js';
import { IMG, setupRuntimes, releaseRuntimes, kestrelArgs, expectOnce, rulesOf, seenAt, EXEC_ACTIONS, execActionTests, type Runtimes } from './container-kit.js';

const RUN = randomBytes(3).toString('hex');
const NS = `kestrel-e2e-${RUN}`;
let rt: Runtimes = { env: {}, skip: 'set-up did not run' };
let k: Kestrel | null = null;
let cri: CriEngine | null = null;
const pods: string[] = [];

async function call<T>(method: string, req: unknown): Promise<T> {
  const r = await cri!.call<T>(method, req);
  if (!r.ok) throw new Error(`CRI ${method}: ${r.detail}`);
  return r.value;
}

interface Pod { id: string; name: string; config: Record<string, unknown> }

async function runPod(name: string, privileged = false): Promise<Pod> {
  const uid = randomUUID();
  const config = {
    metadata: { name, uid, namespace: NS, attempt: 0 },
    hostname: '', logDirectory: `/tmp/kestrel-containers-test/pods/${uid}`,
    labels: { app: name, 'io.kubernetes.pod.name': name, 'io.kubernetes.pod.namespace': NS, 'io.kubernetes.pod.uid': uid },
    annotations: {},
    // Node network (no CNI here), own pid namespace per container.
    linux: { cgroupParent: `/kubepods/besteffort/pod${uid}`, securityContext: { privileged, namespaceOptions: { network: 2, pid: 1, ipc: 0 } } },
  };
  const id = (await call<{ podSandboxId: string }>('runPodSandbox', { config })).podSandboxId;
  pods.push(id);
  return { id, name, config };
}

interface Ctr { id: string; name: string; full: string; ns: string; pod: string }

async function startContainer(pod: Pod, name: string, command: string[], opts: { privileged?: boolean; tty?: boolean; mounts?: unknown[] } = {}): Promise<Ctr> {
  const full = (await call<{ containerId: string }>('createContainer', {
    podSandboxId: pod.id, sandboxConfig: pod.config,
    config: {
      metadata: { name }, image: { image: IMG }, command, logPath: `${name}.log`, tty: opts.tty ?? false,
      mounts: opts.mounts ?? [],
      labels: { 'io.kubernetes.container.name': name, 'io.kubernetes.pod.name': pod.name, 'io.kubernetes.pod.namespace': NS },
      linux: { securityContext: { privileged: opts.privileged ?? false, namespaceOptions: { network: 2, pid: 1, ipc: 0 } } },
    },
  })).containerId;
  await call('startContainer', { containerId: full });
  return { id: full.slice(0, 12), name, full, ns: NS, pod: pod.name };
}

/** ExecSync (what `kubectl exec` without a terminal does); the command's own exit code does not matter. */
async function exec(c: Ctr, cmd: string[]): Promise<void> {
  await call('execSync', { containerId: c.full, cmd, timeout: 30 });
}

before(async () => {
  rt = setupRuntimes(['containerd']);
  if (rt.skip) return;
  cri = new CriEngine({ socket: rt.env['containerd_sock']!, timeoutMs: 30_000, maxBytes: 4 << 20, labelMaxLen: 1024 });
  k = await Kestrel.start(kestrelArgs(rt.env));
});

after(async () => {
  await k?.stop();
  for (const id of pods) {
    await cri?.call('stopPodSandbox', { podSandboxId: id });
    await cri?.call('removePodSandbox', { podSandboxId: id });
  }
  cri?.close();
  releaseRuntimes();
});

// One pod with a long-running container for the actions done through ExecSync.
let web: Pod | null = null;
let A: Ctr | null = null;
async function plain(t: { skip(m: string): void }): Promise<boolean> {
  if (rt.skip) { t.skip(rt.skip); return false; }
  if (web === null) web = await runPod(`web-${RUN}`);
  if (A === null) A = await startContainer(web, 'app', ['sleep', '600']);
  return true;
}

execActionTests('CRI', () => k, async (t) => (await plain(t) ? A : null), exec);

test('CRI: terminal shell in a pod (a container with a TTY running a shell)', async (t) => {
  if (!await plain(t)) return;
  const c = await startContainer(web!, 'console', ['sh', '-c', 'sleep 600'], { tty: true });
  await expectOnce(k!, 'Terminal shell in container', { ...c, cmdline: 'sh -c sleep 600' });
  assert.deepEqual(rulesOf(k!, c.id), ['Terminal shell in container']);
});

test('CRI: pod container started with host /etc and the containerd socket mounted', async (t) => {
  if (!await plain(t)) return;
  const c = await startContainer(web!, 'mnt', ['sleep', '600'], {
    mounts: [{ containerPath: '/hostetc', hostPath: '/etc', readonly: true },
      { containerPath: '/run/containerd/containerd.sock', hostPath: rt.env['containerd_sock']! }],
  });
  await expectOnce(k!, 'Container started with a sensitive host mount', { ...c, cmdline: 'sleep 600' }, (a) => {
    assert.match(String(a.output_fields['container.mounts']), /\/etc:\/hostetc:/);
  });
  assert.deepEqual(rulesOf(k!, c.id), ['Container started with a sensitive host mount']);
});

let priv: Pod | null = null;
test('CRI: privileged pod container started, then mount in it; the sandbox raises nothing', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  priv = await runPod(`priv-${RUN}`, true);
  const t0 = Date.now();
  const c = await startContainer(priv, 'root', ['sleep', '600'], { privileged: true });
  const ran = Date.now();
  await expectOnce(k!, 'Privileged container started', { ...c, cmdline: 'sleep 600' }, (a) => {
    assert.equal(a.output_fields['container.type'], 'containerd');
  });
  t.diagnostic(`'Privileged container started' seen ${seenAt - ran} ms after StartContainer returned (create+start ${ran - t0} ms)`);
  await exec(c, ['sh', '-c', 'mkdir -p /m && mount -t tmpfs none /m']);
  await expectOnce(k!, 'Mount or debugfs in privileged container', { ...c });
  assert.deepEqual(rulesOf(k!, c.id), ['Mount or debugfs in privileged container', 'Privileged container started']);
  // The sandbox is privileged too (the pod has a privileged container): only the start rules'
  // sandbox exclusion keeps it out.
  const sb = await call<{ info: Record<string, string> }>('podSandboxStatus', { podSandboxId: priv.id, verbose: true });
  const sbPid = (JSON.parse(sb.info['info']!) as { pid: number }).pid;
  const m = new ContainerManager({ podman: false, docker: false, cri: [rt.env['containerd_sock']!], containerd: false });
  try {
    const sbInfo = await m.whenReady(m.refFor(readFileSync(`/proc/${sbPid}/cgroup`, 'utf8').trim().split('\n')), 10_000);
    assert.equal(sbInfo?.isPodSandbox, true);
    assert.equal(sbInfo?.privileged, true);
  } finally { m.close(); }
  assert.deepEqual(rulesOf(k!, priv.id.slice(0, 12)), [], 'the privileged pod\'s sandbox (pause) container');
});

test('CRI: a privileged pod container living under one second, with a package manager in it', async (t) => {
  if (rt.skip) return t.skip(rt.skip);
  if (priv === null) priv = await runPod(`priv-${RUN}`, true);
  const c = await startContainer(priv, 'short', ['sh', '-c', 'dpkg -l; sleep 0.2'], { privileged: true });
  // Through sh, busybox runs its applet as /proc/self/exe (process name "exe", argv[0] dpkg).
  await expectOnce(k!, 'Package management process launched in container', { ...c, cmdline: 'exe -l' }, (a) => {
    assert.equal(a.output_fields['proc.exe'], 'dpkg');
  });
  await expectOnce(k!, 'Privileged container started', { ...c, cmdline: 'sh -c dpkg -l; sleep 0.2' });
  const st = await call<{ status: { state: number; startedAt: string; finishedAt: string } }>('containerStatus', { containerId: c.full });
  assert.equal(st.status.state, 2, 'exited');
  const lived = (BigInt(st.status.finishedAt) - BigInt(st.status.startedAt)) / 1_000_000n;
  t.diagnostic(`the container lived ${lived} ms`);
  assert.ok(lived < 1000n, `lived ${lived} ms`);
  assert.deepEqual(rulesOf(k!, c.id), ['Package management process launched in container', 'Privileged container started']);
});

test('CRI: the long-running container raised only the rules of the actions done in it', (t) => {
  if (rt.skip) return t.skip(rt.skip);
  if (A === null) return t.skip('no action ran in it');
  assert.deepEqual(rulesOf(k!, A.id), EXEC_ACTIONS.map((a) => a.rule).sort());
});
