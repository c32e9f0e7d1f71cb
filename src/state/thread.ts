// The thread table: one ThreadInfo per known thread, keyed by tid. Process-wide data (fd table,
// cwd) lives on the main thread (tid == pid) and other threads reach it through `main()`, the
// way sinsp shares them between threads created with CLONE_FILES/CLONE_FS.

import { FdTable } from './fdinfo.js';
import { containerIdFromCgroups } from '../containers/cgroup.js';

export class ThreadInfo {
  tid = 0;
  pid = 0;
  ptid = -1;
  sid = 0;
  vpgid = 0;
  vtid = 0;
  vpid = 0;
  comm = '';
  /** argv[0] */
  exe = '';
  exepath = '';
  args: string[] = [];
  env: string[] = [];
  cgroups: string[] = [];
  cwd = '/';
  root = '/';
  fdlimit = 0;
  flags = 0;
  uid = -1;
  gid = -1;
  loginuid = -1;
  tty = 0;
  vmsizeKb = 0;
  vmrssKb = 0;
  vmswapKb = 0;
  pfmajor = 0;
  pfminor = 0;
  exeWritable = false;
  /** PPM_EXE_UPPER_LAYER / PPM_EXE_LOWER_LAYER / PPM_EXE_FROM_MEMFD bits of execve's flags. */
  exeUpperLayer = false;
  exeLowerLayer = false;
  exeFromMemfd = false;
  /** Inode number and ctime/mtime (ns since the epoch) of the executable; 0 = unknown. */
  exeIno = 0;
  exeInoCtime = 0n;
  exeInoMtime = 0n;
  /** Start time (ns since the epoch) of the init process of the thread's PID namespace; 0n = unknown. */
  pidnsInitStartTs = 0n;
  capInheritable = 0n;
  capPermitted = 0n;
  capEffective = 0n;
  /** Clone time (ns since the epoch); 0n when unknown (threads from the initial snapshot). */
  cloneTs = 0n;
  /**
   * Last time an event touched this thread, for purging: the high half of the event's
   * timestamp (units of 2^32 ns, ~4.3 s). A small integer the state stores per event without
   * float math (which allocated a heap number per event before the code was optimized);
   * `lastAccessMs` reads and writes it in milliseconds.
   */
  lastAccessHi = 0;
  get lastAccessMs(): number { return this.lastAccessHi * 4294.967296; }
  set lastAccessMs(ms: number) { this.lastAccessHi = ms / 4294.967296; }
  /**
   * Container id derived from the cgroups ('' = host). Threads from a capture header or /proc
   * snapshot derive it on first read (`cidPending`): a replay seeds ~100 threads whose ids
   * most runs never ask for, and the cgroup parser (regular expressions) runs cold there.
   */
  get containerId(): string {
    if (this.cidPending) { this.cidPending = false; this.cid = containerIdFromCgroups(this.cgroups); }
    return this.cid;
  }
  set containerId(id: string) { this.cidPending = false; this.cid = id; }
  private cid = '';
  /** containerId is still to be derived from `cgroups` (set by `deriveContainerId`). */
  private cidPending = false;
  /** The container id will be derived from the current cgroups when first read. */
  deriveContainerId(): void { this.cidPending = true; }
  /** The process's fd table; shared by threads created with CLONE_FILES. */
  fds: FdTable = new FdTable();
  /** Entry made up for a tid first seen in an event (no PL entry, no clone seen). */
  placeholder = false;
  /** Set when procexit was seen; the entry is removed when the next event starts. */
  exited = false;
  /** Last enter event of this thread: its type, its fd (EF_USES_FD) and up to three values. */
  lastEventType = -1;
  lastEventFd = -1;
  enterA = 0;
  enterB = 0;
  enterC = 0;
  /** A string of the last enter event (execve's filename). */
  enterStr = '';
  /** The socket tuple of the last sendto/sendmsg enter event, when one is needed at exit. */
  enterTuple: Buffer | null = null;
  /** The enter event's timestamp (u32 halves), for latency. */
  enterHi = 0;
  enterLo = 0;
  /** Latency (ns) of the last exit event (reset by enter events), what evt.latency shows. */
  latency = 0;

  isMain(): boolean { return this.tid === this.pid; }
}

/** Slots of ThreadTable's lookup cache (a power of two). */
const SLOTS = 1024;

