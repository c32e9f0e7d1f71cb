// Real containers, started by this suite: podman (API socket), Docker Engine (dockerd from
// Debian's docker.io), containerd via ctr (bundle on disk + containers API), and a
// Kubernetes-style pod through containerd's CRI socket. For each,
// a process inside is resolved from its /proc/<pid>/cgroup through the ContainerManager and the
// container.* / k8s.* fields, including containers that live under one second.
//
// Set-up (packages, podman API service, a private containerd, locally built images) is done by
// scripts/containers-setup.sh: idempotent, time-bounded, fast when already done. Daemons this
// file started are stopped at the end (scripts/containers-teardown.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ContainerManager } from '../../src/containers/manager.js';
import { makeContainerFields, extractAll } from '../../src/containers/fields.js';
import { CriEngine } from '../../src/containers/cri.js';
import { DockerEngine } from '../../src/containers/docker-api.js';
import { ContainerInfo } from '../../src/containers/types.js';
import { parseCgroups } from '../../src/containers/cgroup.js';
import type { FieldDef } from '../../src/filter/field-api.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const IMG = 'localhost/testimg:1';
interface Ctx { cgroups: string[] | null }

let env: Record<string, string> = {};
let skip: string | false = false;
const RUN = randomBytes(3).toString('hex');

before(() => {
  const r = spawnSync('bash', [`${ROOT}scripts/containers-setup.sh`], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, KESTREL_CTR_USER: String(process.pid) } });
  if (r.status === 3) {
    skip = `container runtime packages could not be installed: ${r.stderr.trim().split('\n').pop()}`;
    return;
  }
  if (r.status !== 0) throw new Error(`scripts/containers-setup.sh failed (${r.status ?? r.signal}): ${r.stderr}`);
  for (const line of r.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
});

after(() => {
  // Stops the daemons the set-up started once no other test file still uses them.
  spawnSync('bash', [`${ROOT}scripts/containers-teardown.sh`, '--release'], { timeout: 120_000, env: { ...process.env, KESTREL_CTR_USER: String(process.pid) } });
});

function cgroupsOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
}

function sh(cmd: string, args: string[], timeout = 30_000): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout }).trim();
}

function field(defs: FieldDef<Ctx>[], name: string, ctx: Ctx, arg?: string): unknown {
  return defs.find((d) => d.name === name)!.extract(ctx, arg);
}

/** Runs `cmd` and resolves with the first stdout line (the container's own cgroup line) and the child. */
function firstLine(cmd: string, args: string[]): Promise<{ line: string; done: Promise<number | null>; t0: number }> {
  const t0 = Date.now();
  const p = spawn(cmd, args, { timeout: 300_000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'] });
  const done = new Promise<number | null>((res) => p.on('exit', (c) => res(c)));
  let err = '';
  p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`${cmd}: no output in 30 s (${err})`)); }, 30_000);
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({ line: buf.slice(0, nl), done, t0 });
      }
    });
    p.on('exit', (c) => { clearTimeout(timer); if (buf.indexOf('\n') < 0) reject(new Error(`${cmd} exited ${c}: ${err}`)); });
  });
}

