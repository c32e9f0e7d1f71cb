// Shared pieces of the container detection tests (container-*.test.ts): runtime set-up through
// scripts/containers-setup.sh, the `kestrel run` container configuration for the suite's private
// containerd, and the checks every container alert must pass (fires once, complete fields).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kestrel, type AlertJson } from './harness.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const IMG = 'localhost/testimg:1';
export const IMG_REPO = 'localhost/testimg';
export const IMG_TAG = '1';

/** kestrel's default rules that only ever fire for processes or events of a container. */
export const CONTAINER_ONLY_RULES = [
  'Terminal shell in container',
  'Mount or debugfs in privileged container',
  'Package management process launched in container',
  'Network tool launched in container',
  'Privileged container started',
  'Container started with a sensitive host mount',
  'Contact cloud metadata service from container',
  'Drift in container - executable not from the image',
  'Container started with powerful capabilities',
  'Contact Kubernetes API server from container',
  'Remote file copy tool in container',
  'Kubernetes client tool run in container',
];

export interface Runtimes {
  env: Record<string, string>;
  /** Why the file's tests are skipped (runtime packages cannot be installed here), or false. */
  skip: string | false;
}

const userEnv = (): NodeJS.ProcessEnv => ({ ...process.env, KESTREL_CTR_USER: String(process.pid) });

/** Sets up (idempotent) the runtimes this file needs; never skips silently. */
export function setupRuntimes(which: string[]): Runtimes {
  const r = spawnSync('bash', [`${ROOT}scripts/containers-setup.sh`, ...which], { encoding: 'utf8', timeout: 600_000, env: userEnv() });
  if (r.status === 3) return { env: {}, skip: `container runtime packages (${which.join(', ')}) could not be installed: ${r.stderr.trim().split('\n').pop()}` };
  if (r.status !== 0) throw new Error(`scripts/containers-setup.sh ${which.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  const env: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return { env, skip: false };
}

/** The daemons the set-up started stop once no other test file still uses them. */
export function releaseRuntimes(): void {
  spawnSync('bash', [`${ROOT}scripts/containers-teardown.sh`, '--release'], { timeout: 120_000, env: userEnv() });
}

/**
 * `kestrel run` arguments for the suite's runtimes: podman's default socket, the private
 * containerd (its API, its CRI service and its bundles on disk). alert_wait_ms is raised from
 * the default 500 ms: five helpers share two cores here, and an answer from the podman API can
 * take longer than that under their load (the alert would then say <NA> for the name).
 */
export function kestrelArgs(env: Record<string, string>): string[] {
  const S = env['containerd_sock'];
  const ic: Record<string, unknown> = {
    alert_wait_ms: 10_000,
    engines: {
      docker: { enabled: false },
      podman: { enabled: true, sockets: [env['podman_sock'] ?? '/run/podman/podman.sock'] },
      containerd: S ? { enabled: true, sockets: [S] } : { enabled: false },
      cri: S ? { enabled: true, sockets: [S] } : { enabled: false },
    },
  };
  if (env['containerd_state']) ic['containerd_state_dir'] = env['containerd_state'];
  return ['-o', `plugins=${JSON.stringify([{ name: 'container', init_config: ic }])}`];
}

export interface Expect {
  /** container.id (12 characters). */
  id: string;
  name: string;
  /** Kubernetes namespace and pod (CRI only). */
  ns?: string;
  pod?: string;
  /** Expected proc.cmdline (exact string or pattern). */
  cmdline?: string | RegExp;
}

/** Alerts about container `id` (by the container.id output field). */
export function alertsOf(k: Kestrel, id: string): AlertJson[] {
  return k.alerts.filter((a) => a.output_fields['container.id'] === id);
}

/** When the last expectOnce() saw its alert arrive (Date.now()), for latency diagnostics. */
export let seenAt = 0;

const isNA = (v: unknown): boolean => v === null || v === undefined || v === '' || v === '<NA>';

/**
 * Waits for `rule` to fire for container `want.id`, then checks that it fired exactly once
 * and that its output names the container, image, process, parent and user.
 */
export async function expectOnce(k: Kestrel, rule: string, want: Expect, extra?: (a: AlertJson) => void): Promise<AlertJson> {
  const pred = (): boolean => alertsOf(k, want.id).some((a) => a.rule === rule);
  const ok = await k.waitFor(pred, 60_000);
  seenAt = Date.now();
  // A duplicate would come within the probe's batching delay (and a container event's wait).
  await new Promise((r) => setTimeout(r, 1500));
  const mine = alertsOf(k, want.id).filter((a) => a.rule === rule);
  assert.ok(ok, `no '${rule}' alert for container ${want.id} (${want.name}); its alerts: ${alertsOf(k, want.id).map((a) => a.rule).join(', ') || 'none'}`);
  assert.equal(mine.length, 1, `'${rule}' fired ${mine.length} times for ${want.id}:\n${mine.map((a) => a.output).join('\n')}`);
  const a = mine[0]!;
  const f = a.output_fields;
  assert.equal(f['container.name'], want.name, a.output);
  assert.equal(f['container.image.repository'], IMG_REPO, a.output);
  // (Rules for host and container alike name the image repository only: a host has no tag.)
  if ('container.image.tag' in f) assert.equal(f['container.image.tag'], IMG_TAG, a.output);
  for (const key of ['proc.name', 'proc.cmdline', 'proc.pname', 'proc.pcmdline', 'user.name', 'user.uid']) {
    assert.ok(!isNA(f[key]), `${key} is <NA> in: ${a.output}`);
  }
  assert.equal(f['user.name'], 'root', a.output);
  if (want.ns !== undefined && 'k8s.ns.name' in f) {
    assert.equal(f['k8s.ns.name'], want.ns, a.output);
    assert.equal(f['k8s.pod.name'], want.pod, a.output);
    assert.ok(!a.output.includes('<NA>'), `<NA> in a pod's alert: ${a.output}`);
  } else {
    // Outside Kubernetes only the pod fields (and a short parent chain) may be <NA>.
    const rest = a.output.replace(/ (ns|pod|gparent)=<NA>/g, '');
    assert.ok(!rest.includes('<NA>'), `<NA> in: ${a.output}`);
  }
  if (want.cmdline !== undefined) {
    if (typeof want.cmdline === 'string') assert.equal(f['proc.cmdline'], want.cmdline, a.output);
    else assert.match(String(f['proc.cmdline']), want.cmdline, a.output);
  }
  extra?.(a);
  return a;
}

