// ContainerStartEvents (src/containers/start-events.ts): when a live run raises the container
// event of a new container, and on which thread. The runtime here is an in-test metadata
// engine whose answer the test releases, so the order "first sight → execs → metadata" can be
// set exactly; the real runtimes are exercised end to end by test/detection/container-*.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ContainerManager } from '../../src/containers/manager.js';
import { ContainerStartEvents, NOTE_KIND, pickRunning } from '../../src/containers/start-events.js';
import { containerInfoFromEvent } from '../../src/containers/scap-json.js';
import { OK, fail, type MetadataEngine, type FetchResult } from '../../src/containers/engine.js';
import type { ContainerInfo, ContainerRef } from '../../src/containers/types.js';
import { EVENT_NAME } from '../../src/events/generated/event-table.js';

class Thread {
  pid: number;
  vpid: number;
  cloneTs = 0n;
  constructor(public tid: number, public comm: string, public cgroups: string[], public args: string[] = []) {
    this.pid = tid;
    this.vpid = tid;
  }
  /** A snapshot thread: its process, pid in its namespace and start time. */
  static at(tid: number, pid: number, vpid: number, startS: number, comm: string, cgroups: string[], args: string[] = []): Thread {
    const t = new Thread(tid, comm, cgroups, args);
    t.pid = pid;
    t.vpid = vpid;
    t.cloneTs = BigInt(startS) * 1_000_000_000n;
    return t;
  }
}

/** Answers for podman containers when the test says so. */
class GatedEngine implements MetadataEngine {
  readonly name = 'podman';
  private gates = new Map<string, (r: FetchResult) => void>();
  private early = new Map<string, boolean>();
  /** Containers asked about, in order, and how many fetches are unanswered now / at most. */
  asked: string[] = [];
  open = 0;
  maxOpen = 0;
  handles(ref: ContainerRef): boolean { return ref.type === 'podman'; }
  fetch(ref: ContainerRef, info: ContainerInfo): Promise<FetchResult> {
    this.asked.push(ref.fullId);
    info.name = `name-${ref.id}`;
    info.image = 'localhost/testimg:1';
    info.imageRepo = 'localhost/testimg';
    info.imageTag = '1';
    info.privileged = true;
    const e = this.early.get(ref.fullId);
    if (e !== undefined) return Promise.resolve(e ? OK : fail('not-found', 'no such container'));
    this.maxOpen = Math.max(this.maxOpen, ++this.open);
    return new Promise((resolve) => this.gates.set(ref.fullId, (r) => { this.open--; resolve(r); }));
  }
  answer(fullId: string, ok = true): void {
    const g = this.gates.get(fullId);
    if (g) g(ok ? OK : fail('not-found', 'no such container'));
    else this.early.set(fullId, ok);
  }
  close(): void { /* nothing */ }
}

const hex = (): string => randomBytes(32).toString('hex');
const cg = (id: string): string[] => [`12:cpu:/libpod_parent/libpod-${id}`];
const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

function setup(execWaitMs = 2000, more: { running?: boolean; runningInFlight?: number; concurrency?: number; maxQueue?: number; runningContainerEvents?: boolean } = {}): { m: ContainerManager; eng: GatedEngine; se: ContainerStartEvents<Thread>; got: { info: ContainerInfo; thread: Thread; comm: string; args: string[] }[]; drain: () => number } {
  const eng = new GatedEngine();
  const m = new ContainerManager({ docker: false, podman: false, cri: false, containerd: false, engines: [eng],
    concurrency: more.concurrency, maxQueue: more.maxQueue, runningContainerEvents: more.runningContainerEvents });
  const se = new ContainerStartEvents<Thread>(m, { execWaitMs, running: more.running, runningInFlight: more.runningInFlight });
  const got: { info: ContainerInfo; thread: Thread; comm: string; args: string[] }[] = [];
  const drain = (): number => se.drain((ev, thread) => {
    const r = containerInfoFromEvent(ev);
    assert.ok(r !== null && r.ok, r === null ? 'not a container event' : r.ok ? '' : r.error);
    assert.equal(ev.tid, -1);
    got.push({ info: r.info, thread, comm: thread.comm, args: [...thread.args] });
  });
  return { m, eng, se, got, drain };
}

