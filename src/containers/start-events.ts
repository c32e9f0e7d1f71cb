// Container events for live detection: one PPME_CONTAINER_JSON_2_E event (evt.type =
// container) per container that starts while kestrel watches, so that rules about how a
// container was started (container.privileged, container.mounts, ...) can match. Those fields
// come from the runtime, asynchronously: a rule on the container's first execve would see them
// still unknown. The event is raised once the runtime answered (or gave up), which is what
// libsinsp does for Falco's `container_started` macro.
//
// Unlike sinsp's pseudo-thread (tid -1), the detection engine evaluates the event on the
// container's first program: the first thread that execve'd inside it (runc's own set-up
// processes and init shims are passed over), or, when nothing else exec'd within `execWaitMs`,
// the last thread seen execve in it (else the first seen). So proc.cmdline / user / parent chain in an alert name what the container runs,
// even when it has exited already (the thread object is kept until the event is raised).
//
// Containers already running when kestrel starts (found among the threads of the start-up
// /proc snapshot, `seedRunning`) raise their event too, as libsinsp does for the containers its
// /proc scan finds: once the runtime answered (or gave up), evaluated on the container's init
// as it was at start (see `pickRunning`). Their lookups are fed to the manager a few at a time
// (`runningInFlight`), so a node with thousands of containers neither fills the manager's fetch
// queue (a 'queue-full' failure would lose the metadata that says "privileged") nor delays the
// containers that start during the run, which are asked at once. A container seen in the
// snapshot and then by a new execve raises one event: it is pending (or announced) by then.
// `running: false` (config `running_container_events: false`) keeps the old behaviour: running
// containers are remembered as announced and raise nothing.
//
// Cost on the event path: a table lookup per event type, and for clone/execve exits of
// container threads one Map lookup.

import { EventView } from '../events/event-view.js';
import { EVENT_COUNT, EVENT_NAME } from '../events/generated/event-table.js';
import { paramIndexTable } from '../state/evparams.js';
import type { ContainerManager } from './manager.js';
import { containerEventBytes } from './scap-json.js';
import { ContainerInfo, type ContainerRef } from './types.js';

/** NOTE_KIND[type]: 0 = ignore, 1 = an event bringing a thread's cgroups, 2 = same, an execve. */
export const NOTE_KIND: Uint8Array = (() => {
  const cg = paramIndexTable('cgroups');
  const a = new Uint8Array(EVENT_COUNT);
  for (let t = 0; t < EVENT_COUNT; t++) {
    if (cg[t]! < 0) continue;
    const n = EVENT_NAME[t];
    a[t] = n === 'execve' || n === 'execveat' ? 2 : 1;
  }
  return a;
})();

export interface StartEventThread {
  readonly tid: number;
  readonly pid: number;
  /** The process id in its own pid namespace (1 = the namespace's init). */
  readonly vpid: number;
  /** Start time (ns since the epoch); 0n when unknown. */
  readonly cloneTs: bigint;
  readonly cgroups: readonly string[];
  /** The program name (after execve). */
  readonly comm: string;
}

/**
 * Programs of the runtime that execve inside a new container before its own program does
 * (runc re-executes itself as `runc init` there) and init shims that then start the container's
 * program: neither is "what the container runs".
 */
const RUNTIME_SETUP = new Set(['runc', 'runc:[0:PARENT]', 'runc:[1:CHILD]', 'runc:[2:INIT]', 'crun', 'youki',
  'exe', 'catatonit', 'docker-init', 'tini', 'dumb-init', 'containerd-shim', 'containerd-shim-runc-v2', 'conmon']);

class Pending<T> {
  info: ContainerInfo | null = null;
  metaSettled = false;
  exec = false;
  /** The metadata wait has started (running containers wait in line for it). */
  asked = false;
  constructor(readonly ref: ContainerRef, public thread: T, readonly firstMs: number, readonly running: boolean) {}
}

