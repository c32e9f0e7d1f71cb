// Runtime sockets that are missing, silent, or answer garbage: lookups end in bounded time,
// fail cleanly, fields fall back to the cgroup identity, and the counters say what happened.
// The servers are real unix-socket servers run by the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerManager } from '../../src/containers/manager.js';
import { makeContainerFields, extractAll } from '../../src/containers/fields.js';

const H = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const UID = '3e41dc6b-08a8-44db-bc2a-3724b18ab19a';
interface Ctx { cgroups: string[] | null }

const dir = mkdtempSync(join(tmpdir(), 'kestrel-sock-'));
const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();

function listen(server: net.Server, name: string): Promise<string> {
  const path = join(dir, name);
  servers.push(server);
  server.on('connection', (s: net.Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  return new Promise((resolve) => server.listen(path, () => resolve(path)));
}

test.after(() => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A server that accepts and never says a word. */
const silent = (): Promise<string> => listen(net.createServer(() => { /* hold the connection open */ }), `silent-${servers.length}.sock`);
/** A server that answers every connection with bytes that are neither HTTP nor HTTP/2. */
const garbage = (): Promise<string> => listen(net.createServer((s) => { s.on('error', () => {}); s.end(Buffer.from('\x00\xffGARBAGE\r\n\r\n{{{not json')); }), `garbage-${servers.length}.sock`);
/** An HTTP server whose answers are 200 with a body that is not JSON / is enormous / is JSON of the wrong shape. */
function httpServer(handler: http.RequestListener): Promise<string> {
  return listen(http.createServer(handler), `http-${servers.length}.sock`);
}

function fieldsFor(m: ContainerManager) {
  return makeContainerFields<Ctx>(m, { cgroups: (c) => c.cgroups });
}

test('missing sockets: podman, docker, containerd, CRI all fail fast; cgroup identity remains', async () => {
  const m = new ContainerManager({
    podman: join(dir, 'none-podman.sock'), docker: join(dir, 'none-docker.sock'),
    cri: [join(dir, 'none-cri.sock')], containerd: { stateDir: join(dir, 'no-state'), socket: join(dir, 'none-ctr.sock') },
    requestTimeoutMs: 2000, retryAfterMs: 60_000,
  });
  try {
    const pod: Ctx = { cgroups: [`0::/libpod_parent/libpod-${H}`] };
    const dock: Ctx = { cgroups: [`4:memory:/docker/${H.replace('a1', 'b1')}`] };
    const cri: Ctx = { cgroups: [`cpu=/kubepods/besteffort/pod${UID}/${H.replace('a1', 'c1')}`] };
    const rs = await Promise.all([pod, dock, cri].map((c) => m.whenReady(m.refFor(c.cgroups), 60_000)));
    assert.deepEqual(rs, [null, null, null]);
    // Failed at connect: neither the 2 s request deadline nor the waits' own timeout ended them.
    assert.equal(m.stats().timeouts, 0, JSON.stringify(m.stats()));
    assert.equal(m.stats().waitTimeouts, 0, JSON.stringify(m.stats()));
    const f = fieldsFor(m);
    const v = extractAll(f, pod);
    assert.equal(v['container.id'], H.slice(0, 12));
    assert.equal(v['container.full_id'], H);
    assert.equal(v['container.type'], 'podman');
    assert.equal(v['container.name'], null);
    assert.equal(v['container.image'], null);
    const vc = extractAll(f, cri);
    assert.equal(vc['container.type'], 'cri');
    assert.equal(vc['k8s.pod.uid'], UID, 'pod uid comes from the kubepods cgroup');
    assert.equal(vc['k8s.pod.name'], null);
    const s = m.stats();
    assert.equal(s.fetches, 3);
    assert.equal(s.fetchOk, 0);
    assert.ok((s.failuresByRuntime['podman'] ?? 0) >= 1, JSON.stringify(s));
    assert.ok((s.failuresByRuntime['docker'] ?? 0) >= 1, JSON.stringify(s));
    assert.ok((s.failuresByRuntime['cri'] ?? 0) >= 1, JSON.stringify(s));
    assert.ok((s.failuresByReason['connect'] ?? 0) >= 3, JSON.stringify(s));
    assert.match(m.state(m.refFor(pod.cgroups))!.lastError, /none-podman\.sock/);
    // Host threads never touch a runtime.
    const host = extractAll(f, { cgroups: ['0::/'] });
    assert.equal(host['container.id'], 'host');
    assert.equal(host['container.name'], 'host');
    assert.equal(host['container.type'], 'host');
    assert.equal(host['container.image'], null);
    assert.equal(m.stats().fetches, 3);
    // No thread: every field is <NA>.
    assert.equal(extractAll(f, { cgroups: null })['container.id'], null);
  } finally {
    m.close();
  }
});

test('a silent socket: the request deadline ends the lookup; whenReady waits are bounded too', async () => {
  const podman = await silent();
  const cri = await silent();
  const m = new ContainerManager({
    podman, docker: false, cri: [cri], containerd: false, requestTimeoutMs: 300, retryAfterMs: 60_000,
  });
  try {
    const ref = m.refFor([`0::/libpod_parent/libpod-${H}`]);
    const refCri = m.refFor([`0::/kubepods/pod${UID}/${H.replace('a1', 'e1')}`]);
    // A wait shorter than the request deadline ends at the wait's own timeout, while the
    // request is still pending (counters, not wall-clock thresholds: the suite runs under load).
    assert.equal(await m.whenReady(ref, 50), null);
    assert.equal(m.stats().waitTimeouts, 1);
    assert.equal(m.stats().timeouts, 0, 'the request deadline has not fired yet');
    assert.equal(m.state(ref)!.state, 'pending');
    // The event path is not held: lookup answers synchronously while the fetch hangs.
    assert.equal(m.lookup(ref), null);
    const [a, b] = await Promise.all([m.whenReady(ref, 60_000), m.whenReady(refCri, 60_000)]);
    assert.equal(a, null);
    assert.equal(b, null);
    const s = m.stats();
    assert.equal(s.waitTimeouts, 1, 'these waits ended at the request deadline, not their own timeout');
    assert.ok(s.timeouts >= 2, JSON.stringify(s));
    assert.equal(s.failuresByReason['timeout'], s.timeouts);
    assert.ok((s.failuresByRuntime['podman'] ?? 0) >= 1 && (s.failuresByRuntime['cri'] ?? 0) >= 1, JSON.stringify(s));
    assert.equal(m.state(ref)!.state, 'failed');
    // A failed container is not fetched again before retryAfterMs.
    m.lookup(ref);
    assert.equal(m.stats().fetches, s.fetches);
  } finally {
    m.close();
  }
});

test('garbage answers: non-HTTP bytes, non-JSON bodies, oversized bodies, wrong shapes', async () => {
  const rawPodman = await garbage();
  const rawCri = await garbage();
  const notJson = await httpServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"Id": "abc", oops'); });
  const huge = await httpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    // Streams without a content-length until the client gives up.
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const tick = (): void => { if (!res.destroyed && res.write(chunk)) setImmediate(tick); else if (!res.destroyed) res.once('drain', tick); };
    res.write('{"Id":"');
    tick();
  });
  const array = await httpServer((_req, res) => { res.writeHead(200); res.end('[1,2,3]'); });
  const wrongId = await httpServer((_req, res) => { res.writeHead(200); res.end(JSON.stringify({ Id: 'f'.repeat(64), Name: '/impostor' })); });
  const notFound = await httpServer((_req, res) => { res.writeHead(404); res.end('{"message":"no such container"}'); });

  const cases: [string, string, string][] = [
    [rawPodman, 'podman', 'bad-answer|error'],
    [notJson, 'podman', 'bad-answer'],
    [huge, 'podman', 'too-large'],
    [array, 'podman', 'bad-answer'],
    [wrongId, 'podman', 'bad-answer'],
    [notFound, 'podman', 'not-found'],
  ];
  for (const [sock, , reason] of cases) {
    const m = new ContainerManager({ podman: sock, docker: false, cri: false, containerd: false, requestTimeoutMs: 2000, maxResponseBytes: 256 * 1024 });
    try {
      const ref = m.refFor([`0::/libpod_parent/libpod-${H}`]);
      assert.equal(await m.whenReady(ref, 60_000), null, sock);
      const s = m.stats();
      assert.equal(s.waitTimeouts, 0, `${sock}: the wait ended with the failed fetch, not at its timeout`);
      assert.equal(s.failuresByRuntime['podman'], 1, `${sock}: ${JSON.stringify(s)}`);
      const reasons = Object.keys(s.failuresByReason);
      assert.ok(reasons.length === 1 && new RegExp(`^(${reason})$`).test(reasons[0]!), `${sock}: ${JSON.stringify(s.failuresByReason)} (${m.state(ref)!.lastError})`);
      const v = extractAll(fieldsFor(m), { cgroups: [`0::/libpod_parent/libpod-${H}`] });
      assert.equal(v['container.id'], H.slice(0, 12));
      assert.equal(v['container.name'], null);
    } finally {
      m.close();
    }
  }

  // gRPC (CRI) against a socket speaking garbage.
  const m = new ContainerManager({ podman: false, docker: false, cri: [rawCri], containerd: false, requestTimeoutMs: 1000 });
  try {
    const ref = m.refFor([`0::/kubepods/besteffort/pod${UID}/${H}`]);
    assert.equal(await m.whenReady(ref, 60_000), null);
    const s = m.stats();
    assert.equal(s.waitTimeouts, 0, 'the wait ended with the failed fetch, not at its timeout');
    assert.equal(s.failuresByRuntime['cri'], 1, JSON.stringify(s));
  } finally {
    m.close();
  }
});

test('retries: a failed container is fetched again after retryAfterMs, up to maxAttempts', async () => {
  let calls = 0;
  let healthy = false;
  const sock = await httpServer((_req, res) => {
    calls++;
    if (!healthy) { res.writeHead(500); res.end('{}'); return; }
    res.writeHead(200);
    res.end(JSON.stringify({ Id: H, Name: 'late', ImageName: 'localhost/x:2', Config: { Labels: { a: 'b' } }, State: { StartedAt: '2024-01-02T03:04:05.123456789Z' } }));
  });
  const m = new ContainerManager({ podman: sock, docker: false, cri: false, containerd: false, retryAfterMs: 30, maxAttempts: 3 });
  try {
    const ref = m.refFor([`0::/libpod_parent/libpod-${H}`]);
    assert.equal(await m.whenReady(ref, 2000), null);
    assert.equal(m.state(ref)!.state, 'failed');
    healthy = true;
    await new Promise((r) => setTimeout(r, 80));
    const info = await m.whenReady(ref, 2000);
    assert.ok(info !== null);
    assert.equal(info.name, 'late');
    assert.equal(info.imageTag, '2');
    assert.equal(info.startTs, 1704164645123456789n);
    assert.equal(calls, 2);
    assert.equal(m.lookup(ref), info);
    const s = m.stats();
    assert.equal(s.fetchOk, 1);
    assert.ok(s.hits >= 1);
  } finally {
    m.close();
  }
});

test('bounded: entries are evicted oldest-first, the fetch queue has a cap', async () => {
  const sock = await silent();
  const m = new ContainerManager({ podman: sock, docker: false, cri: false, containerd: false, requestTimeoutMs: 200, maxEntries: 8, concurrency: 1, maxQueue: 2 });
  try {
    const ids = Array.from({ length: 6 }, (_, i) => `${i}`.repeat(64).slice(0, 64));
    for (const id of ids) m.lookup(m.refFor([`0::/libpod_parent/libpod-${id}`]));
    let s = m.stats();
    // 1 running + 2 queued; the other 3 were refused.
    assert.equal(s.failuresByReason['queue-full'], 3, JSON.stringify(s));
    await new Promise((r) => setTimeout(r, 900));
    for (let i = 0; i < 20; i++) m.lookup(m.refFor([`0::/libpod_parent/libpod-${String(i).padStart(2, '0').repeat(32)}`]));
    s = m.stats();
    assert.ok(s.entries <= 8 + s.pending, JSON.stringify(s));
    assert.ok(s.evictions > 0, JSON.stringify(s));
  } finally {
    m.close();
  }
});

test('several sockets: the first answer wins; failures before it are not counted, timeouts are', async () => {
  const good = await httpServer((_req, res) => { res.writeHead(200); res.end(JSON.stringify({ Id: H, Name: '/second', Config: { Image: 'x:1' } })); });
  const slow = await silent();
  const m = new ContainerManager({ podman: [join(dir, 'absent.sock'), slow, good], docker: false, cri: false, containerd: false, requestTimeoutMs: 200 });
  try {
    const info = await m.whenReady(m.refFor([`0::/libpod_parent/libpod-${H}`]), 3000);
    assert.equal(info?.name, 'second');
    const s = m.stats();
    assert.deepEqual(s.failuresByRuntime, {});
    assert.equal(s.timeouts, 1, 'the silent socket delayed the lookup');
    assert.equal(s.fetchOk, 1);
  } finally {
    m.close();
  }
});

test('the counters as Prometheus metrics', async () => {
  const { MetricsRegistry } = await import('../../src/metrics/index.js');
  const { registerContainerMetrics } = await import('../../src/containers/metrics.js');
  const m = new ContainerManager({ podman: join(dir, 'gone.sock'), docker: false, cri: false, containerd: false });
  try {
    const reg = new MetricsRegistry();
    registerContainerMetrics(reg, m);
    await m.whenReady(m.refFor([`0::/libpod_parent/libpod-${H}`]), 2000);
    const text = await reg.text();
    assert.match(text, /^kestrel_container_fetches_total 1$/m);
    assert.match(text, /^kestrel_container_fetch_failures_total\{runtime="podman"\} 1$/m);
    assert.match(text, /^kestrel_container_fetch_failure_reasons_total\{reason="connect"\} 1$/m);
    assert.match(text, /^kestrel_container_entries 1$/m);
  } finally {
    m.close();
  }
});

test('Docker: the image digest comes from the image (RepoDigests); a failing image request leaves it empty', async () => {
  const IMG_ID = 'ab'.repeat(32);
  let imageCalls = 0;
  const mk = (imageOk: boolean) => httpServer((req, res) => {
    if (req.url === `/v1.41/containers/${H}/json`) {
      res.writeHead(200);
      res.end(JSON.stringify({ Id: H, Name: '/web', Image: `sha256:${IMG_ID}`, Config: { Image: 'nginx:1.25', Labels: {} }, HostConfig: { Privileged: false } }));
    } else if (req.url === `/v1.41/images/sha256:${IMG_ID}/json`) {
      imageCalls++;
      if (!imageOk) { res.writeHead(500); res.end('{}'); return; }
      res.writeHead(200);
      res.end(JSON.stringify({ Id: `sha256:${IMG_ID}`, RepoDigests: ['mirror.local/nginx@sha256:' + '11'.repeat(32), 'nginx@sha256:' + '22'.repeat(32)] }));
    } else { res.writeHead(404); res.end('{}'); }
  });
  for (const [ok, want] of [[true, 'sha256:' + '22'.repeat(32)], [false, '']] as const) {
    const m = new ContainerManager({ docker: await mk(ok), podman: false, cri: false, containerd: false });
    try {
      const info = await m.whenReady(m.refFor([`0::/docker/${H}`]), 3000);
      assert.equal(info?.name, 'web');
      assert.equal(info?.imageId, IMG_ID);
      assert.equal(info?.imageDigest, want);
    } finally {
      m.close();
    }
  }
  assert.equal(imageCalls, 2);
});
