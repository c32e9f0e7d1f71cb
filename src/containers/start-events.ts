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
// Containers already running when kestrel starts (the threads of the capture header) raise no
// event. Cost on the event path: a table lookup per event type, and for clone/execve exits of
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
  constructor(readonly ref: ContainerRef, public thread: T, readonly firstMs: number) {}
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
}

export class ContainerStartEvents<T extends StartEventThread> {
  private readonly pending = new Map<string, Pending<T>>();
  private readonly announced = new Set<string>();
  private readonly view = new EventView();
  private readonly metaWaitMs: number;
  private readonly execWaitMs: number;
  private readonly maxRemembered: number;
  /** Container events raised so far. */
  raised = 0;

  constructor(private readonly manager: ContainerManager, opts: ContainerStartEventsOptions = {}) {
    this.metaWaitMs = opts.metaWaitMs ?? 10_000;
    this.execWaitMs = opts.execWaitMs ?? 2_000;
    this.maxRemembered = opts.maxRemembered ?? 65_536;
  }

  /** Containers of threads that exist before the capture starts: already running, no event. */
  seedRunning(threads: Iterable<StartEventThread>): void {
    for (const t of threads) {
      const ref = this.manager.refFor(t.cgroups);
      if (ref.type !== 'host') this.announced.add(ref.fullId);
    }
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
      if (!p.exec && kind === 2) {
        p.thread = snapshot(thread);
        p.exec = !RUNTIME_SETUP.has(thread.comm);
      }
      return;
    }
    if (this.announced.has(ref.fullId)) return;
    const np = new Pending(ref, kind === 2 ? snapshot(thread) : thread, Date.now());
    np.exec = kind === 2 && !RUNTIME_SETUP.has(thread.comm);
    this.pending.set(ref.fullId, np);
    void this.manager.whenReady(ref, this.metaWaitMs).then((info) => {
      np.info = info;
      np.metaSettled = true;
    });
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
      const info = p.info ?? this.manager.lookup(p.ref) ?? new ContainerInfo(p.ref);
      const bytes = containerEventBytes(info, tsNs ?? BigInt(Date.now()) * 1_000_000n);
      const err = this.view.load(bytes, 0, bytes.length, 0, 0);
      if (err !== null) continue; // cannot happen: the bytes were just built
      this.raised++;
      n++;
      fn(this.view, p.thread);
    }
    return n;
  }
}
