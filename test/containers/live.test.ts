// The whole pipeline on a real container: the eBPF probe captures a process started inside a
// podman container (its execve carries the cgroups), the state tables take it in, and the
// registry's container.* fields (the same registry rules compile against) give the right
// container.id at once and the runtime's name and image once the manager has fetched them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { LiveSource } from '../../src/capture/live-source.js';
import { Inspector } from '../../src/state/inspector.js';
import { EventView } from '../../src/events/event-view.js';
import { buildRegistry } from '../../src/engine/detection.js';
import { ContainerManager } from '../../src/containers/manager.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const IMG = 'localhost/testimg:1';
let env: Record<string, string> = {};
let skip: string | false = false;

before(() => {
  const r = spawnSync('bash', [`${ROOT}scripts/containers-setup.sh`, 'podman'], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, KESTREL_CTR_USER: String(process.pid) } });
  if (r.status === 3) { skip = `podman could not be installed: ${r.stderr.trim().split('\n').pop()}`; return; }
  if (r.status !== 0) throw new Error(`scripts/containers-setup.sh podman failed: ${r.stderr}`);
  for (const line of r.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
});

after(() => {
  // Stops the daemons the set-up started once no other test file still uses them.
  spawnSync('bash', [`${ROOT}scripts/containers-teardown.sh`, '--release'], { timeout: 120_000, env: { ...process.env, KESTREL_CTR_USER: String(process.pid) } });
});

test('probe → state → fields: a process exec\'d in a container has its container.id, then name and image', async (t) => {
  if (skip) return t.skip(skip);
  const name = `kestrel-live-${randomBytes(3).toString('hex')}`;
  const cid = execFileSync('podman', ['run', '-d', '--name', name, '--label', 'kestrel.test=1', IMG, 'sleep', '60'], { encoding: 'utf8', timeout: 60_000 }).trim();
  const manager = new ContainerManager({ podman: env['podman_sock']!, docker: false, cri: false, containerd: false });
  const src = new LiveSource({ syscalls: ['execve', 'execveat', 'clone', 'clone3', 'fork', 'vfork', 'procexit'], snapshot: true });
  try {
    await src.open();
    const reg = buildRegistry(manager);
    const insp = new Inspector(new EventView());
    insp.seed(src.header);
    const fld = (n: string) => {
      const d = reg.lookup(n);
      assert.ok(d, `field ${n}`);
      return d;
    };
    const evtType = fld('evt.type'), cmdline = fld('proc.cmdline'), cid12 = fld('container.id'), cname = fld('container.name');
    const image = fld('container.image'), ctype = fld('container.type');
    const marker = `0.${Date.now() % 100000}7`;
    // `podman exec` starts the process through runc inside the container's cgroup.
    const exec = spawnSync('podman', ['exec', cid, 'sleep', marker], { timeout: 30_000 });
    assert.equal(exec.status, 0, String(exec.stderr));
    let seen: { id: unknown; type: unknown; nameAtOnce: unknown; cgroups: string[] } | null = null;
    const deadline = Date.now() + 10_000;
    while (seen === null && Date.now() < deadline) {
      await src.nextBatch((ev) => {
        const ctx = insp.process(ev);
        if (seen === null && ctx.thread !== null && evtType.extract(ctx, undefined) === 'execve' && ev.dumpFlags === 0) {
          const cl = cmdline.extract(ctx, undefined);
          if (cl === `sleep ${marker}`) {
            seen = { id: cid12.extract(ctx, undefined), type: ctype.extract(ctx, undefined), nameAtOnce: cname.extract(ctx, undefined), cgroups: [...ctx.thread.cgroups] };
          }
        }
        insp.endEvent(ev);
      });
    }
    assert.ok(seen, 'the execve of the marker process was captured');
    const s = seen as { id: unknown; type: unknown; nameAtOnce: unknown; cgroups: string[] };
    assert.equal(s.id, cid.slice(0, 12), `cgroups: ${s.cgroups.join(' ')}`);
    assert.equal(s.type, 'podman');
    // The name arrives asynchronously: container.id started the fetch on first sight.
    const info = await manager.whenReady(manager.refFor(s.cgroups), 5000);
    assert.ok(info, JSON.stringify(manager.state(manager.refFor(s.cgroups))));
    assert.equal(info.name, name);
    const ctx = { thread: { cgroups: s.cgroups, pid: 0 }, ev: { ts: () => 0n } } as unknown as Parameters<typeof cname.extract>[0];
    assert.equal(cname.extract(ctx, undefined), name);
    assert.equal(image.extract(ctx, undefined), IMG);
    t.diagnostic(`container.name at the execve itself: ${String(s.nameAtOnce)} (then ${name} after the fetch)`);
  } finally {
    await src.close();
    manager.close();
    spawnSync('podman', ['rm', '-f', '-t', '0', cid], { timeout: 30_000 });
  }
});

test('live kestrel inspect -w writes container events: the file alone names the container', async (t) => {
  if (skip) return t.skip(skip);
  if (env['podman_sock'] !== '/run/podman/podman.sock') return t.skip(`podman socket is ${env['podman_sock']}, inspect asks the default one`);
  const name = `kestrel-tap-${randomBytes(3).toString('hex')}`;
  const cid = execFileSync('podman', ['run', '-d', '--name', name, IMG, 'sh', '-c', 'while true; do cat /etc/hostname >/dev/null; sleep 1; done'], { encoding: 'utf8', timeout: 60_000 }).trim();
  const file = `/tmp/kestrel-tap-${process.pid}.scap`;
  const KESTREL = `${ROOT}bin/kestrel.js`;
  try {
    const w = spawnSync(process.execPath, [KESTREL, 'inspect', '-w', file, '-M', '4'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(w.status, 0, w.stderr);
    // Reading a file, kestrel asks no runtime: names and images come from the file's container
    // events only. (sysdig 0.29.3 is no oracle here: reading a file, it still asks the live
    // podman API for libpod cgroups and shows "host" once the container is gone.)
    const k = spawnSync(process.execPath, [KESTREL, 'inspect', '-r', file, '-p', '%container.name %container.image', `container.id=${cid.slice(0, 12)}`], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(k.status, 0, k.stderr);
    assert.deepEqual([...new Set(k.stdout.trim().split('\n'))], [`${name} ${IMG}`], k.stderr);
  } finally {
    if (!process.env['KESTREL_KEEP_TAP']) spawnSync('rm', ['-f', file]);
    spawnSync('podman', ['rm', '-f', '-t', '0', cid], { timeout: 30_000 });
  }
});
