// ContainerStartEvents (src/containers/start-events.ts): when a live run raises the container
// event of a new container, and on which thread. The runtime here is an in-test metadata
// engine whose answer the test releases, so the order "first sight → execs → metadata" can be
// set exactly; the real runtimes are exercised end to end by test/detection/container-*.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ContainerManager } from '../../src/containers/manager.js';
import { ContainerStartEvents, NOTE_KIND } from '../../src/containers/start-events.js';
import { containerInfoFromEvent } from '../../src/containers/scap-json.js';
import { OK, fail, type MetadataEngine, type FetchResult } from '../../src/containers/engine.js';
import type { ContainerInfo, ContainerRef } from '../../src/containers/types.js';
import { EVENT_NAME } from '../../src/events/generated/event-table.js';

class Thread {
  constructor(public tid: number, public comm: string, public cgroups: string[], public args: string[] = []) {}
}

/** Answers for podman containers when the test says so. */
class GatedEngine implements MetadataEngine {
  readonly name = 'podman';
  private gates = new Map<string, (r: FetchResult) => void>();
  private early = new Map<string, boolean>();
  handles(ref: ContainerRef): boolean { return ref.type === 'podman'; }
  fetch(ref: ContainerRef, info: ContainerInfo): Promise<FetchResult> {
    info.name = `name-${ref.id}`;
    info.image = 'localhost/testimg:1';
    info.imageRepo = 'localhost/testimg';
    info.imageTag = '1';
    info.privileged = true;
    const e = this.early.get(ref.fullId);
    if (e !== undefined) return Promise.resolve(e ? OK : fail('not-found', 'no such container'));
    return new Promise((resolve) => this.gates.set(ref.fullId, resolve));
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

function setup(execWaitMs = 2000): { m: ContainerManager; eng: GatedEngine; se: ContainerStartEvents<Thread>; got: { info: ContainerInfo; thread: Thread; comm: string; args: string[] }[]; drain: () => number } {
  const eng = new GatedEngine();
  const m = new ContainerManager({ docker: false, podman: false, cri: false, containerd: false, engines: [eng] });
  const se = new ContainerStartEvents<Thread>(m, { execWaitMs });
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

test('containers running before the capture started raise none; host threads are ignored', async () => {
  const { m, eng, se, drain } = setup();
  try {
    const old = hex();
    se.seedRunning([new Thread(1, 'sleep', cg(old)), new Thread(2, 'bash', ['12:cpu:/user.slice'])]);
    se.note(new Thread(200, 'sh', cg(old)), 2);
    se.note(new Thread(201, 'bash', ['12:cpu:/user.slice']), 2);
    se.note(new Thread(202, 'bash', []), 2);
    eng.answer(old);
    await tick();
    assert.equal(se.waiting, 0);
    assert.equal(drain(), 0);
  } finally { m.close(); }
});

test('no program exec\'d: raised after the exec wait on the first thread seen; a failed fetch still raises it', async () => {
  const { m, eng, se, got, drain } = setup(60);
  try {
    const id = hex();
    eng.answer(id, false);
    se.note(new Thread(300, 'runc:[2:INIT]', cg(id)), 1);
    await tick();
    assert.equal(drain(), 0, 'the exec wait is not over');
    await tick(80);
    assert.equal(drain(), 1);
    assert.equal(got[0]!.thread.tid, 300);
    assert.equal(got[0]!.info.id, id.slice(0, 12));
    assert.equal(got[0]!.info.name, '', 'no metadata: the cgroup identity only');
  } finally { m.close(); }
});
