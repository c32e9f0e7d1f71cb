import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CgroupResolver, cgroupLinePath, isNamespaceIsolated, parseCgroupPath, parseCgroups } from '../../src/containers/cgroup.js';
import { HOST_REF, splitImage } from '../../src/containers/types.js';

const H = 'd052e81b1c80f5514fd24d841cc998bcf1be8f71d01eb8efdb439130d517b37d';
const H2 = '9dbcbd0c435f5b2fb2b5e3b1d1f0c9a8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2';
const UID = '3e41dc6b-08a8-44db-bc2a-3724b18ab19a';

// [path, expected type, expected full id, expected pod uid]
const CASES: [string, string, string, string][] = [
  // podman
  [`/libpod_parent/libpod-${H}`, 'podman', H, ''],
  [`/machine.slice/libpod-${H}.scope`, 'podman', H, ''],
  [`/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${H}.scope/container`, 'podman', H, ''],
  // docker
  [`/docker/${H}`, 'docker', H, ''],
  [`/system.slice/docker-${H}.scope`, 'docker', H, ''],
  // containerd
  [`/system.slice/containerd.service/kubepods-besteffort-pod${UID.replace(/-/g, '_')}.slice:cri-containerd:${H}`, 'host', 'host', ''],
  [`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID.replace(/-/g, '_')}.slice/cri-containerd-${H}.scope`, 'containerd', H, UID],
  [`/kubepods.slice/kubepods-pod${UID.replace(/-/g, '_')}.slice/cri-containerd-${H}.scope`, 'containerd', H, UID],
  ['/default/k-ctr-probe', 'containerd', 'k-ctr-probe', ''],
  [`/k8s.io/${H}`, 'containerd', H, ''],
  // CRI with the cgroupfs driver: runtime not known from the path
  [`/kubepods/besteffort/pod${UID}/${H}`, 'cri', H, UID],
  [`/kubepods/burstable/pod${UID}/${H}`, 'cri', H, UID],
  [`/kubepods/pod${UID}/${H2}`, 'cri', H2, UID],
  // cri-o
  [`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replace(/-/g, '_')}.slice/crio-${H}.scope`, 'cri-o', H, UID],
  [`/crio-${H}.scope`, 'cri-o', H, ''],
  // lxc
  ['/lxc/web1', 'lxc', 'web1', ''],
  ['/lxc.payload.web1', 'lxc', 'web1', ''],
  // host and look-alikes
  ['/', 'host', 'host', ''],
  ['', 'host', 'host', ''],
  ['/user.slice/user-1000.slice/session-2.scope', 'host', 'host', ''],
  ['/system.slice/docker.service', 'host', 'host', ''],
  ['/process_api/f40fa102310e04eccb547ebe52483b9c', 'host', 'host', ''],
  [`/machine.slice/libpod-conmon-${H}.scope`, 'host', 'host', ''],
  [`/system.slice/crio-conmon-${H}.scope`, 'host', 'host', ''],
  [`/docker/${H.slice(0, 63)}`, 'host', 'host', ''],
  [`/docker/${H.toUpperCase()}`, 'host', 'host', ''],
  ['/otherns/thing', 'host', 'host', ''],
  ['/default/a/b', 'host', 'host', ''],
  [`/somewhere/${H}`, 'host', 'host', ''],
];

test('cgroup paths → container identity (table)', () => {
  for (const [path, type, full, uid] of CASES) {
    const r = parseCgroupPath(path);
    assert.equal(r.type, type, `type of ${path}`);
    assert.equal(r.fullId, full, `full id of ${path}`);
    assert.equal(r.id, full === 'host' ? 'host' : full.slice(0, 12), `short id of ${path}`);
    assert.equal(r.podUid, uid, `pod uid of ${path}`);
  }
});