/**
 * How well a snapshot thread stands for its container, higher is better: a process (main
 * thread) over a thread, the container's own program over an init shim or runtime helper, the
 * pid namespace's init (vpid 1) over its children. Ties go to the oldest (`pickRunning`).
 */
function runningRank(t: StartEventThread): number {
  return (t.tid === t.pid ? 4 : 0) + (RUNTIME_SETUP.has(t.comm) ? 0 : 2) + (t.vpid === 1 ? 1 : 0);
}

/**
 * The thread a running container's event is evaluated on: its init (pid 1 in its pid
 * namespace) when that is the container's program, else the oldest process that is not an
 * init shim (`podman run --init`: catatonit is pid 1, the program its child), else the oldest
 * thread. Age is the start time from /proc; unknown (0) counts as youngest.
 */
export function pickRunning<T extends StartEventThread>(a: T, b: T): T {
  const ra = runningRank(a), rb = runningRank(b);
  if (ra !== rb) return ra > rb ? a : b;
  if (b.cloneTs === 0n) return a;
  if (a.cloneTs === 0n) return b;
  return b.cloneTs < a.cloneTs ? b : a;
}

/**
 * The thread as it is now: the container's first program may exec something else before the
 * event is raised (a shell exec's its last command in place). A shallow copy, made at most a
 * few times per container; the fields it shares (fd table, arrays) are replaced, not mutated,
 * when the process execs.
 */
function snapshot<T>(t: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(t) as object) as T & object, t);
}

export interface ContainerStartEventsOptions {
  /** Longest wait for the runtime's answer before the event is raised with what the cgroup gives (ms). */
  metaWaitMs?: number;
  /** Longest wait for the container's first execve after it was first seen (ms). */
  execWaitMs?: number;
  /** Containers remembered as already announced; the set is cleared when it grows past this. */
  maxRemembered?: number;
  /**
   * Whether containers already running at start raise their event (default: the manager's
   * `runningContainerEvents`, from the config key `running_container_events`, default true).
   */
  running?: boolean;
  /**
   * Running containers whose metadata is being waited for at once; the rest wait in line.
   * Default: twice the manager's fetch concurrency (8), so each waits behind at most one fetch
   * and the metadata wait is not spent in the manager's queue.
   */
  runningInFlight?: number;
}

export class ContainerStartEvents<T extends StartEventThread> {
  private readonly pending = new Map<string, Pending<T>>();
  private readonly announced = new Set<string>();
  private readonly view = new EventView();
  private readonly metaWaitMs: number;
  private readonly execWaitMs: number;
  private readonly maxRemembered: number;
  private readonly running: boolean;
  private readonly runningInFlight: number;
  /** Running containers not yet asked about, in snapshot order, and the next one to ask. */
  private backlog: Pending<T>[] = [];
  private backlogAt = 0;
  private inFlight = 0;
  /** Container events raised so far. */
  raised = 0;
  /** Of those, for containers running at start. */
  raisedRunning = 0;

  constructor(private readonly manager: ContainerManager, opts: ContainerStartEventsOptions = {}) {
    this.metaWaitMs = opts.metaWaitMs ?? 10_000;
    this.execWaitMs = opts.execWaitMs ?? 2_000;
    this.maxRemembered = opts.maxRemembered ?? 65_536;
    this.running = opts.running ?? manager.runningContainerEvents;
    this.runningInFlight = Math.max(1, opts.runningInFlight ?? 2 * manager.concurrency);
  }

