// End-to-end live detection with kestrel's default rules: `kestrel run -o json_output=true`
// with the real probe, then each behaviour (a safe version of it) from a shell session; the
// expected rule must fire exactly once for that session, with real values (no <NA>) for the
// process, parent, command line, user, file or connection and container.
//
// A case is skipped (not passed) when what it needs is missing here: a syscall the probe has
// no program for, a rule the loader skipped for an unknown field, or the test image.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { networkInterfaces } from 'node:os';
import { Kestrel, session, naFields, naFieldsOutsidePods } from './harness.js';

const PY = '/usr/bin/python3';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const R = Math.random().toString(36).slice(2, 8);
// Not below /tmp, /var/tmp or /dev/shm: running anything from there is itself a detection.
const W = mkdtempSync('/var/lib/kestrel-e2e-');

interface Case {
  rule: string;
  /** A known gap elsewhere (probe/state) that keeps this case from passing yet: run as todo. */
  todo?: string;
  /** Syscalls the probe must capture for the case. */
  needs: string[];
  script: string;
  /** Extra check on the alert. */
  check?: (a: import('./harness.js').AlertJson) => void;
  /** Why the case cannot run here (a missing device or tool), or null. */
  unavailable?: () => string | null;
  /** Undoes the behaviour afterwards (run outside the case's session, so it raises nothing for it). */
  cleanup?: string;
}

function localIPv4(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}
const IP = localIPv4();

