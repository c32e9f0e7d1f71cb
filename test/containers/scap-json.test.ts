// Container JSON of capture files: decode sinsp's real payloads, round-trip kestrel's own, and
// check with sysdig 0.29.3 (the oracle) that a capture written with kestrel's container event
// shows the container's name/image for a thread in it; replay preloads the manager alike.
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { SHARED_DIR } from '../support/shared-dir.js';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerInfo } from '../../src/containers/types.js';
import {
  containerInfoFromEvent, decodeContainerJson, encodeContainerJson, writeContainerEvents,
} from '../../src/containers/scap-json.js';
import { ContainerManager } from '../../src/containers/manager.js';
import { extractAll, makeContainerFields } from '../../src/containers/fields.js';
import { ScapWriter } from '../../src/capture/scap-writer.js';
import { FileSource } from '../../src/capture/file-source.js';
import { emptyHeader } from '../../src/capture/scap-header.js';
import type { ProcEntry } from '../../src/capture/types.js';

const SHARED = pathToFileURL(SHARED_DIR + '/data/scap/');
const H = '9dbcbd0c435f5b2fb2b5e3b1d1f0c9a8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2';

/** The container JSON strings inside a (gzipped) capture file, found by their prefix. */
function jsonPayloads(file: string): string[] {
  let d = readFileSync(new URL(file, SHARED));
  if (d[0] === 0x1f && d[1] === 0x8b) d = gunzipSync(d);
  const out: string[] = [];
  let i = d.indexOf('{"container":');
  while (i >= 0) {
    const end = d.indexOf(0, i);
    out.push(d.toString('utf8', i, end));
    i = d.indexOf('{"container":', end);
  }
  return out;
}

test('decodes the container JSON sinsp wrote into real captures', () => {
  const [priv] = jsonPayloads('falco_trace_files_psp_privileged.scap');
  assert.ok(priv);
  const r = decodeContainerJson(priv);
  assert.ok(r.ok, r.ok ? '' : r.error);
  const i = r.info;
  assert.equal(i.id, '9dbcbd0c435f');
  assert.equal(i.type, 'docker');
  assert.equal(i.name, 'epic_cray');
  assert.equal(i.image, 'nginx:latest');
  assert.equal(i.imageRepo, 'nginx');
  assert.equal(i.imageTag, 'latest');
  assert.equal(i.imageDigest, 'sha256:96fb261b66270b900ea5a2c17a26abbfabe95506e73c3a3c65869a6dbe83223a');
  assert.equal(i.imageId, 'f68d6e55e06520f152403e6d96d0de5c9790a89b4cfc99f4626f68146fa1dbdc');
  assert.equal(i.privileged, true);
  assert.equal(i.ip, '172.17.0.2');
  assert.equal(i.labels['maintainer'], 'NGINX Docker Maintainers <docker-maint@nginx.com>');
  assert.equal(i.source, 'capture');
  const [unpriv] = jsonPayloads('falco_trace_files_psp_run_as_user_65534_container.scap');
  const r2 = decodeContainerJson(unpriv!);
  assert.ok(r2.ok);
  assert.equal(r2.info.privileged, false);
  assert.equal(r2.info.name, 'hopeful_taussig');
  // The 2019 minimal form (falco_empty.scap, CONTAINER_JSON_E).
  const [old] = jsonPayloads('falco_empty.scap');
  const r3 = decodeContainerJson(old!);
  assert.ok(r3.ok);
  assert.equal(r3.info.name, 'mitm_nginx');
  assert.equal(r3.info.privileged, null, 'absent → unknown');
});