test('podman: a process in a labelled container has its id, name, image and labels', async (t) => {
  if (skip) return t.skip(skip);
  const name = `kestrel-t-${RUN}`;
  const cid = sh('podman', ['run', '-d', '--name', name, '--label', 'kestrel.test=1', '--label', 'app=kestrel-test', IMG, 'sleep', '60']);
  const m = new ContainerManager({ podman: env['podman_sock']!, docker: false, cri: false, containerd: false });
  try {
    const pid = Number(sh('podman', ['inspect', '-f', '{{.State.Pid}}', cid]));
    const ctx: Ctx = { cgroups: cgroupsOf(pid) };
    const f = makeContainerFields<Ctx>(m, { cgroups: (c) => c.cgroups });
    // First sight: identity at once, metadata not yet.
    assert.equal(field(f, 'container.id', ctx), cid.slice(0, 12));
    assert.equal(field(f, 'container.type', ctx), 'podman');
    assert.equal(field(f, 'container.name', ctx), null);
    const info = await m.whenReady(m.refFor(ctx.cgroups), 5000);
    assert.ok(info, JSON.stringify(m.state(m.refFor(ctx.cgroups))));
    const v = extractAll(f, ctx);
    assert.equal(v['container.full_id'], cid);
    assert.equal(v['container.name'], name);
    assert.equal(v['container.image'], IMG);
    assert.equal(v['container.image.repository'], 'localhost/testimg');
    assert.equal(v['container.image.tag'], '1');
    assert.match(String(v['container.image.id']), /^[0-9a-f]{64}$/);
    assert.equal(v['container.privileged'], false);
    assert.match(String(v['container.ip']), /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(field(f, 'container.label', ctx, 'app'), 'kestrel-test');
    assert.equal(v['container.host_network'], false);
    assert.equal(v['container.host_ipc'], false);
    assert.equal(field(f, 'container.label', ctx, 'org.example.suite'), 'kestrel', 'image labels too');
    const started = BigInt(Date.now()) * 1_000_000n - (v['container.start_ts'] as bigint);
    assert.ok(started > 0n && started < 120_000_000_000n, `start_ts ${v['container.start_ts']}`);
    // A process entered with `podman exec` resolves to the same container.
    const execOut = sh('podman', ['exec', cid, 'cat', '/proc/self/cgroup']);
    assert.equal(parseCgroups(execOut).fullId, cid);
    // The Docker-compatible endpoint of the same socket (what /var/run/docker.sock serves).
    const docker = new DockerEngine({ flavor: 'docker', socket: env['podman_sock']!, timeoutMs: 2000, maxBytes: 4 << 20, labelMaxLen: 1024 });
    const dinfo = new ContainerInfo({ id: cid.slice(0, 12), fullId: cid, type: 'docker', podUid: '', ctrNamespace: '' });
    const r = await docker.fetch({ id: cid.slice(0, 12), fullId: cid, type: 'docker', podUid: '', ctrNamespace: '' }, dinfo);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(dinfo.name, name);
    assert.equal(dinfo.image, IMG);
    assert.equal(dinfo.labels['app'], 'kestrel-test');
    const s = m.stats();
    assert.equal(s.fetchOk, 1);
    assert.ok(s.hits >= 1);
  } finally {
    m.close();
    spawnSync('podman', ['rm', '-f', '-t', '0', cid], { timeout: 30_000 });
  }
});

test('kestrel containers (CLI): lists a running container; a missing socket exits 1 naming it', async (t) => {
  if (skip) return t.skip(skip);
  const name = `kestrel-cli-${RUN}`;
  const cid = sh('podman', ['run', '-d', '--name', name, '--label', 'kestrel.test=1', '--label', 'app=cli', IMG, 'sleep', '60']);
  const cli = `${ROOT}dist/src/cli/index.js`;
  try {
    const ok = spawnSync('node', [cli, 'containers', '--json', '-o', `plugins=[{"name":"container","init_config":{"engines":{"podman":{"sockets":["${env['podman_sock']}"]},"cri":{"enabled":false},"containerd":{"enabled":false},"docker":{"enabled":false}}}}]`],
      { encoding: 'utf8', timeout: 30_000 });
    const out = JSON.parse(ok.stdout) as { containers: { fullId: string; name: string; image: string; labels: Record<string, string>; answeredBy: string }[]; stats: { fetchOk: number } };
    const mine = out.containers.find((c) => c.fullId === cid);
    assert.ok(mine, ok.stdout + ok.stderr);
    assert.equal(mine.name, name);
    assert.equal(mine.image, IMG);
    assert.equal(mine.labels['app'], 'cli');
    assert.equal(mine.answeredBy, 'podman');
    const bad = spawnSync('node', [cli, 'containers', '--timeout', '2000', '-o', `plugins=[{"name":"container","init_config":{"engines":{"podman":{"sockets":["/nonexistent/podman.sock"]},"cri":{"enabled":false},"containerd":{"enabled":false},"docker":{"enabled":false}}}}]`],
      { encoding: 'utf8', timeout: 30_000 });
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    const line = bad.stdout.split('\n').find((l) => l.startsWith(cid.slice(0, 12)));
    assert.ok(line, bad.stdout);
    assert.match(line, /podman\s+<NA>\s+<NA>/);
    assert.match(line, /\/nonexistent\/podman\.sock/);
    // (Other containers on the host, of engines disabled here, may add other reasons.)
    assert.match(bad.stdout, /failures \{.*"connect":\d+/);
  } finally {
    spawnSync('podman', ['rm', '-f', '-t', '0', cid], { timeout: 30_000 });
  }
});

test('podman: a privileged container', async (t) => {
  if (skip) return t.skip(skip);
  const cid = sh('podman', ['run', '-d', '--privileged', '--label', 'kestrel.test=1', IMG, 'sleep', '60']);
  const m = new ContainerManager({ podman: env['podman_sock']!, docker: false, cri: false, containerd: false });
  try {
    const pid = Number(sh('podman', ['inspect', '-f', '{{.State.Pid}}', cid]));
    const info = await m.whenReady(m.refFor(cgroupsOf(pid)), 5000);
    assert.equal(info?.privileged, true);
  } finally {
    m.close();
    spawnSync('podman', ['rm', '-f', '-t', '0', cid], { timeout: 30_000 });
  }
});

test('podman: a container living under one second is fetched on first sight and stays cached', async (t) => {
  if (skip) return t.skip(skip);
  const name = `kestrel-short-${RUN}`;
  const m = new ContainerManager({ podman: env['podman_sock']!, docker: false, cri: false, containerd: false });
  try {
    const { line, done, t0 } = await firstLine('podman', ['run', '--rm', '--name', name, '--label', 'kestrel.test=1', '--label', 'life=short', IMG,
      'sh', '-c', 'grep "^0::" /proc/self/cgroup; sleep 0.5']);
    const ref = m.refFor([line]);
    assert.equal(ref.type, 'podman');
    const info = await m.whenReady(ref, 3000);
    const code = await done;
    assert.equal(code, 0);
    assert.ok(info, `metadata of the short-lived container: ${JSON.stringify(m.state(ref))}`);
    assert.equal(info.name, name);
    assert.equal(info.labels['life'], 'short');
    // Gone from podman (--rm), still known to kestrel.
    const f = makeContainerFields<Ctx>(m, { cgroups: (c) => c.cgroups });
    assert.equal(field(f, 'container.name', { cgroups: [line] }), name);
    assert.equal(m.stats().fetches, 1);
    t.diagnostic(`container lifetime as seen by the test: ${Date.now() - t0} ms (podman run included)`);
  } finally {
    m.close();
  }
});

// (No privileged Docker container: Docker grants every capability, and root here lacks some
// (CAP_SYS_RESOURCE...), so runc refuses; podman's privileged test covers the field.)
test('Docker Engine: a labelled container and one living under one second', async (t) => {
  if (skip) return t.skip(skip);
  const D = ['-H', `unix://${env['docker_sock']}`];
  const docker = (...a: string[]): string => sh('/usr/bin/docker', [...D, ...a]);
  const name = `kestrel-dock-${RUN}`;
  const cid = docker('run', '-d', '--network', 'none', '--name', name, '--label', 'kestrel.test=1', '--label', 'app=dock', IMG, 'sleep', '60');
  const m = new ContainerManager({ docker: env['docker_sock']!, podman: false, cri: false, containerd: false });
  try {
    const pid = Number(docker('inspect', '-f', '{{.State.Pid}}', cid));
    const ctx: Ctx = { cgroups: cgroupsOf(pid) };
    const ref = m.refFor(ctx.cgroups);
    assert.equal(ref.type, 'docker');
    assert.equal(ref.fullId, cid);
    assert.ok(await m.whenReady(ref, 5000), JSON.stringify(m.state(ref)));
    const f = makeContainerFields<Ctx>(m, { cgroups: (c) => c.cgroups });
    const v = extractAll(f, ctx);
    assert.equal(v['container.id'], cid.slice(0, 12));
    assert.equal(v['container.name'], name);
    assert.equal(v['container.type'], 'docker');
    assert.equal(v['container.image'], IMG);
    assert.match(String(v['container.image.id']), /^[0-9a-f]{64}$/);
    assert.equal(v['container.privileged'], false);
    assert.equal(field(f, 'container.label', ctx, 'app'), 'dock');
    assert.equal(v['container.host_network'], false);
    assert.equal(v['container.host_pid'], false);

    const short = `kestrel-dock-short-${RUN}`;
    const { line, done } = await firstLine('/usr/bin/docker', [...D, 'run', '--rm', '--network', 'none', '--name', short, '--label', 'life=short', IMG,
      'sh', '-c', 'grep "^0::" /proc/self/cgroup; sleep 0.5']);
    const sref = m.refFor([line]);
    assert.equal(sref.type, 'docker');
    const sinfo = await m.whenReady(sref, 3000);
    assert.equal(await done, 0);
    assert.equal(sinfo?.name, short);
    assert.equal(sinfo?.labels['life'], 'short');
  } finally {
    m.close();
    spawnSync('/usr/bin/docker', [...D, 'rm', '-f', cid], { timeout: 30_000 });
  }
});

test('containerd (ctr): name, image and labels from the bundle and the containers API', async (t) => {
  if (skip) return t.skip(skip);
  const S = env['containerd_sock']!;
  const name = `kestrel-ctr-${RUN}`;
  const ctr = (...a: string[]): string => sh('ctr', ['-a', S, '-n', 'default', ...a]);
  ctr('run', '-d', '--label', 'app=ctr-test', '--label', 'kestrel.test=1', IMG, name, 'sleep', '60');
  const m = new ContainerManager({ podman: false, docker: false, cri: false, containerd: { stateDir: env['containerd_state']!, socket: S } });
  try {
    const row = ctr('task', 'ls').split('\n').find((l) => l.startsWith(name + ' '));
    const pid = Number(row!.trim().split(/\s+/)[1]);
    const ctx: Ctx = { cgroups: cgroupsOf(pid) };
    const ref = m.refFor(ctx.cgroups);
    assert.equal(ref.type, 'containerd');
    assert.equal(ref.fullId, name);
    assert.equal(ref.ctrNamespace, 'default');
    const info = await m.whenReady(ref, 5000);
    assert.ok(info, JSON.stringify(m.state(ref)));
    const f = makeContainerFields<Ctx>(m, { cgroups: (c) => c.cgroups });
    const v = extractAll(f, ctx);
    assert.equal(v['container.id'], name.slice(0, 12));
    assert.equal(v['container.full_id'], name);
    assert.equal(v['container.name'], name);
    assert.equal(v['container.type'], 'containerd');
    assert.equal(v['container.image'], IMG);
    assert.equal(v['container.privileged'], false);
    assert.equal(field(f, 'container.label', ctx, 'app'), 'ctr-test');
    assert.equal(v['container.host_network'], false);
    assert.equal(v['container.host_pid'], false);
    assert.equal(field(f, 'container.label', ctx, 'org.example.suite'), 'kestrel', 'image label via the API');
    assert.ok((v['container.start_ts'] as bigint) > 0n);
  } finally {
    m.close();
    spawnSync('ctr', ['-a', S, '-n', 'default', 'task', 'kill', '-s', 'SIGKILL', name], { timeout: 10_000 });
    for (let i = 0; i < 20; i++) {
      if (spawnSync('ctr', ['-a', S, '-n', 'default', 'task', 'rm', name], { timeout: 10_000 }).status === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    spawnSync('ctr', ['-a', S, '-n', 'default', 'container', 'rm', name], { timeout: 10_000 });
  }
});

test('containerd (ctr): a container living under one second', async (t) => {
  if (skip) return t.skip(skip);
  const S = env['containerd_sock']!;
  const name = `kestrel-ctr-short-${RUN}`;
  const m = new ContainerManager({ podman: false, docker: false, cri: false, containerd: { stateDir: env['containerd_state']!, socket: S } });
  try {
    const { line, done } = await firstLine('ctr', ['-a', S, '-n', 'default', 'run', '--rm', '--label', 'life=short', IMG, name,
      'sh', '-c', 'grep "^0::" /proc/self/cgroup; sleep 0.5']);
    const ref = m.refFor([line]);
    assert.equal(ref.fullId, name);
    const info = await m.whenReady(ref, 3000);
    assert.equal(await done, 0);
    assert.ok(info, JSON.stringify(m.state(ref)));
    assert.equal(info.image, IMG);
    assert.equal(info.labels['life'], 'short');
    assert.equal(m.lookup(ref), info, 'cached after the container is gone');
  } finally {
    m.close();
  }
});

test('CRI pod through containerd: container and pod identity (k8s.*)', async (t) => {
  if (skip) return t.skip(skip);
  const S = env['containerd_sock']!;
  const cri = new CriEngine({ socket: S, timeoutMs: 20_000, maxBytes: 4 << 20, labelMaxLen: 1024 });
  const uid = randomUUID();
  const sandboxConfig = {
    metadata: { name: `web-${RUN}`, uid, namespace: 'shop', attempt: 0 },
    hostname: '', logDirectory: `/tmp/kestrel-containers-test/pods/${uid}`,
    labels: { app: 'web', tier: 'front', 'io.kubernetes.pod.name': `web-${RUN}`, 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': uid },
    annotations: {},
    // Host network: no CNI here. Own pid namespace like a v1 pod.
    linux: { cgroupParent: `/kubepods/besteffort/pod${uid}`, securityContext: { namespaceOptions: { network: 2, pid: 1, ipc: 0 } } },
  };
  const call = async <T>(method: string, req: unknown): Promise<T> => {
    const r = await cri.call<T>(method, req);
    if (!r.ok) throw new Error(`CRI ${method}: ${r.detail}`);
    return r.value;
  };
  let sandboxId = '';
  const m = new ContainerManager({ podman: false, docker: false, cri: [S], containerd: { stateDir: env['containerd_state']!, socket: S } });
  const disk = new ContainerManager({ podman: false, docker: false, cri: false, containerd: { stateDir: env['containerd_state']!, socket: false } });
  try {
    sandboxId = (await call<{ podSandboxId: string }>('runPodSandbox', { config: sandboxConfig })).podSandboxId;
    const cid = (await call<{ containerId: string }>('createContainer', {
      podSandboxId: sandboxId, sandboxConfig,
      config: {
        metadata: { name: 'nginx' }, image: { image: IMG }, command: ['sleep', '60'], logPath: 'nginx.log',
        labels: { 'io.kubernetes.container.name': 'nginx', 'io.kubernetes.pod.name': `web-${RUN}`, 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': uid },
      },
    })).containerId;
    await call('startContainer', { containerId: cid });
    const st = await call<{ info: Record<string, string> }>('containerStatus', { containerId: cid, verbose: true });
    const pid = (JSON.parse(st.info['info']!) as { pid: number }).pid;
    const ctx: Ctx = { cgroups: cgroupsOf(pid) };
    const ref = m.refFor(ctx.cgroups);
    assert.equal(ref.type, 'cri');
    assert.equal(ref.fullId, cid);
    assert.equal(ref.podUid, uid);
    const info = await m.whenReady(ref, 5000);
    assert.ok(info, JSON.stringify(m.state(ref)));
    const f = makeContainerFields<Ctx>(m, { cgroups: (c) => c.cgroups });
    const v = extractAll(f, ctx);
    assert.equal(v['container.id'], cid.slice(0, 12));
    assert.equal(v['container.name'], 'nginx');
    assert.equal(v['container.type'], 'containerd', 'refined from the CRI runtime name');
    assert.equal(v['container.image'], IMG);
    assert.equal(v['container.privileged'], false);
    assert.equal(v['k8s.pod.name'], `web-${RUN}`);
    assert.equal(v['k8s.ns.name'], 'shop');
    assert.equal(v['k8s.pod.uid'], uid);
    assert.equal(v['k8s.pod.full_sandbox_id'], sandboxId);
    assert.equal(v['k8s.pod.sandbox_id'], sandboxId.slice(0, 12));
    assert.equal(field(f, 'k8s.pod.label', ctx, 'app'), 'web');
    assert.equal(field(f, 'k8s.pod.label', ctx, 'tier'), 'front');
    assert.equal(field(f, 'container.label', ctx, 'io.kubernetes.container.name'), 'nginx');
    assert.equal(info.answeredBy, 'cri:containerd');
    assert.equal(v['container.host_network'], true, 'the pod uses the node network (NamespaceMode NODE)');
    assert.equal(v['container.host_pid'], false);

    // The pod's sandbox (pause) process resolves to the pod too.
    const sb = await call<{ info: Record<string, string> }>('podSandboxStatus', { podSandboxId: sandboxId, verbose: true });
    const sbPid = (JSON.parse(sb.info['info']!) as { pid: number }).pid;
    const sbRef = m.refFor(cgroupsOf(sbPid));
    assert.equal(sbRef.fullId, sandboxId);
    const sbInfo = await m.whenReady(sbRef, 5000);
    assert.ok(sbInfo, JSON.stringify(m.state(sbRef)));
    assert.equal(sbInfo.isPodSandbox, true);
    assert.equal(sbInfo.podName, `web-${RUN}`);

    // Without the CRI socket, containerd's bundle on disk still names the pod.
    const dinfo = await disk.whenReady(disk.refFor(ctx.cgroups), 5000);
    assert.ok(dinfo, JSON.stringify(disk.state(disk.refFor(ctx.cgroups))));
    assert.equal(dinfo.name, 'nginx');
    assert.equal(dinfo.image, IMG);
    assert.equal(dinfo.podName, `web-${RUN}`);
    assert.equal(dinfo.podNamespace, 'shop');
    assert.equal(dinfo.podUid, uid);
    assert.equal(dinfo.answeredBy, 'containerd');
    assert.equal(dinfo.hostNetwork, true);
    assert.equal(dinfo.hostPid, false);
  } finally {
    m.close();
    disk.close();
    if (sandboxId !== '') {
      await cri.call('stopPodSandbox', { podSandboxId: sandboxId });
      await cri.call('removePodSandbox', { podSandboxId: sandboxId });
    }
    cri.close();
  }
});
