// Unknown threads on live capture: the state reads them from /proc on sight (lookupThread),
// instead of leaving every field <NA> for a process whose clone it never saw (dropped events,
// purges, the start-up window). Capture files never do this: their state is the file's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { Inspector } from '../../src/state/inspector.js';
import { emptyHeader } from '../../src/capture/scap-header.js';
import { lookupThread } from '../../src/capture/proc-snapshot.js';
import { LiveSource } from '../../src/capture/live-source.js';
import { EventView } from '../../src/events/event-view.js';
import { ev, field } from './events.js';

test('lookupThread: a thread of this process comes with its main thread and the process fds', () => {
  const tids = readdirSync('/proc/self/task').map(Number).filter((t) => t !== process.pid);
  assert.ok(tids.length > 0, 'node runs helper threads');
  const r = lookupThread(tids[0]!);
  assert.ok(r);
  assert.deepEqual(r.procs.map((p) => [p.tid, p.pid]), [[tids[0], process.pid], [process.pid, process.pid]]);
  assert.equal(r.procs[1]!.exepath, readlinkSync('/proc/self/exe'));
  assert.equal(r.procs[0]!.ptid, process.ppid);
  const fd0 = r.fds.find((f) => f.fd === 0);
  assert.ok(fd0, 'fd 0 listed');
  assert.equal(lookupThread(-5), null);
  assert.equal(lookupThread(0x3fffffff), null, 'no such pid');
});

test('rate limit: past osLookupsPerSec, unknown threads become placeholders, counted', () => {
  const insp = new Inspector(ev(0, 1, []));
  insp.seed(emptyHeader());
  const asked: number[] = [];
  // A lookup that finds this very process for any tid: what is asked and counted is the point.
  const self = lookupThread(process.pid)!;
  insp.osLookup = (tid) => { asked.push(tid); return tid === 7001 ? { procs: [{ ...self.procs[0]!, tid: 7001, pid: 7001, ptid: 0, cloneTs: undefined }], fds: [] } : null; };
  insp.osLookupsPerSec = 2;
  for (const tid of [7001, 7002, 7003, 7004]) insp.process(ev(3 /* open exit */, tid, []));
  assert.deepEqual(asked, [7001, 7002]);
  assert.deepEqual(insp.lookups, { found: 1, gone: 1, skipped: 2 });
  assert.equal(insp.threads.get(7001)!.comm, self.procs[0]!.comm);
  assert.equal(insp.threads.get(7003)!.comm, '<NA>');
  // A placeholder is not looked up again.
  insp.process(ev(3, 7002, []));
  assert.deepEqual(asked, [7001, 7002]);
});

test('time budget: lookups stop for the second once they took osLookupMsPerSec', () => {
  const insp = new Inspector(ev(0, 1, []));
  insp.seed(emptyHeader());
  const asked: number[] = [];
  // Each lookup takes 20 ms (a slow /proc): with a 50 ms budget the third one is the last.
  insp.osLookup = (tid) => { asked.push(tid); const end = performance.now() + 20; while (performance.now() < end); return null; };
  insp.osLookupMsPerSec = 50;
  for (const tid of [8001, 8002, 8003, 8004, 8005]) insp.process(ev(3, tid, []));
  assert.deepEqual(asked, [8001, 8002, 8003]);
  assert.deepEqual(insp.lookups, { found: 0, gone: 3, skipped: 2 });
});

test('pid reuse: a process /proc says started after the event is not the event\'s thread (placeholder, counted gone)', () => {
  const insp = new Inspector(ev(0, 1, []));
  insp.seed(emptyHeader());
  const self = lookupThread(process.pid)!;
  // The test events' clock is near 0 ns since the epoch: this process started long after.
  insp.osLookup = (tid) => ({ procs: [{ ...self.procs[0]!, tid, pid: tid, ptid: 0 }], fds: [] });
  insp.process(ev(3, 7101, []));
  assert.deepEqual(insp.lookups, { found: 0, gone: 1, skipped: 0 });
  assert.equal(insp.threads.get(7101)!.comm, '<NA>');
  // Started before the event (or no start time): found.
  insp.osLookup = (tid) => ({ procs: [{ ...self.procs[0]!, tid, pid: tid, ptid: 0, cloneTs: 0n }], fds: [] });
  insp.process(ev(3, 7102, []));
  assert.deepEqual(insp.lookups, { found: 1, gone: 1, skipped: 0 });
  assert.equal(insp.threads.get(7102)!.comm, self.procs[0]!.comm);
});

test('live: a process started before the capture (no snapshot) is read from /proc: name, parents, user, fds', async () => {
  // bash holds /etc/hostname on fd 3 and reads it when told: its clone and open predate the
  // capture, and the capture takes no snapshot, so only the lookup can name them.
  const child = spawn('bash', ['-c', 'exec 3</etc/hostname; read -r go; read -r -u 3 x; echo done; read -r end'], {
    stdio: ['pipe', 'pipe', 'inherit'], timeout: 60_000, killSignal: 'SIGKILL',
  });
  const pid = child.pid!;
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const src = new LiveSource({ syscalls: ['read'], snapshot: false });
  await src.open();
  try {
    const looked = new Inspector(new EventView());
    looked.seed(src.header);
    looked.osLookup = (tid) => src.lookupThread(tid);
    const blind = new Inspector(new EventView());
    blind.seed(src.header);
    await src.nextBatch(() => {});
    child.stdin!.write('go\n');
    let seen: Record<string, unknown> | null = null;
    let blindName: unknown;
    const deadline = Date.now() + 30_000;
    while (seen === null && Date.now() < deadline) {
      await src.nextBatch((e) => {
        if (e.tid !== pid) return;
        looked.process(e);
        blind.process(e);
        if (seen === null && field(looked, 'evt.type') === 'read' && field(looked, 'evt.dir') === '<' && field(looked, 'fd.num') === 3) {
          seen = Object.fromEntries(['proc.name', 'proc.pid', 'proc.ppid', 'proc.pname', 'proc.exepath', 'user.uid', 'user.name', 'fd.name', 'proc.cmdline']
            .map((f) => [f, field(looked, f)]));
          blindName = field(blind, 'proc.name');
        }
      });
    }
    assert.ok(seen, `bash's read of fd 3 captured (stdout: ${out})`);
    const s = seen as Record<string, unknown>;
    assert.equal(s['proc.name'], 'bash');
    assert.equal(s['proc.pid'], pid);
    assert.equal(s['proc.ppid'], process.pid);
    assert.equal(s['proc.pname'], 'node', 'the parent was unknown too: looked up as an ancestor');
    assert.equal(s['proc.exepath'], readlinkSync(`/proc/${pid}/exe`));
    assert.equal(s['user.uid'], process.getuid!());
    assert.equal(s['fd.name'], '/etc/hostname', 'fd 3 opened before the capture');
    assert.match(String(s['proc.cmdline']), /^bash -c exec 3<\/etc\/hostname/);
    assert.ok(looked.lookups.found >= 2, `thread and parent found: ${JSON.stringify(looked.lookups)}`);
    assert.equal(blindName, '<NA>', 'without the lookup the same event has no process');
  } finally {
    child.stdin!.end('end\n');
    await src.close();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