/** The rules fired for container `id`, sorted (to compare with what the test caused). */
export function rulesOf(k: Kestrel, id: string): string[] {
  return alertsOf(k, id).map((a) => a.rule).sort();
}

/** Host-side versions of the container actions: none of the container-only rules may fire. */
export function hostActions(dir: string): string {
  return `set -u
D=${dir}
mkdir -p $D/m
ln -sf /bin/busybox $D/nc
ln -sf /bin/busybox $D/apk
$D/apk --version > /dev/null 2>&1 || true
dpkg -l > /dev/null 2>&1 || true
$D/nc -w 1 127.0.0.1 9 < /dev/null > /dev/null 2>&1 || true
python3 -c '
import socket
s = socket.socket(); s.settimeout(1)
try: s.connect(("169.254.169.254", 80))
except OSError: pass
' || true
script -qec 'sh -c true' /dev/null > /dev/null 2>&1 || true
mount -t tmpfs none $D/m && umount $D/m
cp /bin/true $D/dropped && $D/dropped
echo host-done
`;
}

export function assertNoContainerRule(alerts: AlertJson[], what: string): void {
  const bad = alerts.filter((a) => CONTAINER_ONLY_RULES.includes(a.rule));
  assert.deepEqual(bad.map((a) => `${a.rule}: ${a.output}`), [], `container rules fired for ${what}`);
}

/**
 * The actions every runtime's test file does by exec'ing into one long-running container, with
 * the rule each must fire exactly once and the alert's expected command line.
 */
export const EXEC_ACTIONS: { what: string; cmd: string[]; rule: string; cmdline?: string | RegExp; check?: (a: AlertJson) => void }[] = [
  { what: 'package manager in a container', cmd: ['dpkg', '-l'], rule: 'Package management process launched in container', cmdline: 'dpkg -l' },
  { what: 'network tool in a container', cmd: ['nc', '-w', '1', '127.0.0.1', '9'], rule: 'Network tool launched in container', cmdline: 'nc -w 1 127.0.0.1 9' },
  {
    what: 'cloud metadata service contacted from a container', cmd: ['wget', '-q', '-O', '/dev/null', 'http://169.254.169.254/latest/meta-data/'],
    rule: 'Contact cloud metadata service from container', cmdline: /^wget /,
    check: (a) => assert.match(String(a.output_fields['fd.name']), /->169\.254\.169\.254:80$/),
  },
  {
    what: 'drift, a binary dropped into the container and run', cmd: ['sh', '-c', 'cp /bin/busybox /root/dropped && /root/dropped true || true'],
    rule: 'Drift in container - executable not from the image', cmdline: 'dropped true',
    check: (a) => assert.equal(a.output_fields['proc.exepath'], '/root/dropped'),
  },
  // (A rule for hosts and containers alike: it names the container, not the pod.)
  { what: 'cgroup release_agent written in a container', cmd: ['sh', '-c', 'echo x > /root/release_agent'], rule: 'Cgroup release_agent written' },
];

/**
 * Registers one test per EXEC_ACTIONS entry, named `RUNTIME: WHAT`. `target`
 * returns the long-running container (creating it on first use), or null when the test was
 * skipped; `exec` runs a command in it.
 */
export function execActionTests<C extends Expect>(runtime: string, kestrel: () => Kestrel | null,
  target: (t: { skip(m: string): void }) => Promise<C | null>, exec: (c: C, cmd: string[]) => Promise<void> | void): void {
  for (const act of EXEC_ACTIONS) {
    test(`${runtime}: ${act.what}`, async (t) => {
      const c = await target(t);
      if (c === null) return;
      await exec(c, act.cmd);
      await expectOnce(kestrel()!, act.rule, { ...c, cmdline: act.cmdline }, act.check);
    });
  }
}