  /**
   * The threads that exist before the capture starts (the /proc snapshot): each container
   * among them is running already. It raises its event like a new one (or, with `running`
   * off, none). Returns the number of containers found.
   */
  seedRunning(threads: Iterable<T>): number {
    const best = new Map<string, { ref: ContainerRef; t: T }>();
    for (const t of threads) {
      const ref = this.manager.refFor(t.cgroups);
      if (ref.type === 'host' || this.pending.has(ref.fullId) || this.announced.has(ref.fullId)) continue;
      const b = best.get(ref.fullId);
      if (b === undefined) best.set(ref.fullId, { ref, t });
      else b.t = pickRunning(b.t, t);
    }
    this.manager.countRunningAtStart(best.size);
    const now = Date.now();
    for (const [id, { ref, t }] of best) {
      if (!this.running) {
        this.announced.add(id);
        continue;
      }
      // A copy: the event shows the container's init as it was at start, whatever it execs later.
      const p = new Pending(ref, snapshot(t), now, true);
      p.exec = true;
      this.pending.set(id, p);
      this.backlog.push(p);
    }
    this.askRunning();
    return best.size;
  }

  /** Starts the metadata wait of the next running containers, up to `runningInFlight` at once. */
  private askRunning(): void {
    const q = this.backlog;
    while (this.inFlight < this.runningInFlight && this.backlogAt < q.length) {
      const p = q[this.backlogAt++]!;
      if (!p.asked) this.ask(p);
    }
    if (this.backlogAt >= q.length && q.length > 0) {
      this.backlog = [];
      this.backlogAt = 0;
    }
  }

  private ask(p: Pending<T>): void {
    p.asked = true;
    if (p.running) this.inFlight++;
    void this.manager.whenReady(p.ref, this.metaWaitMs).then((info) => {
      p.info = info;
      p.metaSettled = true;
      if (p.running) {
        this.inFlight--;
        this.askRunning();
      }
    });
  }

  /**
   * A clone/execve exit (`kind` from NOTE_KIND) has given `thread` its cgroups. The first sight
   * of a container starts its metadata fetch; its first execve picks the thread the event is
   * evaluated on.
   */
  note(thread: T, kind: number): void {
    const ref = this.manager.refFor(thread.cgroups);
    if (ref.type === 'host') return;
    const p = this.pending.get(ref.fullId);
    if (p !== undefined) {
      // A running container still in line shows activity: ask about it now.
      if (!p.asked) this.ask(p);
      if (!p.exec && kind === 2) {
        p.thread = snapshot(thread);
        p.exec = !RUNTIME_SETUP.has(thread.comm);
      }
      return;
    }
    if (this.announced.has(ref.fullId)) return;
    const np = new Pending(ref, kind === 2 ? snapshot(thread) : thread, Date.now(), false);
    np.exec = kind === 2 && !RUNTIME_SETUP.has(thread.comm);
    this.pending.set(ref.fullId, np);
    this.ask(np);
  }

  /** Containers waiting for their event. */
  get waiting(): number {
    return this.pending.size;
  }

  /**
   * Raises the events that are due: metadata settled and a first program known (or its wait
   * over). `fn` gets each event (valid only during the call) and the thread to evaluate it on.
   * The events carry the wall-clock time they are raised at unless `tsNs` is given.
   */
  drain(fn: (ev: EventView, thread: T) => void, tsNs?: bigint): number {
    if (this.pending.size === 0) return 0;
    const now = Date.now();
    let n = 0;
    for (const [id, p] of this.pending) {
      if (!p.metaSettled || (!p.exec && now - p.firstMs < this.execWaitMs)) continue;
      this.pending.delete(id);
      if (this.announced.size >= this.maxRemembered) this.announced.clear();
      this.announced.add(id);
      const known = p.info ?? this.manager.lookup(p.ref);
      this.manager.countContainerEvent(p.running, known !== null);
      const info = known ?? new ContainerInfo(p.ref);
      const bytes = containerEventBytes(info, tsNs ?? BigInt(Date.now()) * 1_000_000n);
      const err = this.view.load(bytes, 0, bytes.length, 0, 0);
      if (err !== null) continue; // cannot happen: the bytes were just built
      this.raised++;
      if (p.running) this.raisedRunning++;
      n++;
      fn(this.view, p.thread);
    }
    return n;
  }
}