test('NOTE_KIND: execve/execveat exits are 2, clone-family exits with cgroups 1, other events 0', () => {
  const names = (k: number): Set<string> => new Set([...NOTE_KIND.keys()].filter((t) => NOTE_KIND[t] === k).map((t) => EVENT_NAME[t]!));
  assert.deepEqual([...names(2)].sort(), ['execve', 'execveat']);
  assert.ok(names(1).has('clone') && names(1).has('clone3') && names(1).has('fork'), [...names(1)].join(','));
  assert.ok(!names(1).has('open') && !names(1).has('connect'));
});

test('raised once, after the metadata, on the first program (not runc init), as it was when it exec\'d', async () => {
  const { m, eng, se, got, drain } = setup();
  try {
    const id = hex();
    const runc = new Thread(100, 'runc', cg(id), ['init']);
    se.note(runc, 2); // runc re-executes itself inside the new container's cgroup first
    const sh = new Thread(101, 'sh', cg(id), ['-c', 'dpkg -l; sleep 0.2']);
    se.note(sh, 2);
    assert.equal(drain(), 0, 'nothing before the runtime answered');
    assert.equal(se.waiting, 1);
    // The shell exec's its last command in place before the metadata arrives.
    sh.comm = 'sleep'; sh.args = ['0.2'];
    se.note(sh, 2);
    eng.answer(id);
    await tick();
    assert.equal(drain(), 1);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.info.name, `name-${id.slice(0, 12)}`);
    assert.equal(got[0]!.info.privileged, true);
    assert.equal(got[0]!.info.id, id.slice(0, 12));
    assert.equal(got[0]!.comm, 'sh');
    assert.deepEqual(got[0]!.args, ['-c', 'dpkg -l; sleep 0.2']);
    assert.equal(got[0]!.thread.tid, 101);
    // Later processes of the same container raise nothing more.
    se.note(new Thread(102, 'dpkg', cg(id)), 2);
    await tick();
    assert.equal(drain(), 0);
    assert.equal(se.raised, 1);
    assert.equal(se.waiting, 0);
  } finally { m.close(); }
});

test('a container running at start raises one event, on its init as it was at start; a later execve in it adds none', async () => {
  const { m, eng, se, got, drain } = setup();
  try {
    const old = hex();
    const init = Thread.at(5000, 5000, 1, 100, 'sleep', cg(old), ['600']);
    // Snapshot order is /proc's (pid order, which wraps): the init is not first here.
    const n = se.seedRunning([
      Thread.at(9000, 9000, 7, 300, 'sh', cg(old), ['-c', 'exec-ed in later']),
      Thread.at(9001, 9000, 8, 301, 'sh', cg(old)),
      init,
      Thread.at(2, 2, 2, 5, 'bash', ['12:cpu:/user.slice']),
      new Thread(3, 'bash', []),
    ]);
    assert.equal(n, 1, 'one container (the host threads are not one)');
    assert.equal(se.waiting, 1);
    // The init execs something else, and a new process execs in the container, before the
    // runtime answers: the event still shows the init as the snapshot saw it, once.
    init.comm = 'other'; init.args = ['x'];
    se.note(new Thread(200, 'sh', cg(old), ['-c', 'id']), 2);
    se.note(new Thread(201, 'bash', ['12:cpu:/user.slice']), 2);
    se.note(new Thread(202, 'bash', []), 2);
    assert.equal(drain(), 0, 'nothing before the runtime answered');
    eng.answer(old);
    await tick();
    assert.equal(drain(), 1);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.thread.tid, 5000);
    assert.equal(got[0]!.comm, 'sleep');
    assert.deepEqual(got[0]!.args, ['600']);
    assert.equal(got[0]!.info.name, `name-${old.slice(0, 12)}`);
    assert.equal(got[0]!.info.privileged, true);
    se.note(new Thread(203, 'sh', cg(old)), 2);
    await tick();
    assert.equal(drain(), 0, 'announced: no second event');
    assert.equal(se.raised, 1);
    assert.equal(se.raisedRunning, 1);
    assert.deepEqual(eng.asked, [old], 'one metadata fetch');
    const st = m.stats();
    assert.deepEqual(st.containerEvents, { started: 0, running: 1 });
    assert.equal(st.containerEventsWithoutMetadata, 0);
    assert.equal(st.runningAtStart, 1);
  } finally { m.close(); }
});

