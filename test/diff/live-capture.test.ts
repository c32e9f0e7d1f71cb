// Differential test on a capture kestrel takes live: the real probe records a varied workload
// (live-workload.c: files, dup family, pipes, TCP over IPv4 and IPv6, UDP, unix sockets, exec
// with args and env, vfork, execveat, a memfd program, threads, a fork tree, setuid/setsid) from a process tree the test controls; the
// capture is written as `kestrel inspect -w` writes it (the /proc snapshot header, then each
// event with its synthesized enter, restricted by the same filter the CLI would evaluate to the
// workload's tree); then kestrel and sysdig 0.29.3 read that file with the shared field table,
// the shared filter set and the default output, and must print the same.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { liveSource, PairWriter } from '../../src/capture/live-cli.js';
import { buildC } from '../support/build-c.js';
import { ScapWriter } from '../../src/capture/scap-writer.js';
import { Inspector, type EvalContext } from '../../src/state/inspector.js';
import { StateFieldRegistry } from '../../src/state/fields.js';
import { compileFilter } from '../../src/filter/compile.js';
import { kestrel, sysdig, sysdigAvailable } from './sysdig-oracle.js';
import { FIELDS } from './field-table.js';
import { FILTERS, kestrelNumsAt, pool, sysdigNumsAt } from './filter-oracle.js';

const here = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(here, '../../../test/diff/live-workload.c');

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const skip = !isRoot ? 'live capture needs root' : !sysdigAvailable() ? 'sysdig 0.29.3 not installed' : false;

interface Captured { file: string; root: number; tree: string; dir: string }

/**
 * Starts the workload (it waits on stdin), opens the probe, writes the capture of the
 * workload's tree until the root's procexit has been written, and returns the file.
 */
async function capture(): Promise<Captured> {
  const bin = buildC(SRC, 'live-workload', ['-O1', '-pthread']);
  const dir = mkdtempSync(join(tmpdir(), 'kes-live-diff-'));
  // 0700 and root-owned: the workload's setuid child must fail to create a file here
  chmodSync(dir, 0o700);
  const work = join(dir, 'w');
  mkdirSync(work, { mode: 0o700 });
  const file = join(dir, 'live.scap');
  const child = spawn(bin, [work], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 300_000, killSignal: 'SIGKILL' });
  let out = '', err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  const root = child.pid!;
  const tree = `proc.pid = ${root} or proc.apid = ${root}`;
  // environments too (inspect -w leaves them off by default): the execs pass their own
  const src = liveSource({ captureEnv: true });
  await src.open();
  const w = await ScapWriter.create(file);
  let sawRootExit = false;
  try {
    w.writeHeader(src.header);
    assert.ok(src.header.procs.some((p) => p.tid === root), 'the waiting workload is in the /proc snapshot');
    const reg = new StateFieldRegistry();
    const filter = compileFilter<EvalContext>(tree, reg);
    const pairs = new PairWriter((e) => w.writeEvent(e));
    let insp: Inspector | null = null;
    child.stdin!.end('go\n');
    // a bound, not a timing claim: the loop ends as soon as the root's procexit is written
    // (seconds when the machine is idle; a loaded CI box with two test files at once is slower)
    const deadline = Date.now() + 240_000;
    // once the workload has exited its events are all in the rings: 30 s more to drain them
    let exitedAt = 0;
    void exited.then(() => { exitedAt = Date.now(); });
    while (!sawRootExit && Date.now() < deadline && (exitedAt === 0 || Date.now() - exitedAt < 30_000)) {
      await src.nextBatch((ev) => {
        // what `kestrel inspect -w FILE FILTER` does: state on every event, write the matches
        if (insp === null) { insp = new Inspector(ev); insp.seed(src.header); }
        const ctx = insp.process(ev);
        const ok = filter.match(ctx);
        insp.endEvent(ev);
        if (!ok) return;
        pairs.event(ev);
        if (ev.type === 186 && ev.tid === root) sawRootExit = true;
      });
      await w.drain();
    }
  } finally {
    await w.close();
    await src.close();
  }
  const code = await exited;
  assert.equal(code, 0, `workload exit code (stdout ${out.trim()}, stderr ${err.trim()})`);
  assert.ok(sawRootExit, 'captured the workload until its procexit (within 240 s, and 30 s after it exited)');
  return { file, root, tree, dir };
}

const SEP = ' ~@~ ';
const EOR = ' ~#~\n';

/**
 * The one sysdig 0.29.3 quirk live captures meet: accept4's enter has a `flags` parameter the
 * probe cannot know (the exit does not carry it), so the file has it empty; kestrel prints
 * NULL (as sysdig does for other empty parameters) while sysdig reads that empty INT32 as
 * whatever memory follows ("flags=2C0000"), like its fd.dev garbage (sysdig-oracle-notes.md).
 * Only accept enter events with that empty parameter are exempt, and only for the fields
 * that render it.
 */
