// The container.* / k8s.* field definitions over a manager seeded with known metadata, and
// container.unknown on a real process in its own pid+mount namespaces (unshare).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ContainerManager } from '../../src/containers/manager.js';
import { extractAll, makeContainerFields } from '../../src/containers/fields.js';
import { ContainerInfo } from '../../src/containers/types.js';

const H = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
interface Ctx { cgroups: string[] | null; pid: number; ts: bigint }

function seeded(): ContainerManager {
  const m = new ContainerManager({ podman: false, docker: false, cri: false, containerd: false });
  const i = new ContainerInfo({ id: H.slice(0, 12), fullId: H, type: 'cri', podUid: '', ctrNamespace: '' });
  i.type = 'containerd';
  i.name = 'api';
  i.mounts = [
    { source: '/var/lib/kubelet/pods/x/volumes/cfg', dest: '/etc/cfg', mode: 'ro', rw: false, propagation: 'rprivate' },
    { source: '/var/run/docker.sock', dest: '/var/run/docker.sock', mode: '', rw: true, propagation: 'rslave' },
  ];
  i.labels = Object.assign(Object.create(null), { app: 'api', 'app.kubernetes.io/name': 'api' });
  i.podLabels = Object.assign(Object.create(null), { team: 'core' });
  i.podName = 'api-1'; i.podNamespace = 'prod'; i.podUid = 'u-1'; i.podSandboxId = 'f'.repeat(64); i.ip = '10.0.0.9';
  i.startTs = 1_000_000_000_000n;
  m.preload(i);
  return m;
}

test('mount, label and k8s fields', () => {
  const m = seeded();
  const f = makeContainerFields<Ctx>(m, { cgroups: (c) => c.cgroups, pid: (c) => c.pid, evtTs: (c) => c.ts });
  const ctx: Ctx = { cgroups: [`cpu=/kubepods/besteffort/pod3e41dc6b-08a8-44db-bc2a-3724b18ab19a/${H}`], pid: 1, ts: 1_000_000_500_000n };
  const x = (name: string, arg?: string | number): unknown => f.find((d) => d.name === name)!.extract(ctx, arg);
  assert.equal(x('container.mounts'), '/var/lib/kubelet/pods/x/volumes/cfg:/etc/cfg:ro:false:rprivate /var/run/docker.sock:/var/run/docker.sock::true:rslave');
  assert.equal(x('container.mount', 1), '/var/run/docker.sock:/var/run/docker.sock::true:rslave');
  assert.equal(x('container.mount', '0'), '/var/lib/kubelet/pods/x/volumes/cfg:/etc/cfg:ro:false:rprivate');
  assert.equal(x('container.mount', '/var/run/*'), '/var/run/docker.sock:/var/run/docker.sock::true:rslave');
  assert.equal(x('container.mount', '/nope'), 'none');
  assert.equal(x('container.mount', 7), 'none');
  assert.equal(x('container.mount.dest', '/var/lib/kubelet/*'), '/etc/cfg');
  assert.equal(x('container.mount.source', '/etc/cfg'), '/var/lib/kubelet/pods/x/volumes/cfg');
  assert.equal(x('container.mount.rdwr', '/var/run/docker.sock'), 'true');
  assert.equal(x('container.mount.propagation', 0), 'rprivate');
  assert.equal(x('container.mount.mode', '/x(y'), null, 'regex characters in a glob are literals');
  assert.equal(x('container.label', 'app.kubernetes.io/name'), 'api');
  assert.equal(x('container.label', 'constructor'), null);
  assert.equal(x('container.label', '__proto__'), null);
  assert.equal(x('container.labels'), 'app:api,app.kubernetes.io/name:api');
  assert.equal(x('k8s.pod.label', 'team'), 'core');
  assert.equal(x('k8s.pod.labels'), 'team:core');
  const v = extractAll(f, ctx);
  assert.equal(v['container.type'], 'containerd');
  assert.equal(v['container.duration'], 500_000n);
  assert.equal(v['k8s.pod.name'], 'api-1');
  assert.equal(v['k8s.pod.uid'], 'u-1', 'the runtime value wins over the cgroup one');
  assert.equal(v['k8s.pod.ip'], '10.0.0.9');
  assert.equal(v['container.unknown'], false);
  // Every field has a description and a valid declaration.
  for (const d of f) {
    assert.ok(d.desc.length > 10, d.name);
    assert.match(d.name, /^(container|k8s)\./);
    if (d.arg !== 'none') assert.equal(d.argKind, 'key', d.name);
  }
  assert.equal(new Set(f.map((d) => d.name)).size, f.length, 'no duplicate names');
  m.close();
});

test('container.unknown: a real process in its own pid+mount namespaces with a host cgroup', async () => {
  const m = seeded();
  const f = makeContainerFields<Ctx>(m, { cgroups: (c) => c.cgroups, pid: (c) => c.pid });
  const unknown = f.find((d) => d.name === 'container.unknown')!;
  const p = spawn('unshare', ['--fork', '--pid', '--mount', '--kill-child', 'sleep', '5'], { timeout: 300_000, killSignal: 'SIGKILL', stdio: 'ignore' });
  try {
    // The sleep is unshare's child, in the new namespaces.
    let child = 0;
    for (let i = 0; i < 50 && child === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        child = Number(readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8').trim().split(' ')[0] || 0);
      } catch { /* not yet */ }
    }
    assert.ok(child > 0, 'found the unshared child');
    const cg = readFileSync(`/proc/${child}/cgroup`, 'utf8').trim().split('\n');
    assert.equal(f.find((d) => d.name === 'container.id')!.extract({ cgroups: cg, pid: child, ts: 0n }, undefined), 'host');
    assert.equal(unknown.extract({ cgroups: cg, pid: child, ts: 0n }, undefined), true);
    assert.equal(unknown.extract({ cgroups: cg, pid: process.pid, ts: 0n }, undefined), false, 'this test process is on the host');
  } finally {
    p.kill('SIGKILL');
    m.close();
  }
});

test('a preload replacing a known container is seen by the next lookup (no stale fast path)', () => {
  const m = seeded();
  const f = makeContainerFields<Ctx>(m, { cgroups: (c) => c.cgroups });
  const ctx: Ctx = { cgroups: [`0::/docker/${H}`], pid: 1, ts: 0n };
  const name = f.find((d) => d.name === 'container.name')!;
  assert.equal(name.extract(ctx, undefined), 'api');
  assert.equal(name.extract(ctx, undefined), 'api');
  const j = new ContainerInfo({ id: H.slice(0, 12), fullId: H, type: 'docker', podUid: '', ctrNamespace: '' });
  j.name = 'api-v2';
  j.source = 'capture';
  m.preload(j);
  assert.equal(name.extract(ctx, undefined), 'api-v2');
  m.remove(H);
  assert.equal(m.lookup(H), null);
  m.close();
});