test('bad container JSON gives an error naming the problem, never throws', () => {
  const bad: [string, RegExp][] = [
    ['', /container JSON: Unexpected end/],
    ['{"container":', /container JSON:/],
    ['[]', /no "container" object/],
    ['{"container":[]}', /no "container" object/],
    ['{"container":{"name":"x"}}', /no "id"/],
    ['{"container":{"id":12}}', /no "id"/],
  ];
  for (const [text, re] of bad) {
    const r = decodeContainerJson(text);
    assert.equal(r.ok, false, text);
    assert.match((r as { error: string }).error, re, text);
  }
  // Wrong-typed members are ignored, not trusted.
  const r = decodeContainerJson('{"container":{"id":"abc","name":5,"privileged":"yes","labels":{"a":1,"b":"c"},"Mounts":[3,{"Source":"/s"}],"__proto__":{"x":1}}}\0');
  assert.ok(r.ok);
  assert.equal(r.info.name, '');
  assert.equal(r.info.privileged, null);
  assert.deepEqual({ ...r.info.labels }, { b: 'c' });
  assert.equal(r.info.mounts.length, 1);
  assert.equal(r.info.mounts[0]!.source, '/s');
});

function sampleInfo(): ContainerInfo {
  const i = new ContainerInfo({ id: H.slice(0, 12), fullId: H, type: 'containerd', podUid: '', ctrNamespace: '' });
  i.name = 'web';
  i.image = 'registry.local:5000/team/web:2.1';
  i.imageRepo = 'registry.local:5000/team/web';
  i.imageTag = '2.1';
  i.imageDigest = 'sha256:' + 'ab'.repeat(32);
  i.imageId = 'cd'.repeat(32);
  i.privileged = true;
  i.mounts = [{ source: '/var/run/docker.sock', dest: '/var/run/docker.sock', mode: 'ro', rw: false, propagation: 'rprivate' }];
  i.labels = Object.assign(Object.create(null), { app: 'web', 'quote"s': 'a\\b"c' });
  i.ip = '10.1.2.3';
  i.startTs = 1700000000_000000000n;
  i.podName = 'web-7d9f';
  i.podNamespace = 'shop';
  i.podUid = '3e41dc6b-08a8-44db-bc2a-3724b18ab19a';
  i.podSandboxId = 'ef'.repeat(32);
  i.podLabels = Object.assign(Object.create(null), { tier: 'front' });
  i.hostNetwork = true;
  i.hostPid = false;
  i.source = 'runtime';
  return i;
}

test('encode → decode keeps every field', () => {
  const a = sampleInfo();
  const r = decodeContainerJson(encodeContainerJson(a));
  assert.ok(r.ok);
  const b = r.info;
  for (const k of ['id', 'fullId', 'type', 'name', 'image', 'imageRepo', 'imageTag', 'imageDigest', 'imageId', 'privileged', 'ip', 'startTs', 'podName', 'podNamespace', 'podUid', 'podSandboxId', 'hostNetwork', 'hostPid', 'hostIpc'] as const) {
    assert.equal(b[k], a[k], k);
  }
  assert.deepEqual(b.mounts, a.mounts);
  assert.equal(b.labels['app'], 'web');
  assert.equal(b.labels['quote"s'], 'a\\b"c');
  assert.equal(b.labels['io.kubernetes.pod.name'], 'web-7d9f', 'k8s identity travels in labels, as sinsp keeps it');
  assert.deepEqual({ ...b.podLabels }, { tier: 'front' });
  const j = JSON.parse(encodeContainerJson(a)) as { container: Record<string, unknown> };
  assert.equal(j.container['type'], 7, "sinsp's CT_CONTAINERD");
  assert.equal(j.container['id'], H.slice(0, 12));
});