const CASES: Record<string, Case> = {
  'read /etc/shadow with head': {
    rule: 'Read sensitive file by unexpected program', needs: ['openat'],
    script: 'head -c1 /etc/shadow > /dev/null',
    check: (a) => { assert.equal(a.output_fields['fd.name'], '/etc/shadow'); assert.equal(a.output_fields['proc.name'], 'head'); },
  },
  'write below /usr/local/bin': {
    rule: 'Write below binary or library directory', needs: ['openat'],
    script: `touch /usr/local/bin/kestrel-e2e-${R}; rm -f /usr/local/bin/kestrel-e2e-${R}`,
    check: (a) => assert.equal(a.output_fields['fd.name'], `/usr/local/bin/kestrel-e2e-${R}`),
  },
  'write below /etc': {
    rule: 'Write below etc', needs: ['openat'],
    script: `echo x > /etc/kestrel-e2e-${R}; rm -f /etc/kestrel-e2e-${R}`,
    check: (a) => assert.equal(a.output_fields['fd.name'], `/etc/kestrel-e2e-${R}`),
  },
  'create a file below /dev': {
    rule: 'Create file below /dev', needs: ['openat'],
    script: `touch /dev/kestrel-e2e-${R}; rm -f /dev/kestrel-e2e-${R}`,
    check: (a) => assert.equal(a.output_fields['fd.name'], `/dev/kestrel-e2e-${R}`),
  },
  'shell spawned by a server (nginx-named python)': {
    rule: 'Shell spawned by a server process', needs: ['execve'],
    script: `ln -sf ${PY} ${W}/nginx && ${W}/nginx -c 'import subprocess; subprocess.run(["/bin/sh", "-c", "true"])'`,
    check: (a) => { assert.equal(a.output_fields['proc.pname'], 'nginx'); assert.equal(a.output_fields['proc.name'], 'sh'); },
  },
  'reverse shell: dup2 of a loopback TCP socket onto stdin': {
    rule: 'Reverse shell', needs: ['dup2', 'socket', 'connect'],
    script: `${PY} -c '
import os, socket
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); s, _ = l.accept()
os.dup2(c.fileno(), 0)
'`,
    check: (a) => assert.match(String(a.output_fields['fd.name']), /^127\.0\.0\.1:\d+->127\.0\.0\.1:\d+$/),
  },
  'netcat with -e': {
    rule: 'Netcat or socat remote code execution', needs: ['execve'],
    script: `ln -sf /bin/true ${W}/nc && ${W}/nc -e /bin/sh 127.0.0.1 9`,
    check: (a) => assert.equal(a.output_fields['proc.cmdline'], `nc -e /bin/sh 127.0.0.1 9`),
  },
  'fileless execution from a memfd': {
    rule: 'Fileless execution via memfd', needs: ['execve', 'memfd_create'],
    script: `${PY} -c '
import os
fd = os.memfd_create("kestrel-e2e")
os.write(fd, open("/bin/true", "rb").read())
os.execv("/proc/self/fd/%d" % fd, ["kestrel-memfd"])
'`,
  },
  'execution from /tmp': {
    rule: 'Execution from a temporary directory', needs: ['execve'],
    script: `cp /bin/true /tmp/kestrel-e2e-${R} && /tmp/kestrel-e2e-${R}; rm -f /tmp/kestrel-e2e-${R}`,
  },
  'drift: a binary written then executed': {
    rule: 'Drift - new executable run', needs: ['execve'],
    script: `cp /bin/true ${W}/newbin && ${W}/newbin`,
  },
  'ptrace attach': {
    rule: 'Ptrace attach to process', needs: ['ptrace'],
    script: `${PY} -c '
import ctypes, os, subprocess, time
libc = ctypes.CDLL(None, use_errno=True)
p = subprocess.Popen(["sleep", "5"])
time.sleep(0.1)
libc.ptrace(16, p.pid, 0, 0)
os.waitpid(p.pid, 0)
libc.ptrace(17, p.pid, 0, 0)
p.kill(); p.wait()
'`,
  },
  'ptrace anti-debug (TRACEME)': {
    rule: 'Ptrace anti-debug', needs: ['ptrace'],
    script: `${PY} -c 'import ctypes; ctypes.CDLL(None).ptrace(0, 0, 0, 0)'`,
  },
  'symlink over /etc/shadow': {
    rule: 'Symlink over sensitive file', needs: ['symlinkat'],
    script: `ln -s /etc/shadow ${W}/shadow-link-${R}`,
    check: (a) => { assert.equal(a.output_fields['evt.arg.target'], '/etc/shadow'); },
  },
  'hardlink to /etc/shadow': {
    rule: 'Hardlink over sensitive file', needs: ['linkat'],
    script: `ln /etc/shadow /etc/kestrel-e2e-hl-${R}; rm -f /etc/kestrel-e2e-hl-${R}`,
  },
  'truncate a log file': {
    rule: 'Clear log files', needs: ['openat'],
    script: `: > /var/log/kestrel-e2e-${R}.log; rm -f /var/log/kestrel-e2e-${R}.log`,
  },
  'truncate shell history': {
    rule: 'Clear shell history', needs: ['openat'],
    script: `${PY} -c 'open("${W}/.bash_history", "w").close()'`,
  },
  'packet socket': {
    rule: 'Packet socket created', needs: ['socket'],
    script: `${PY} -c 'import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW).close()'`,
  },
  'BPF program load': {
    rule: 'BPF program loaded', needs: ['bpf'],
    script: `${PY} -c '
import ctypes, struct
libc = ctypes.CDLL(None, use_errno=True)
insns = struct.pack("<BBhi", 0xb7, 0, 0, 0) + struct.pack("<BBhi", 0x95, 0, 0, 0)
ib = ctypes.create_string_buffer(insns); lic = ctypes.create_string_buffer(b"GPL")
attr = ctypes.create_string_buffer(struct.pack("<IIQQIIQ", 1, 2, ctypes.addressof(ib), ctypes.addressof(lic), 0, 0, 0) + bytes(64))
fd = libc.syscall(321, 5, attr, 72 + 64)
assert fd >= 0, ctypes.get_errno()
'`,
  },
  'setns with nsenter': {
    rule: 'Change namespace', needs: ['setns'],
    script: 'nsenter -t $$ -n true',
    check: (a) => assert.equal(a.output_fields['proc.name'], 'nsenter'),
  },
  'setuid bit set with chmod': {
    rule: 'Setuid or setgid bit set', needs: ['fchmodat'],
    script: `cp /bin/true ${W}/suid-${R} && chmod u+s ${W}/suid-${R}`,
  },
  'non-root setuid(0)': {
    rule: 'Non-sudo setuid', needs: ['setuid'],
    script: `setpriv --reuid=65534 --regid=65534 --clear-groups ${PY} -c '
import os
try:
    os.setuid(0)
except OSError:
    pass
'`,
    check: (a) => assert.equal(a.output_fields['user.name'], 'nobody'),
  },
  'cron file written': {
    rule: 'Cron job modified', needs: ['openat'],
    script: `echo '# kestrel e2e' > /etc/cron.d/kestrel-e2e-${R}; rm -f /etc/cron.d/kestrel-e2e-${R}`,
  },
  'authorized_keys written': {
    rule: 'SSH authorized_keys modified', needs: ['openat'],
    script: `mkdir -p ${W}/.ssh && echo 'ssh-ed25519 AAAA kestrel-e2e' >> ${W}/.ssh/authorized_keys`,
  },
  'grep -r for private keys': {
    rule: 'Search for private keys or passwords', needs: ['execve'],
    script: `grep -r "BEGIN RSA PRIVATE" ${W}/nothing-here 2>/dev/null; true`,
  },
  'stratum URL on a command line': {
    rule: 'Crypto miner stratum connection', needs: ['execve'],
    // Split in the shell's own command line so that only true's arguments carry the URL.
    script: '/bin/true -o "stratum+""tcp://pool.invalid:3333"',
  },
  'bash /dev/tcp to a non-loopback address': {
    rule: 'Outbound connection from a system binary', needs: ['connect', 'socket'],
    script: `${PY} -c '
import socket, subprocess
l = socket.socket(); l.bind(("${IP}", 0)); l.listen(1)
subprocess.run(["bash", "-c", "exec 3<>/dev/tcp/${IP}/%d" % l.getsockname()[1]])
'`,
    check: (a) => assert.match(String(a.output_fields['fd.name']), new RegExp(`->${(IP ?? '').replace(/\./g, '\\.')}:\\d+$`)),
  },
  'read another process environment from /proc': {
    rule: 'Read environment of another process', needs: ['openat'],
    script: 'sleep 30 & P=$!; head -c1 /proc/$P/environ > /dev/null; kill $P',
    check: (a) => { assert.match(String(a.output_fields['fd.name']), /^\/proc\/\d+\/environ$/); assert.equal(a.output_fields['proc.name'], 'head'); },
  },
  'database server (mysqld-named python) runs a program': {
    rule: 'Database server spawned a program', needs: ['execve'],
    script: `ln -sf ${PY} ${W}/mysqld && ${W}/mysqld -c 'import subprocess; subprocess.run(["/bin/true", "kestrel-e2e"])'`,
    check: (a) => { assert.equal(a.output_fields['proc.pname'], 'mysqld'); assert.equal(a.output_fields['proc.cmdline'], 'true kestrel-e2e'); },
  },
  'shred a file': {
    rule: 'Data destruction', needs: ['execve'],
    script: `echo secret > ${W}/wipe-${R} && shred -u ${W}/wipe-${R}`,
    check: (a) => assert.equal(a.output_fields['proc.cmdline'], `shred -u ${W}/wipe-${R}`),
  },
  'dd onto a (loop) block device': {
    rule: 'Data destruction', needs: ['execve'],
    // A loop device over a scratch file: a real block device, nothing of value on it.
    script: `truncate -s 1M ${W}/disk-${R}.img && L=$(losetup -f --show ${W}/disk-${R}.img) && dd if=/dev/zero of=$L bs=4k count=1 2>/dev/null; losetup -d $L`,
    unavailable: () => (spawnSync('losetup', ['-f'], { timeout: 10_000 }).status === 0 ? null : 'no free loop device'),
    check: (a) => { assert.equal(a.output_fields['proc.name'], 'dd'); assert.match(String(a.output_fields['proc.cmdline']), /^dd if=\/dev\/zero of=\/dev\/loop\d+ /); },
  },
  'GLIBC_TUNABLES passed to su': {
    rule: 'Loader variables passed to a setuid program', needs: ['execve'],
    // A program that is not setuid with LD_PRELOAD must not fire (only su's start does, once).
    script: `GLIBC_TUNABLES=glibc.malloc.check=0 su --version > /dev/null; LD_PRELOAD=/nonexistent-${R}.so /bin/true 2> /dev/null`,
    check: (a) => { assert.equal(a.output_fields['proc.name'], 'su'); assert.equal(a.output_fields['proc.env[GLIBC_TUNABLES]'], 'glibc.malloc.check=0'); assert.equal(a.output_fields['proc.env'], undefined, 'never the whole environment'); },
  },
  'useradd on the host': {
    rule: 'User or group management on host', needs: ['execve'],
    script: `useradd -M -N -s /usr/sbin/nologin kestrel-e2e-${R}`,
    cleanup: `userdel kestrel-e2e-${R}`,
    check: (a) => assert.equal(a.output_fields['proc.cmdline'], `useradd -M -N -s /usr/sbin/nologin kestrel-e2e-${R}`),
  },
  'terminal shell as nobody (a nologin account)': {
    rule: 'Interactive shell by a system account', needs: ['execve'],
    // The session leader takes a pty as its controlling terminal, so the shell it starts as
    // nobody has a terminal, as after a pty upgrade of a reverse shell.
    script: `exec ${PY} -c '
import os, fcntl, subprocess, termios
m, s = os.openpty()
fcntl.ioctl(s, termios.TIOCSCTTY, 0)
subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c", "true"], stdin=s, stdout=s, stderr=s, timeout=30)
'`,
    check: (a) => { assert.equal(a.output_fields['user.name'], 'nobody'); assert.equal(a.output_fields['proc.name'], 'sh'); assert.notEqual(a.output_fields['proc.tty'], 0); },
  },
  'release_agent written': {
    rule: 'Cgroup release_agent written', needs: ['openat'],
    script: `echo > ${W}/release_agent`,
  },
};

