// The DaemonSet manifest: parses, has what docs/kubernetes.md says a node needs, and its
// kestrel configuration gives the container manager clean options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments, parse } from 'yaml';
import { containerConfigFromPlugins } from '../../src/containers/config.js';

const ROOT = new URL('../../../', import.meta.url);

interface K8sObj { kind: string; metadata: { name: string; namespace?: string }; spec?: any; data?: Record<string, string> }

test('deploy/kestrel-daemonset.yaml', () => {
  const docs = parseAllDocuments(readFileSync(new URL('deploy/kestrel-daemonset.yaml', ROOT), 'utf8'));
  for (const d of docs) assert.deepEqual(d.errors, [], 'YAML errors');
  const objs = docs.map((d) => d.toJS() as K8sObj);
  const kinds = objs.map((o) => o.kind).sort();
  assert.deepEqual(kinds, ['ConfigMap', 'DaemonSet', 'Namespace', 'ServiceAccount']);
  const ds = objs.find((o) => o.kind === 'DaemonSet')!;
  const pod = ds.spec.template.spec;
  assert.equal(pod.hostPID, true);
  const c = pod.containers[0];
  assert.equal(c.securityContext.privileged, true);
  const mounts = new Map<string, { name: string; readOnly?: boolean }>(c.volumeMounts.map((m: { mountPath: string }) => [m.mountPath, m]));
  for (const p of ['/sys/kernel/btf', '/host/run', '/etc/passwd', '/etc/group', '/etc/kestrel']) {
    assert.ok(mounts.has(p), `mount ${p}`);
    assert.equal(mounts.get(p)!.readOnly, true, `${p} read-only`);
  }
  const vols = new Map<string, any>(pod.volumes.map((v: { name: string }) => [v.name, v]));
  for (const m of mounts.values()) assert.ok(vols.has(m.name), `volume ${m.name}`);
  assert.equal(vols.get(mounts.get('/host/run')!.name).hostPath.path, '/run');
  assert.deepEqual(c.command.slice(-3), ['run', '-c', '/etc/kestrel/kestrel.yaml']);
  assert.equal(ds.spec.selector.matchLabels['app.kubernetes.io/name'], ds.spec.template.metadata.labels['app.kubernetes.io/name']);

  const cm = objs.find((o) => o.kind === 'ConfigMap')!;
  const cfg = parse(cm.data!['kestrel.yaml']!) as { plugins: unknown; webserver: { listen_address: string; listen_port: number } };
  const cc = containerConfigFromPlugins(cfg.plugins);
  assert.deepEqual(cc.errors, []);
  assert.equal(cc.options.hostRoot, '/host');
  assert.deepEqual(cc.options.cri, ['/host/run/containerd/containerd.sock', '/host/run/crio/crio.sock', '/host/run/k3s/containerd/containerd.sock']);
  assert.deepEqual(cc.options.docker, ['/host/run/docker.sock']);
  // Every runtime path the manager will use lies under the mounted host /run.
  for (const s of [...(cc.options.cri as string[]), ...(cc.options.docker as string[]), ...(cc.options.podman as string[])]) {
    assert.ok(s.startsWith('/host/run/'), s);
  }
  assert.equal(cfg.webserver.listen_address, '0.0.0.0');
  assert.equal(c.livenessProbe.httpGet.port, cfg.webserver.listen_port);
});