export class ThreadTable {
  readonly map = new Map<number, ThreadInfo>();
  /** Upper bound on entries; past it, threads idle for `staleMs` are dropped. */
  maxThreads: number;
  staleMs: number;
  private lastPurgeMs = 0;
  /** Threads added and removed (exits) since start, and dropped by purges (Falco's state counters). */
  added = 0;
  removed = 0;
  purged = 0;

  constructor(maxThreads = 131072, staleMs = 30 * 60 * 1000) {
    this.maxThreads = maxThreads;
    this.staleMs = staleMs;
  }

  // Lookups go through a small direct-mapped cache (slot = tid mod 1024) in front of the Map:
  // a replay looks a thread up for every event, and scheduler switches alternate between
  // threads, which defeated the former one-entry cache. Misses (unknown tids) are cached too;
  // add/remove/purge keep the slots in step with the Map.
  private readonly slotTid = new Float64Array(SLOTS).fill(-2);
  private readonly slotThread: (ThreadInfo | undefined)[] = new Array<ThreadInfo | undefined>(SLOTS).fill(undefined);

  get(tid: number): ThreadInfo | undefined {
    const i = tid & (SLOTS - 1);
    if (this.slotTid[i] === tid) return this.slotThread[i];
    const t = this.map.get(tid);
    this.slotTid[i] = tid;
    this.slotThread[i] = t;
    return t;
  }

  /** The main thread of t's process, or t itself when unknown. */
  main(t: ThreadInfo): ThreadInfo {
    if (t.tid === t.pid) return t;
    return this.map.get(t.pid) ?? t;
  }

  /**
   * Processes that exited recently, kept only for their children's parent lookups: a child
   * often outlives its parent by a moment (`runc exec` → the shell in a container), and an
   * alert on the child must still name the parent. Like sinsp, which keeps an exited thread
   * while it has children. Bounded: the oldest entries go first.
   */
  private readonly exitedParents = new Map<number, ThreadInfo>();
  static readonly EXITED_PARENTS_MAX = 4096;

  /** The parent process's main thread (possibly one that has exited already). */
  parent(t: ThreadInfo): ThreadInfo | undefined {
    const m = this.main(t);
    if (m.ptid <= 0 || m.ptid === m.tid) return undefined;
    const p = this.map.get(m.ptid) ?? this.exitedParents.get(m.ptid);
    return p ? this.main(p) : undefined;
  }

  add(t: ThreadInfo): void {
    this.added++;
    this.map.set(t.tid, t);
    // A reused pid is a new process: the exited one is no longer anybody's parent.
    if (this.exitedParents.size !== 0) this.exitedParents.delete(t.tid);
    const i = t.tid & (SLOTS - 1);
    if (this.slotTid[i] === t.tid) this.slotThread[i] = t;
  }

  remove(tid: number): void {
    const t = this.map.get(tid);
    if (t !== undefined && t.tid === t.pid) {
      this.exitedParents.delete(tid);
      this.exitedParents.set(tid, t);
      if (this.exitedParents.size > ThreadTable.EXITED_PARENTS_MAX) {
        const oldest = this.exitedParents.keys().next().value;
        if (oldest !== undefined) this.exitedParents.delete(oldest);
      }
    }
    if (this.map.delete(tid)) this.removed++;
    const i = tid & (SLOTS - 1);
    if (this.slotTid[i] === tid) this.slotThread[i] = undefined;
  }

  get size(): number { return this.map.size; }

  /**
   * Bounded size: when the table is full, drop threads not seen for `staleMs` (of event time), and
   * if that is not enough, the least recently seen ones. Called at most once a second of event time
   * (the state's clock for this advances in steps of ~4.3 s: see ThreadInfo.lastAccessHi).
   */
  maybePurge(nowMs: number): void {
    if (this.map.size < this.maxThreads || nowMs - this.lastPurgeMs < 1000) return;
    this.lastPurgeMs = nowMs;
    this.slotTid.fill(-2);
    this.slotThread.fill(undefined);
    const before = this.map.size;
    for (const [tid, t] of this.map) if (nowMs - t.lastAccessMs > this.staleMs) this.map.delete(tid);
    if (this.map.size >= this.maxThreads) {
      const arr = [...this.map.values()].sort((a, b) => a.lastAccessMs - b.lastAccessMs);
      const drop = arr.length - Math.floor(this.maxThreads * 0.9);
      for (let i = 0; i < drop; i++) this.map.delete(arr[i].tid);
    }
    this.purged += before - this.map.size;
  }
}