// The API server address for the Kubernetes case, appended to the default rules' list the way
// an operator configures theirs (a loopback address: the test's connection stays in the container).
const K8S_API = '127.0.0.1';
const OVERRIDE = `${W}/k8s-api-override.yaml`;
writeFileSync(OVERRIDE, `- list: k8s_api_server_addresses\n  items: ["${K8S_API}"]\n  override:\n    items: append\n`);

let k: Kestrel;
before(async () => { k = await Kestrel.start(['-r', `${ROOT}rules/kestrel_rules.yaml`, '-r', OVERRIDE]); });
after(async () => {
  await k?.stop();
  rmSync(W, { recursive: true, force: true });
});

for (const [name, c] of Object.entries(CASES)) {
  test(name, c.todo ? { todo: c.todo } : {}, async (t) => {
    const missing = c.needs.filter((n) => k.missing.has(n));
    if (missing.length) { t.skip(`the probe cannot capture ${missing.join(', ')}`); return; }
    if (k.skippedRules.has(c.rule)) { t.skip(`rule '${c.rule}' skipped by the loader (unknown field)`); return; }
    if (name.includes('non-loopback') && IP === null) { t.skip('no non-loopback IPv4 address'); return; }
    const why = c.unavailable?.() ?? null;
    if (why !== null) { t.skip(why); return; }
    if (c.cleanup !== undefined) t.after(() => { spawnSync('sh', ['-c', c.cleanup!], { timeout: 60_000, stdio: 'ignore' }); });
    const r = await session(c.script);
    const ok = await k.waitFor(() => k.bySession(r.sid).some((a) => a.rule === c.rule), c.todo ? 2500 : 30_000); // returns as soon as it holds
    // Late duplicates would arrive within the probe's batching delay.
    await new Promise((res) => setTimeout(res, 700));
    const mine = k.bySession(r.sid);
    assert.ok(ok, `no '${c.rule}' alert for session ${r.sid} (exit ${r.code}, stderr ${r.stderr.trim()}); got: ${mine.map((a) => a.rule).join(', ') || 'nothing'}`);
    assert.deepEqual(mine.map((a) => a.rule), [c.rule], `only '${c.rule}' should fire, once`);
    const a = mine[0];
    assert.deepEqual(naFields(a), [], `no <NA> in ${a.output}`);
    assert.equal(a.output_fields['container.id'], 'host');
    c.check?.(a);
  });
}