test('running container thread choice: init shim passed over, then the oldest process; a thread never beats a process', async () => {
  /** The tid the container's event is evaluated on, given the snapshot threads (as [tid, pid, vpid, start s, comm]). */
  const pick = async (spec: [number, number, number, number, string][]): Promise<number> => {
    const { m, eng, se, got, drain } = setup();
    try {
      const id = hex();
      const ts = spec.map(([tid, pid, vpid, st, comm]) => Thread.at(tid, pid, vpid, st, comm, cg(id)));
      se.seedRunning(ts);
      eng.answer(id);
      await tick();
      assert.equal(drain(), 1);
      // The same choice as the exported comparison (used by no one else, kept in step here).
      assert.equal(ts.reduce((a, b) => pickRunning(a, b)).tid, got[0]!.thread.tid);
      return got[0]!.thread.tid;
    } finally { m.close(); }
  };
  // The namespace's init is the container's program, even when not the oldest or first seen.
  assert.equal(await pick([[12, 12, 3, 50, 'sh'], [10, 10, 1, 100, 'sleep']]), 10);
  // podman run --init: catatonit is pid 1 of the namespace, the program its child.
  assert.equal(await pick([[10, 10, 1, 100, 'catatonit'], [12, 12, 3, 150, 'sh'], [11, 11, 2, 101, 'sleep']]), 11);
  // No own pid namespace (vpid = host pid): the oldest process.
  assert.equal(await pick([[30, 30, 30, 300, 'sh'], [20, 20, 20, 200, 'nginx'], [25, 25, 25, 250, 'nginx']]), 20);
  // A thread (tid != pid) never stands for the container; an unknown start time counts as youngest.
  assert.equal(await pick([[41, 40, 1, 90, 'java'], [40, 40, 1, 100, 'java']]), 40);
  assert.equal(await pick([[50, 50, 5, 0, 'a'], [51, 51, 6, 500, 'b']]), 51);
  assert.equal(await pick([[60, 60, 5, 0, 'a'], [61, 61, 6, 0, 'b']]), 60, 'both unknown: the first seen');
});

test('running_container_events off: running containers raise none, new ones still do', async () => {
  for (const how of ['option', 'manager'] as const) {
    const { m, eng, se, drain } = setup(2000, how === 'option' ? { running: false } : { runningContainerEvents: false });
    try {
      const old = hex(), fresh = hex();
      assert.equal(se.seedRunning([Thread.at(1, 1, 1, 10, 'sleep', cg(old))]), 1);
      assert.equal(se.waiting, 0);
      se.note(new Thread(200, 'sh', cg(old)), 2);
      se.note(new Thread(300, 'sh', cg(fresh)), 2);
      eng.answer(old);
      eng.answer(fresh);
      await tick();
      assert.equal(drain(), 1, how);
      assert.equal(se.raisedRunning, 0, how);
      assert.deepEqual(eng.asked, [fresh], `${how}: the running container was never looked up`);
    } finally { m.close(); }
  }
});