test('ctr namespaces are a configured set', () => {
  assert.equal(parseCgroupPath('/otherns/thing', { containerdNamespaces: ['otherns'] }).type, 'containerd');
  assert.equal(parseCgroupPath('/otherns/thing', { containerdNamespaces: ['otherns'] }).ctrNamespace, 'otherns');
  assert.equal(parseCgroupPath('/default/k-ctr-probe', { containerdNamespaces: [] }), HOST_REF);
});

test('cgroup line formats: /proc/<pid>/cgroup and scap "subsys=path"', () => {
  assert.equal(cgroupLinePath(`4:memory:/docker/${H}`), `/docker/${H}`);
  assert.equal(cgroupLinePath(`0::/libpod_parent/libpod-${H}`), `/libpod_parent/libpod-${H}`);
  assert.equal(cgroupLinePath(`9:name=systemd:/docker/${H}`), `/docker/${H}`);
  assert.equal(cgroupLinePath(`cpuset=/docker/${H}`), `/docker/${H}`);
  assert.equal(cgroupLinePath(`name=systemd=/docker/${H}`), `/docker/${H}`);
  // The real layout of this machine: only the memory line is non-root, and it is not a container.
  const hostProc = ['9:name=systemd:/', '4:memory:/process_api/f40fa102310e04eccb547ebe52483b9c', '0::/'];
  assert.equal(parseCgroups(hostProc), HOST_REF);
  // Hybrid hosts where some controllers stay at '/': the first container line wins.
  const hybrid = ['cpuset=/', `memory=/kubepods/besteffort/pod${UID}/${H}`, 'pids=/'];
  assert.equal(parseCgroups(hybrid).type, 'cri');
  assert.equal(parseCgroups(`0::/\n1:cpu:/docker/${H}\n`).fullId, H);
});

test('CgroupResolver caches per path and stays bounded', () => {
  const r = new CgroupResolver({}, 4);
  const a = r.resolve([`cpu=/docker/${H}`]);
  assert.equal(r.resolve([`cpu=/docker/${H}`]), a, 'same object for the same path');
  for (let i = 0; i < 20; i++) r.resolve([`cpu=/lxc/c${i}`]);
  assert.equal(r.resolve([`cpu=/docker/${H}`]).fullId, H);
});

test('namespace isolation: a fake /proc with differing pid+mnt namespaces', () => {
  const root = mkdtempSync(join(tmpdir(), 'kestrel-ns-'));
  try {
    const mk = (pid: string, pidNs: string, mntNs: string): void => {
      mkdirSync(join(root, pid, 'ns'), { recursive: true });
      symlinkSync(`pid:[${pidNs}]`, join(root, pid, 'ns', 'pid'));
      symlinkSync(`mnt:[${mntNs}]`, join(root, pid, 'ns', 'mnt'));
    };
    mk('1', '4026531836', '4026531832');
    mk('100', '4026531836', '4026531832');
    mk('200', '4026532001', '4026532002');
    mk('300', '4026531836', '4026532009'); // own mount ns only (e.g. a systemd PrivateTmp service)
    assert.equal(isNamespaceIsolated(100, root), false);
    assert.equal(isNamespaceIsolated(200, root), true);
    assert.equal(isNamespaceIsolated(300, root), false);
    assert.equal(isNamespaceIsolated(999, root), false, 'unreadable → false');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('image reference split', () => {
  assert.deepEqual(splitImage('nginx:latest'), { repo: 'nginx', tag: 'latest', digest: '' });
  assert.deepEqual(splitImage('localhost:5000/team/app:1.2'), { repo: 'localhost:5000/team/app', tag: '1.2', digest: '' });
  assert.deepEqual(splitImage('localhost:5000/team/app'), { repo: 'localhost:5000/team/app', tag: '', digest: '' });
  assert.deepEqual(splitImage('docker.io/library/nginx@sha256:abc'), { repo: 'docker.io/library/nginx', tag: '', digest: 'sha256:abc' });
  assert.deepEqual(splitImage('quay.io/x/y:2@sha256:abc'), { repo: 'quay.io/x/y', tag: '2', digest: 'sha256:abc' });
});