const EMPTY_ACCEPT_FLAGS = new Set(['evt.arg.flags', 'evt.arg[0]', 'evt.args', 'evt.info']);
function knownQuirk(field: string, kestrelRow: string[], sysdigRow: string[]): boolean {
  const at = (f: string) => FIELDS.indexOf(f);
  // sysdig 0.29.3 prints group.gid with garbage above bit 31 after some clone exits (as on
  // libs_sample.scap's PL entries, see fields.test.ts): the low 32 bits must still agree
  if (field === 'group.gid' && /^\d+$/.test(sysdigRow[at(field)] ?? '') && /^\d+$/.test(kestrelRow[at(field)] ?? '')) {
    const s = BigInt(sysdigRow[at(field)]!), k = BigInt(kestrelRow[at(field)]!);
    return s !== k && s > 0xffffffffn && (s & 0xffffffffn) === k;
  }
  return EMPTY_ACCEPT_FLAGS.has(field) && sysdigRow[at('evt.type')] === 'accept' && sysdigRow[at('evt.dir')] === '>'
    && kestrelRow[at('evt.args')] === 'flags=NULL ';
}
/** The same for default-output lines: "> accept flags=NULL" against sysdig's garbage value. */
function sameDefaultLine(k: string, s: string): boolean {
  if (k === s) return true;
  const m = / > accept flags=NULL $/.exec(k);
  return m !== null && k.slice(0, m.index) === s.slice(0, m.index) && / > accept flags=[0-9A-F]+ $/.test(s.slice(m.index));
}

test('a live capture reads back the same in kestrel and sysdig 0.29.3', { skip, timeout: 110_000 }, async (t) => {
  const cap = await capture();
  try {
    await t.test('the capture holds the whole workload', () => {
      const lines = sysdig(['-r', cap.file, '-p', '%proc.name %evt.type', 'evt.dir = <']).split('\n');
      const has = (s: string) => lines.includes(s);
      for (const want of ['live-workload openat', 'live-workload connect', 'live-workload accept', 'live-workload sendto',
        'live-workload recvfrom', 'live-workload socketpair', 'live-workload dup', 'live-workload rename', 'live-workload setuid',
        'ls execve', 'cat execve', 'sh execve', 'wc execve', 'live-workload procexit']) {
        assert.ok(has(want) || (want.endsWith('procexit') && sysdig(['-r', cap.file, '-p', '%evt.num', `evt.type = procexit and proc.pid = ${cap.root}`]).trim() !== ''), `missing "${want}"`);
      }
    });

    await t.test('fields match sysdig', () => {
      const fmt = '*' + FIELDS.map((f) => '%' + f).join(SEP) + EOR.trimEnd();
      const want = sysdig(['-r', cap.file, '-p', fmt]).split(EOR);
      const got = kestrel(['inspect', '-r', cap.file, '-p', fmt]).split(EOR);
      assert.ok(want.length > 500, `a few hundred events at least (${want.length})`);
      assert.equal(got.length, want.length, 'line count');
      const problems: string[] = [];
      for (let i = 0; i < want.length; i++) {
        if (got[i] === want[i]) continue;
        const a = got[i]!.split(SEP), b = want[i]!.split(SEP);
        if (a.length !== b.length) { problems.push(`line ${i + 1}: field split differs`); continue; }
        for (let k = 0; k < FIELDS.length; k++) {
          if (a[k] !== b[k] && !knownQuirk(FIELDS[k]!, a, b)) {
            problems.push(`evt ${b[0]} ${FIELDS[k]}: kestrel ${JSON.stringify(a[k]!.slice(0, 120))} sysdig ${JSON.stringify(b[k]!.slice(0, 120))}`);
          }
        }
      }
      assert.deepEqual(problems.slice(0, 30), [], `${problems.length} differences`);
    });

    await t.test('filters select the same events as sysdig', async () => {
      // the shared filter set, plus the tree filter and a few aimed at this workload; sysdig
      // filters after its state saw every event (-d), as kestrel does: without -d it skips
      // parsing rejected events, and e.g. fcntl(F_SETFD)'s exit then reports fd 0 (its res)
      const conds = [...FILTERS, cap.tree, `proc.pid = ${cap.root}`, `proc.apid[1] = ${cap.root}`,
        'fd.type = ipv6', 'fd.typechar = u', 'fd.typechar = p', 'fd.l4proto = tcp', 'fd.is_server = true',
        'user.uid = 65534', 'evt.res = EACCES', 'fd.name contains live.sock', 'proc.aname[3] = live-workload'];
      const [mine, theirs] = await Promise.all([kestrelNumsAt(cap.file, conds), pool(conds.map((c) => () => sysdigNumsAt(cap.file, c, true)), 3)]);
      const diffs: string[] = [];
      for (let i = 0; i < conds.length; i++) {
        if (mine[i] !== theirs[i]) diffs.push(`${conds[i]}: kestrel [${mine[i]!.slice(0, 100)}] sysdig [${theirs[i]!.slice(0, 100)}]`);
      }
      assert.deepEqual(diffs, []);
    });

    await t.test('default output matches sysdig', () => {
      for (const args of [['-r', cap.file], ['-r', cap.file, cap.tree]]) {
        const want = sysdig(args).split('\n');
        const got = kestrel(['inspect', ...args]).split('\n');
        const bad: string[] = [];
        for (let i = 0; i < Math.max(want.length, got.length) && bad.length < 10; i++) {
          if (!sameDefaultLine(got[i] ?? '', want[i] ?? '')) bad.push(`line ${i + 1}:\n kestrel ${JSON.stringify((got[i] ?? '<none>').slice(0, 300))}\n sysdig  ${JSON.stringify((want[i] ?? '<none>').slice(0, 300))}`);
        }
        assert.deepEqual(bad, [], args.join(' '));
      }
    });
  } finally {
    if (process.env.KESTREL_KEEP_LIVE === undefined) rmSync(cap.dir, { recursive: true, force: true });
    else process.stderr.write(`kept ${cap.file}\n`);
  }
});