test('container: terminal shell, mount in a privileged container, powerful capabilities, download, Kubernetes API and client', async (t) => {
  // The podman API socket (metadata: names, images, privileged) and the test image, set up
  // the way test/containers does it, released when this file is done.
  const ctrEnv = { ...process.env, KESTREL_CTR_USER: String(process.pid) };
  const setup = spawnSync('bash', [ROOT + 'scripts/containers-setup.sh', 'podman'], { encoding: 'utf8', timeout: 600_000, env: ctrEnv });
  t.after(() => { spawnSync('bash', [ROOT + 'scripts/containers-teardown.sh', '--release'], { timeout: 120_000, env: ctrEnv }); });
  if (setup.status === 3) { t.skip('container runtime packages could not be installed'); return; }
  assert.equal(setup.status, 0, `containers-setup.sh podman: ${setup.stderr}`);
  // Terminal shell: `podman exec -t` into a running container (as an operator would).
  {
    const rule = 'Terminal shell in container';
    const name = `kestrel-e2e-tty-${R}`;
    const id = execFileSync('podman', ['run', '-d', '--name', name, 'localhost/testimg:1', 'sleep', '60'], { encoding: 'utf8', timeout: 60_000 }).trim().slice(0, 12);
    try {
      await new Promise((res) => setTimeout(res, 2000));
      execFileSync('podman', ['exec', '-t', name, 'sh', '-c', 'true'], { stdio: 'ignore', timeout: 60_000 });
      await expectContainerAlert(rule, id);
    } finally {
      execFileSync('podman', ['rm', '-f', '-t', '0', name], { stdio: 'ignore', timeout: 60_000 });
    }
  }
  // mount in a privileged container: exec'd into a running one (its metadata, including
  // `privileged`, is fetched when its first process is seen, as for any long-running container).
  {
    const rule = 'Mount or debugfs in privileged container';
    const name = `kestrel-e2e-priv-${R}`;
    const id = execFileSync('podman', ['run', '-d', '--privileged', '--name', name, 'localhost/testimg:1', 'sleep', '60'], { encoding: 'utf8', timeout: 60_000 }).trim().slice(0, 12);
    try {
      await new Promise((res) => setTimeout(res, 2000));
      execFileSync('podman', ['exec', name, 'sh', '-c', 'mkdir -p /m && mount -t tmpfs none /m'], { stdio: 'ignore', timeout: 60_000 });
      await expectContainerAlert(rule, id);
    } finally {
      execFileSync('podman', ['rm', '-f', '-t', '0', name], { stdio: 'ignore', timeout: 60_000 });
    }
  }
  // A container started with CAP_SYS_PTRACE added (not privileged): its container event.
  {
    const rule = 'Container started with powerful capabilities';
    const name = `kestrel-e2e-caps-${R}`;
    const id = execFileSync('podman', ['run', '-d', '--cap-add', 'SYS_PTRACE', '--name', name, 'localhost/testimg:1', 'sleep', '60'], { encoding: 'utf8', timeout: 60_000 }).trim().slice(0, 12);
    try {
      const a = await expectContainerAlert(rule, id);
      assert.match(String(a.output_fields['thread.cap_permitted']), /(^| )CAP_SYS_PTRACE( |$)/);
      assert.doesNotMatch(String(a.output_fields['thread.cap_permitted']), /CAP_SYS_ADMIN/);
    } finally {
      execFileSync('podman', ['rm', '-f', '-t', '0', name], { stdio: 'ignore', timeout: 60_000 });
    }
  }
  // In one plain container: a download into a file with (busybox) wget, then an attempt to
  // reach the Kubernetes API server, whose address this kestrel was given through the rules'
  // list (the container's own loopback: the attempt never leaves it and is refused at once;
  // the attempt is what counts). wget --spider is not a download.
  {
    const name = `kestrel-e2e-plain-${R}`;
    const id = execFileSync('podman', ['run', '-d', '--name', name, 'localhost/testimg:1', 'sleep', '60'], { encoding: 'utf8', timeout: 60_000 }).trim().slice(0, 12);
    try {
      await new Promise((res) => setTimeout(res, 2000));
      // (busybox wget's -T crashes this busybox build: not used.)
      spawnSync('podman', ['exec', name, 'wget', '-q', '-O', '/root/payload', 'http://127.0.0.1:9/x'], { stdio: 'ignore', timeout: 60_000 });
      const dl = await expectContainerAlert('Remote file copy tool in container', id);
      assert.equal(dl.output_fields['proc.cmdline'], 'wget -q -O /root/payload http://127.0.0.1:9/x');
      spawnSync('podman', ['exec', name, 'wget', '--spider', '-q', `http://${K8S_API}:6443/version`], { stdio: 'ignore', timeout: 60_000 });
      const api = await expectContainerAlert('Contact Kubernetes API server from container', id, ['Remote file copy tool in container']);
      assert.match(String(api.output_fields['fd.name']), /(^|->)127\.0\.0\.1:6443$/);
      // A program started as kubectl (argv[0]: busybox refuses the unknown applet, the start is what counts).
      spawnSync('podman', ['exec', name, 'sh', '-c', 'exec -a kubectl /bin/sleep 0'], { stdio: 'ignore', timeout: 60_000 });
      const kc = await expectContainerAlert('Kubernetes client tool run in container', id, ['Remote file copy tool in container', 'Contact Kubernetes API server from container']);
      assert.equal(kc.output_fields['proc.exe'], 'kubectl');
    } finally {
      execFileSync('podman', ['rm', '-f', '-t', '0', name], { stdio: 'ignore', timeout: 60_000 });
    }
  }
});

/** Waits for `rule` about container `id`; its alerts must then be `before` (earlier steps) and `rule`, each once. */
async function expectContainerAlert(rule: string, id: string, before: string[] = []): Promise<import('./harness.js').AlertJson> {
  const ok = await k.waitFor(() => k.alerts.some((a) => a.rule === rule && a.output_fields['container.id'] === id), 30_000);
  await new Promise((res) => setTimeout(res, 500));
  // (A privileged container also raises 'Privileged container started' when it starts:
  // test/detection/container-*.test.ts check that one.)
  const mine = k.alerts.filter((a) => a.output_fields['container.id'] === id && a.rule !== 'Privileged container started');
  assert.ok(ok, `no '${rule}' alert for container ${id}; got ${mine.map((a) => a.rule).join(', ') || 'nothing'}`);
  assert.deepEqual(mine.map((a) => a.rule), [...before, rule]);
  const a = mine[mine.length - 1];
  assert.deepEqual(naFieldsOutsidePods(a), [], a.output);
  return a;
}