test('sysdig 0.29.3 reads kestrel container events; replay preloads the manager with the same values', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-cj-'));
  try {
    const file = join(dir, 'c.scap');
    const w = await ScapWriter.create(file);
    const h = emptyHeader();
    h.machine = { numCpus: 1, memorySizeBytes: 1n << 30n, maxPid: 32768n, hostname: 'kestrel-test', bootTsEpoch: 0n, flags: 0n };
    const proc: ProcEntry = {
      tid: 4242, pid: 4242, ptid: 1, sid: 0, vpgid: 0, comm: 'nginx', exe: 'nginx', exepath: '/usr/sbin/nginx', args: [],
      cwd: '/', fdlimit: 1024n, flags: 0, uid: 0, gid: 0, vmsizeKb: 0, vmrssKb: 0, vmswapKb: 0, pfmajor: 0n, pfminor: 0n,
      env: [], vtid: 1, vpid: 1, cgroups: [`cpuset=/docker/${H}`, `memory=/docker/${H}`], root: '/', loginuid: -1,
      exeWritable: false, capInheritable: 0n, capPermitted: 0n, capEffective: 0n,
    };
    h.procs.push(proc);
    w.writeHeader(h);
    const info = sampleInfo();
    info.type = 'docker';
    const t0 = 1700000001_000000000n;
    assert.equal(writeContainerEvents(w, [info], t0), 1);
    // close(3) enter + exit on the container's thread.
    const ce = Buffer.alloc(26 + 2 + 8);
    ce.writeBigUInt64LE(t0 + 1000n, 0); ce.writeBigInt64LE(4242n, 8); ce.writeUInt32LE(ce.length, 16);
    ce.writeUInt16LE(4, 20); ce.writeUInt32LE(1, 22); ce.writeUInt16LE(8, 26); ce.writeBigInt64LE(3n, 28);
    w.writeRaw(ce, 0);
    const cx = Buffer.alloc(26 + 2 + 8);
    cx.writeBigUInt64LE(t0 + 2000n, 0); cx.writeBigInt64LE(4242n, 8); cx.writeUInt32LE(cx.length, 16);
    cx.writeUInt16LE(5, 20); cx.writeUInt32LE(1, 22); cx.writeUInt16LE(8, 26); cx.writeBigInt64LE(0n, 28);
    w.writeRaw(cx, 0);
    await w.close();

    const fmt = '%evt.type|%container.id|%container.name|%container.image|%container.image.repository|%container.image.tag|%container.privileged|%container.image.digest|%container.mounts';
    const out = execFileSync('sysdig', ['-r', file, '-p', fmt], { env: { ...process.env, TZ: 'UTC' }, encoding: 'utf8', timeout: 30_000 });
    const lines = out.trim().split('\n').filter((l) => l.startsWith('close|'));
    assert.ok(lines.length >= 1, out);
    const sys = lines[0]!.split('|');
    assert.deepEqual(sys.slice(1, 10), [H.slice(0, 12), 'web', 'registry.local:5000/team/web:2.1', 'registry.local:5000/team/web', '2.1', 'true', 'sha256:' + 'ab'.repeat(32), '/var/run/docker.sock:/var/run/docker.sock:ro:false:rprivate']);

    // Replay: the container event seeds the manager (no runtime is configured at all).
    const m = new ContainerManager({ podman: false, docker: false, cri: false, containerd: false });
    const src = new FileSource(file);
    await src.open();
    let seen = 0;
    while (await src.nextBatch((ev) => {
      const r = containerInfoFromEvent(ev);
      if (r === null) return;
      assert.ok(r.ok, r.ok ? '' : r.error);
      m.preload(r.info);
      seen++;
    }));
    await src.close();
    assert.equal(seen, 1);
    const f = makeContainerFields<{ cgroups: string[] }>(m, { cgroups: (c) => c.cgroups });
    const v = extractAll(f, { cgroups: proc.cgroups });
    const ours = [v['container.id'], v['container.name'], v['container.image'], v['container.image.repository'], v['container.image.tag'], String(v['container.privileged']),
      v['container.image.digest'], v['container.mounts']];
    assert.deepEqual(ours, sys.slice(1, 10), 'kestrel and sysdig agree');
    // sysdig 0.29.3 has no container.label and takes k8s.* from the k8s API, so these are kestrel-only.
    assert.equal(f.find((d) => d.name === 'container.label')!.extract({ cgroups: proc.cgroups }, 'app'), 'web');
    assert.equal(v['k8s.pod.name'], 'web-7d9f');
    assert.equal(v['k8s.ns.name'], 'shop');
    assert.equal(v['container.full_id'], H);
    assert.equal(m.stats().preloaded, 1);
    assert.equal(m.stats().fetches, 0);
    m.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
