// `kestrel inspect` ends with process.exit as soon as its output is out (no environment
// teardown). Writes to a pipe are asynchronous in Node, so exiting early would drop whatever is
// still queued: these runs pipe a large output through a reader that stalls and then reads
// slowly, and compare it byte for byte with the same output written to a file (file writes are
// synchronous, nothing can be left behind there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED_DIR } from '../support/shared-dir.js';
import { CLI, LAUNCHER } from './bundle-util.js';

/**
 * Runs a command with its stdout on a 4 KiB pipe that nobody reads for 0.5 s, then read 4 KiB
 * at a time with pauses (python3: node cannot size a pipe). An output of 4-16 KiB is one write
 * that the kernel takes only 4 KiB of, and that Node reports as written (it is under the
 * stream's high-water mark): the rest is still queued in the process when inspect is done.
 */
const SLOW_READER = `
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ
p = subprocess.Popen(sys.argv[1:], stdout=w)
os.close(w)
time.sleep(0.5)
while True:
    b = os.read(r, 4096)
    if not b:
        break
    sys.stdout.buffer.write(b)
    time.sleep(0.001)
sys.stdout.flush()
sys.exit(p.wait())
`;

function slowPipe(argv: string[], env: Record<string, string>): { out: Buffer; err: string; status: number | null } {
  const r = spawnSync('python3', ['-c', SLOW_READER, ...argv], { env: { ...process.env, ...env }, maxBuffer: 256 << 20 });
  return { out: r.stdout, err: r.stderr.toString(), status: r.status };
}

test('inspect output through a slow pipe is complete and equals the output written to a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kes-exit-'));
  try {
    const cap = join(dir, 'medium.scap');
    execFileSync('python3', [join(SHARED_DIR, 'bench/make_big.py'), '--base', join(SHARED_DIR, 'data/scap/libs_sample.scap'),
      '--out', cap, '--copies', '30'], { stdio: 'ignore' });
    // Outputs of one write larger than the pipe, and whole outputs (many blocking writes).
    for (const fmt of [['-n', '100'], ['-j', '-n', '60'], [], ['-j', '-X']]) {
      const args = ['inspect', '-r', cap, ...fmt];
      const outFile = join(dir, 'out.txt');
      const fd = openSync(outFile, 'w');
      const ref = spawnSync(LAUNCHER, args, { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      closeSync(fd);
      assert.equal(ref.status, 0, ref.stderr);
      const expected = readFileSync(outFile);
      assert.ok(expected.length > 5000, `more than the pipe holds (${expected.length} bytes)`);
      // The bundle (CommonJS entry) and the ES modules: both end through the same exit.
      for (const [file, argv, env] of [[LAUNCHER, args, {}], [process.execPath, [CLI, ...args], { KESTREL_NO_BUNDLE: '1' }]] as const) {
        const r = slowPipe([file, ...argv], env);
        assert.equal(r.status, 0, r.err);
        assert.equal(r.out.length, expected.length, `${fmt.join(' ')}: bytes through the pipe`);
        assert.ok(r.out.equals(expected), `${fmt.join(' ')}: same content`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