test('thousands of running containers: lookups go out a few at a time, new containers and active ones jump the line; every one raises once', async () => {
  // The manager's own queue (maxQueue 64) is far smaller than the 3000 containers: fed all at
  // once, most would fail as 'queue-full' and raise without the metadata that says privileged.
  const { m, eng, se, got, drain } = setup(2000, { runningInFlight: 8, concurrency: 4, maxQueue: 64 });
  try {
    const ids = Array.from({ length: 3000 }, () => hex());
    const threads = ids.flatMap((id, i) => [Thread.at(10_000 + 2 * i, 10_000 + 2 * i, 1, 100, 'sleep', cg(id)), Thread.at(10_001 + 2 * i, 10_000 + 2 * i, 1, 100, 'sleep', cg(id))]);
    assert.equal(se.seedRunning(threads), 3000);
    assert.equal(se.waiting, 3000);
    await tick();
    assert.equal(eng.asked.length, 4, 'the manager runs 4 fetches, 4 more wait in its queue');
    assert.equal(m.stats().queued, 4);
    // A container that starts now, and activity in one still in line: asked at once.
    const fresh = hex();
    se.note(new Thread(500, 'sh', cg(fresh)), 2);
    se.note(new Thread(501, 'sh', cg(ids[2999]!)), 2);
    eng.answer(fresh);
    eng.answer(ids[2999]!);
    // Answer every fetch as it arrives (one in ten fails), draining as the engine would.
    const failed = new Set(ids.filter((_, i) => i % 10 === 0));
    let answered = 0;
    for (let round = 0; round < 20_000 && se.raised < 3001; round++) {
      const pending = eng.asked.slice(answered);
      answered = eng.asked.length;
      for (const id of pending) eng.answer(id, !failed.has(id));
      await tick(0);
      drain();
    }
    assert.equal(se.raised, 3001);
    assert.equal(se.raisedRunning, 3000);
    assert.ok(eng.maxOpen <= 4, `at most the manager's concurrency open (${eng.maxOpen})`);
    const s = m.stats();
    assert.equal(s.failuresByReason['queue-full'] ?? 0, 0, JSON.stringify(s.failuresByReason));
    assert.equal(s.failuresByReason['not-found'], 300, 'failed lookups are counted');
    assert.equal(s.containerEventsWithoutMetadata, 300);
    assert.deepEqual(s.containerEvents, { started: 1, running: 3000 });
    const seen = new Set(got.map((g) => g.info.fullId));
    assert.equal(seen.size, 3001, 'one event per container');
    assert.equal(got.filter((g) => g.info.name !== '').length, 2701);
    assert.ok(eng.asked.indexOf(fresh) < 20 && eng.asked.indexOf(ids[2999]!) < 20, 'not behind the backlog');
  } finally { m.close(); }
});

test('no program exec\'d: raised after the exec wait on the first thread seen; a failed fetch still raises it', async () => {
  // An exec wait far above a 5 ms tick: on a busy CI machine the tick may fire much later.
  const { m, eng, se, got, drain } = setup(1000);
  try {
    const id = hex();
    eng.answer(id, false);
    se.note(new Thread(300, 'runc:[2:INIT]', cg(id)), 1);
    await tick();
    assert.equal(drain(), 0, 'the exec wait is not over');
    await tick(1100);
    assert.equal(drain(), 1);
    assert.equal(got[0]!.thread.tid, 300);
    assert.equal(got[0]!.info.id, id.slice(0, 12));
    assert.equal(got[0]!.info.name, '', 'no metadata: the cgroup identity only');
  } finally { m.close(); }
});

test('the manager closing while running containers wait in line: every wait ends at once, nothing holds the process', async () => {
  const { m, se, drain } = setup(2000, { runningInFlight: 8 });
  const ids = Array.from({ length: 200 }, () => hex());
  assert.equal(se.seedRunning(ids.map((id, i) => Thread.at(100 + i, 100 + i, 1, 10, 'sleep', cg(id)))), 200);
  await tick();
  assert.equal(drain(), 0, 'the runtime has not answered');
  m.close();
  // Without the closed check each wait in line would start a 10 s timer after the close.
  await tick(20);
  assert.equal(drain(), 200);
  assert.equal(m.stats().containerEventsWithoutMetadata, 200);
});
