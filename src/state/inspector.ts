// The inspector: keeps the thread, fd and user tables up to date from the event stream, and
// builds the evaluation context the fields read (one reused object). Semantics follow sinsp
// 0.29.3 (what sysdig prints), for both event layouts:
//   - capture files with enter+exit pairs (2022): exit-only facts (the fd of read/close/…, the
//     socket() domain, setuid's uid) come from the thread's last enter event;
//   - live exit-only events carrying the current table's appended params (fd, domain, uid …).
// Removals (close, procexit) are deferred to the start of the next event, as in sinsp, so the
// closing event still sees its fd and the exiting thread.

import type { EventView } from '../events/event-view.js';
import type { CaptureHeader, ProcEntry, FdEntry, UserEntry, GroupEntry, InterfaceEntry, ThreadLookup } from '../capture/types.js';
import type { RenderContext } from '../events/render.js';
import { makeRenderContext } from './render-ctx.js';
import { FdType } from '../capture/types.js';
import { EVENT_COUNT, EVENT_FLAGS, EVENT_DIR, EVENT_CATEGORY, EVENT_NAME } from '../events/generated/event-table.js';
import { paramIndexTable, int, uint, str, strList, u64 } from './evparams.js';
import { FdInfo, FdTable, L4, ROLE_CLIENT, ROLE_SERVER, tupleName, ipToString, ipv4ToString } from './fdinfo.js';
import { ThreadInfo, ThreadTable } from './thread.js';
import { concatPaths } from './paths.js';
import { containerIdFromCgroups } from '../containers/cgroup.js';

const EF_CREATES_FD = 1 << 0, EF_DESTROYS_FD = 1 << 1, EF_USES_FD = 1 << 2;
export const EF_ANY_FD = EF_CREATES_FD | EF_DESTROYS_FD | EF_USES_FD;

/**
 * Events sinsp handles without the per-thread enter bookkeeping and without creating threads:
 * scheduler switches and the EF_SKIPPARSERESET meta events (procinfo, drop, …).
 */
const LOOKUP_ONLY = new Uint8Array(EVENT_COUNT);
for (let t = 0; t < EVENT_COUNT; t++) if ((EVENT_FLAGS[t] & (1 << 8)) !== 0) LOOKUP_ONLY[t] = 1;
LOOKUP_ONLY[146] = 1; LOOKUP_ONLY[152] = 1;

const IS_ENTER = new Uint8Array(EVENT_COUNT);
for (let t = 0; t < EVENT_COUNT; t++) IS_ENTER[t] = EVENT_DIR[t] === 'E' ? 1 : 0;

// What the parser does with each event type.
const K = {
  NONE: 0, OPEN: 1, SOCKET: 2, BIND: 3, CONNECT: 4, ACCEPT: 5, PIPE: 6, SOCKETPAIR: 7, SIMPLEFD: 8,
  CLOSE: 9, DUP: 10, FCNTL: 11, CHDIR: 12, FCHDIR: 13, EXECVE: 14, CLONE: 15, PROCEXIT: 16,
  SETUID: 17, SETGID: 18, SETRESUID: 19, SETRESGID: 20, SETSID: 21, CHROOT: 22, SENDRECV: 23,
  VMSTATS: 24, CLOSE_RANGE: 25, OPEN_BY_HANDLE: 26, SETREUID: 27, SETREGID: 28, PIDFD_GETFD: 29,
} as const;
const KIND = new Uint8Array(EVENT_COUNT);
/** Fd type created by SIMPLEFD events (eventfd, signalfd, …). */
const SIMPLE_TYPE = new Uint8Array(EVENT_COUNT);
function kind(ids: number[], k: number, ft = 0): void { for (const id of ids) { KIND[id] = k; SIMPLE_TYPE[id] = ft; } }
kind([2, 3, 102, 103, 306, 307, 326, 327, 58, 59], K.OPEN);
kind([18, 19], K.SOCKET);
kind([20, 21], K.BIND);
kind([22, 23], K.CONNECT);
kind([26, 27, 56, 57, 246, 247, 248, 249, 388, 389], K.ACCEPT);
kind([60, 61, 392, 393], K.PIPE);
kind([42, 43], K.SOCKETPAIR);
kind([62, 63, 396, 397], K.SIMPLEFD, FdType.EVENT);
kind([126, 127, 398, 399], K.SIMPLEFD, FdType.SIGNALFD);
kind([136, 137], K.SIMPLEFD, FdType.TIMERFD);
kind([138, 139, 394, 395], K.SIMPLEFD, FdType.INOTIFY);
kind([374, 375, 376, 377], K.SIMPLEFD, FdType.EVENTPOLL);
kind([320, 321], K.SIMPLEFD, FdType.USERFAULTFD);
kind([296, 297, 368, 369], K.SIMPLEFD, FdType.BPF);
kind([404, 405], K.SIMPLEFD, FdType.MEMFD);
kind([408, 409], K.SIMPLEFD, FdType.PIDFD);
kind([406, 407], K.PIDFD_GETFD);
kind([450, 451], K.CLOSE_RANGE);
kind([336, 337], K.OPEN_BY_HANDLE);
kind([426, 427], K.SETREUID);
kind([428, 429], K.SETREGID);
kind([338, 339], K.SIMPLEFD, FdType.IOURING);
kind([4, 5], K.CLOSE);
kind([124, 125, 362, 363, 364, 365, 366, 367], K.DUP);
kind([150, 151], K.FCNTL);
kind([94, 95], K.CHDIR);
kind([96, 97], K.FCHDIR);
kind([12, 13, 154, 155, 172, 173, 214, 215, 230, 231, 282, 283, 288, 289, 292, 293, 330, 331], K.EXECVE);
kind([14, 15, 156, 157, 182, 183, 184, 185, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 334, 335], K.CLONE);
kind([16, 186], K.PROCEXIT);
kind([198, 199], K.SETUID);
kind([200, 201], K.SETGID);
kind([192, 193], K.SETRESUID);
kind([194, 195], K.SETRESGID);
kind([274, 275], K.SETSID);
kind([266, 267], K.CHROOT);
kind([30, 31, 34, 35, 48, 49, 52, 53], K.SENDRECV);
// Events whose parameters refresh the thread's memory and page-fault counters.
kind([10, 11, 158, 159, 160, 161, 162, 163, 164, 165, 146, 152], K.VMSTATS);

/**
 * What `process` needs first about each event type, in one byte: whether the event may use an
 * fd (ctx.hasFdFlag), and whether it takes the fast path (an enter event that only looks its
 * thread up, not a container event) and refreshes memory counters there.
 */
const R_ANY_FD = 1, R_ENTER_LOOKUP = 2, R_CONTAINER = 4, R_VMSTATS = 8;
const R_FAST = R_ENTER_LOOKUP | R_CONTAINER, R_FAST_ON = R_ENTER_LOOKUP;
const ROUTE = new Uint8Array(EVENT_COUNT);
// Module-local copies for process(): in the CommonJS bundle an imported binding is a property
// load from the other module's exports on every use.
const NTYPES = EVENT_COUNT;
const FLAGS = EVENT_FLAGS;
for (let t = 0; t < EVENT_COUNT; t++) {
  let r = (EVENT_FLAGS[t] & EF_ANY_FD) !== 0 ? R_ANY_FD : 0;
  if (IS_ENTER[t] === 1 && LOOKUP_ONLY[t] === 1) r |= R_ENTER_LOOKUP;
  if (t === 272 || t === 324 || t === 228) r |= R_CONTAINER;
  if (KIND[t] === K.VMSTATS) r |= R_VMSTATS;
  ROUTE[t] = r;
}

// Parameter positions by name, per event type (-1 when the type has no such parameter).
const P = {
  fd: paramIndexTable('fd'), res: paramIndexTable('res'), name: paramIndexTable('name'),
  flags: paramIndexTable('flags'), dirfd: paramIndexTable('dirfd'), dev: paramIndexTable('dev'),
  ino: paramIndexTable('ino'), domain: paramIndexTable('domain'), type: paramIndexTable('type'),
  proto: paramIndexTable('proto'), addr: paramIndexTable('addr'), tuple: paramIndexTable('tuple'),
  fd1: paramIndexTable('fd1'), fd2: paramIndexTable('fd2'), source: paramIndexTable('source'),
  peer: paramIndexTable('peer'), oldfd: paramIndexTable('oldfd'), cmd: paramIndexTable('cmd'),
  path: paramIndexTable('path'), exe: paramIndexTable('exe'), args: paramIndexTable('args'),
  tid: paramIndexTable('tid'), pid: paramIndexTable('pid'), ptid: paramIndexTable('ptid'),
  cwd: paramIndexTable('cwd'), fdlimit: paramIndexTable('fdlimit'), comm: paramIndexTable('comm'),
  cgroups: paramIndexTable('cgroups'), env: paramIndexTable('env'), tty: paramIndexTable('tty'),
  pgid: paramIndexTable('pgid'), vpgid: paramIndexTable('vpgid'), loginuid: paramIndexTable('loginuid'),
  uid: paramIndexTable('uid'), gid: paramIndexTable('gid'), vtid: paramIndexTable('vtid'),
  vpid: paramIndexTable('vpid'), pgftMaj: paramIndexTable('pgft_maj'), pgftMin: paramIndexTable('pgft_min'),
  vmSize: paramIndexTable('vm_size'), vmRss: paramIndexTable('vm_rss'), vmSwap: paramIndexTable('vm_swap'),
  filename: paramIndexTable('filename'), pathname: paramIndexTable('pathname'),
  trustedExepath: paramIndexTable('trusted_exepath'), capInh: paramIndexTable('cap_inheritable'),
  capPerm: paramIndexTable('cap_permitted'), capEff: paramIndexTable('cap_effective'),
  euid: paramIndexTable('euid'), egid: paramIndexTable('egid'), newfd: paramIndexTable('newfd'),
  exeIno: paramIndexTable('exe_ino'), exeInoCtime: paramIndexTable('exe_ino_ctime'),
  exeInoMtime: paramIndexTable('exe_ino_mtime'), pidnsInit: paramIndexTable('pidns_init_start_ts'),
  first: paramIndexTable('first'), last: paramIndexTable('last'), pidFd: paramIndexTable('pid_fd'),
  targetFd: paramIndexTable('target_fd'),
};

/** PPM_EXE_* bits of execve's flags in the current table (2022 had only WRITABLE). */
const EXE_WRITABLE = 1, EXE_UPPER_LAYER = 2, EXE_FROM_MEMFD = 4, EXE_LOWER_LAYER = 8;

/** PPM clone flags used here. */
const CL_CLONE_FILES = 1 << 0, CL_CLONE_THREAD = 1 << 13;
/** PPM fcntl commands that duplicate an fd. */
const PPM_F_DUPFD = 1, PPM_F_DUPFD_CLOEXEC = 26;
const PPM_O_DIRECTORY = 1024, PPM_O_CLOEXEC = 4096;
const CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;
const AT_FDCWD = -100;

/** The per-event evaluation context the fields read. One instance, reused for every event. */
export class EvalContext {
  ev: EventView;
  /** The event's thread (null for events without one, e.g. tid -1 container events). */
  thread: ThreadInfo | null = null;
  /** The fd the event refers to, resolved like sinsp (null when none or unknown). */
  fd: FdInfo | null = null;
  /** The fd number for fd.num (-1 when the event has none). */
  fdNum = -1;
  /** Whether the event type uses/creates/destroys an fd (sinsp extracts fd fields only then). */
  hasFdFlag = false;
  /** Exit event whose enter event was seen right before on the same thread. */
  enterValid = false;
  /** ns timestamp of the event (as a number is inexact: read ev.ts() for exact values). */
  readonly inspector: Inspector;
  /** Per-event memo slots for lazily computed values; `memoNum` says which event they belong to. */
  memoNum = -1;
  memoInfo: string | null = null;
  memoArgs: string | null = null;

  constructor(inspector: Inspector, ev: EventView) { this.inspector = inspector; this.ev = ev; }
}

export interface InspectorOptions {
  maxThreads?: number;
}

export class Inspector {
  readonly threads: ThreadTable;
  readonly users = new Map<number, UserEntry>();
  readonly groups = new Map<number, GroupEntry>();
  readonly ctx: EvalContext;
  /** First event timestamp (evt.reltime origin). */
  firstTs = -1n;
  /** Previous event timestamp (evt.deltatime). */
  prevTs = 0n;
  hostname = '';
  interfaces: InterfaceEntry[] = [];
  /** What argument rendering (evt.info, evt.arg.*) asks the state for. */
  readonly renderCtx: RenderContext;
  /**
   * Container id of a thread ('' = host). The containers module replaces this to answer from
   * its metadata; the default reads the cgroup path.
   */
  containerId: (t: ThreadInfo) => string = (t) => t.containerId;
  /** Renders %evt.args/%evt.info; replaced by `kestrel inspect` for -v/-A/-X/-j buffer modes. */
  argsRenderer: ((ev: EventView, rc: RenderContext) => string) | null = null;
  private sawOrdinary = false;
  private haveFirst = false;
  private readonly unknownFd = new FdInfo();
  private pendingFdTable: FdTable | null = null;
  private pendingFd = -1;
  private pendingThread = -1;

  constructor(ev: EventView, opts: InspectorOptions = {}) {
    this.threads = new ThreadTable(opts.maxThreads);
    this.ctx = new EvalContext(this, ev);
    this.renderCtx = makeRenderContext(this);
  }

  /** Seeds the tables from a capture header (PL, FDL, UL) or a /proc snapshot. */
  seed(h: CaptureHeader): void {
    this.hostname = h.machine?.hostname ?? '';
    this.interfaces = h.interfaces;
    for (const u of h.users) this.users.set(u.uid, u);
    for (const g of h.groups) this.groups.set(g.gid, g);
    for (const p of h.procs) this.threads.add(threadFromProc(p));
    for (const [tid, fds] of h.fds) {
      const t = this.threads.get(tid);
      if (!t) continue;
      this.fillFds(this.threads.main(t), fds);
    }
    // Threads share their process's fd table and cwd.
    for (const t of this.threads.map.values()) {
      if (t.tid !== t.pid) { const m = this.threads.get(t.pid); if (m) t.fds = m.fds; }
    }
  }

  /** Reads users and groups from /etc/passwd and /etc/group (live capture). */
  seedUsersFromText(passwd: string, group: string): void {
    for (const line of passwd.split('\n')) {
      const f = line.split(':');
      if (f.length < 7) continue;
      const uid = Number(f[2]), gid = Number(f[3]);
      if (Number.isInteger(uid)) this.users.set(uid, { uid, gid, name: f[0], homedir: f[5], shell: f[6] });
    }
    for (const line of group.split('\n')) {
      const f = line.split(':');
      if (f.length < 3) continue;
      const gid = Number(f[2]);
      if (Number.isInteger(gid)) this.groups.set(gid, { gid, name: f[0] });
    }
  }

  /** Updates the state with one event and points the context at it. Returns the context. */
  process(ev: EventView): EvalContext {
    const ctx = this.ctx;
    ctx.ev = ev;
    // Deferred removals from the previous event.
    if (this.pendingFd >= 0 || this.pendingThread >= 0) this.removePending();
    const type = ev.type;
    // evt.reltime counts from the first event that is not a container event (those may carry ts 0).
    if (!this.haveFirst && type !== 272 && type !== 324 && type !== 228) { this.firstTs = ev.ts(); this.haveFirst = true; }
    ctx.fd = null;
    ctx.fdNum = -1;
    ctx.enterValid = false;
    ctx.memoNum = -1;
    if (type >= NTYPES) { ctx.thread = null; ctx.hasFdFlag = false; return ctx; }
    const r = ROUTE[type];
    ctx.hasFdFlag = (r & R_ANY_FD) !== 0;
    if ((r & R_FAST) === R_FAST_ON) {
      // Scheduler switches, procinfo and the other meta enter events (most of a capture): like
      // sinsp, they only look their thread up, and switches refresh its memory counters.
      this.sawOrdinary = true;
      const t = ev.tid > 0 ? this.threads.get(ev.tid) ?? null : null;
      ctx.thread = t;
      if (t !== null) {
        // The timestamp's high half (u32 halves read by EventView.load: no BigInt, no float
        // math on the hot path) is the purge clock: see ThreadInfo.lastAccessHi.
        t.lastAccessHi = ev.tsHi;
        if ((r & R_VMSTATS) !== 0) this.vmStats(ev, t);
      }
    } else this.processFull(ev, type, FLAGS[type]);
    if (this.threads.map.size >= this.threads.maxThreads) this.threads.maybePurge(ev.tsHi * 4294.967296);
    return ctx;
  }

  private removePending(): void {
    if (this.pendingFd >= 0) { this.pendingFdTable!.remove(this.pendingFd); this.pendingFd = -1; this.pendingFdTable = null; }
    if (this.pendingThread >= 0) { this.threads.remove(this.pendingThread); this.pendingThread = -1; }
  }

  /** `process` for every event but the lookup-only meta events. */
  private processFull(ev: EventView, type: number, eflags: number): void {
    const ctx = this.ctx;
    const tsLo = ev.tsLo, tsHi = ev.tsHi;
    let t: ThreadInfo | null = null;
    const isContainerEvt = type === 272 || type === 324 || type === 228;
    if (!isContainerEvt) this.sawOrdinary = true;
    if (ev.tid < 0 && isContainerEvt) t = this.containerThread(ev);
    else if (ev.tid > 0) {
      // tid 0 (the idle task) never gets an entry, like in sinsp.
      t = this.threads.get(ev.tid) ?? null;
      // Scheduler events name many kernel threads: like sinsp, they only look threads up.
      if (t === null && !(KIND[type] === K.CLONE && !IS_ENTER[type]) && LOOKUP_ONLY[type] === 0) t = this.addUnknown(ev.tid, tsHi * 4294967296 + tsLo);
    }
    ctx.thread = t;
    const k = KIND[type];

    if (IS_ENTER[type]) {
      if (t !== null && (LOOKUP_ONLY[type] === 1)) {
        t.lastAccessHi = tsHi;
        if (k === K.VMSTATS) this.vmStats(ev, t);
      } else if (t !== null) {
        t.lastAccessHi = tsHi;
        t.lastEventType = type;
        t.enterHi = tsHi; t.enterLo = tsLo;
        t.latency = 0;
        t.lastEventFd = (eflags & EF_USES_FD) !== 0 ? int(ev, 0, -1) : -1;
        if (k !== K.NONE) this.parseEnter(ev, t, k);
        if (t.lastEventFd >= 0) { ctx.fdNum = t.lastEventFd; ctx.fd = t.fds.get(t.lastEventFd) ?? null; }
      }
    } else {
      if (t !== null) {
        t.lastAccessHi = tsHi;
        ctx.enterValid = t.lastEventType === type - 1;
        // Exact while the difference stays below 2^53 ns (104 days).
        if (t.enterHi !== 0 || t.enterLo !== 0) t.latency = (tsHi - t.enterHi) * 4294967296 + (tsLo - t.enterLo);
        if ((eflags & EF_USES_FD) !== 0) {
          // Live exit-only events carry the fd (the dup family as `oldfd`: the fd being copied);
          // files take it from the enter event.
          const fi = P.fd[type] >= 0 ? P.fd[type] : P.oldfd[type];
          if (fi >= 0 && fi < ev.nparams && ev.plen[fi] === 8) t.lastEventFd = int(ev, fi, -1);
          else if (!ctx.enterValid) t.lastEventFd = -1;
        } else if ((eflags & EF_CREATES_FD) !== 0) {
          t.lastEventFd = -1;
        }
        if (k !== K.NONE) t = this.parseExit(ev, t, k);
        ctx.thread = t;
        if (t !== null && ctx.hasFdFlag && t.lastEventFd >= 0) {
          ctx.fdNum = t.lastEventFd;
          // An exit on an fd the tables do not know shows an empty, untyped fd (as sinsp does);
          // it is not stored.
          // (unknownFd is never written to, so it stays blank: only its number changes.)
          const known = t.fds.get(t.lastEventFd);
          if (known !== undefined) ctx.fd = known;
          else { this.unknownFd.fd = t.lastEventFd; ctx.fd = this.unknownFd; }
        }
        if (t !== null) t.lastEventType = -1;
      } else if (k === K.CLONE) {
        ctx.thread = this.parseExit(ev, null, k);
      }
    }
  }

  /** Called by the source loop after all consumers saw the event. */
  endEvent(_ev: EventView): void { /* nothing yet */ }

  /** Marks an event as output: evt.deltatime counts from the last event shown (as in sysdig). */
  shown(ev: EventView): void {
    this.prevTs = ev.ts();
  }

  /**
   * Whether sysdig 0.29.3 leaves this event out of its output: state-only events, internal ones
   * (procinfo, …) and container events that come before the first ordinary event.
   */
  hidden(ev: EventView): boolean {
    const type = ev.type;
    if ((ev.dumpFlags & 1) !== 0 || type >= EVENT_COUNT) return true;
    if (EVENT_CATEGORY[type] === 256) return true;
    if ((type === 272 || type === 324) && !this.sawOrdinary) return true;
    return false;
  }

  /** sinsp shows container events (tid -1) on a "container:<id>" pseudo-thread. */
  private containerThread(ev: EventView): ThreadInfo {
    let id = '';
    if (ev.nparams > 0) {
      const head = ev.buf.toString('latin1', ev.poff[0], Math.min(ev.poff[0] + ev.plen[0], ev.poff[0] + 4096));
      const m = /"id":"([^"]*)"/.exec(head);
      if (m) id = m[1];
    }
    const t = this.threads.get(-1) ?? new ThreadInfo();
    // The values sinsp 0.29.3 shows for this pseudo-thread.
    t.tid = -1; t.pid = -1; t.ptid = 0; t.sid = -1; t.vpgid = -1; t.vtid = -2; t.vpid = -2; t.fdlimit = -1;
    t.comm = 'container:' + id; t.exe = ''; t.cwd = ''; t.containerId = id; t.uid = 0; t.gid = 0; t.loginuid = 0;
    this.threads.add(t);
    return t;
  }

  /**
   * Live capture: reads a thread the table does not know from the running system (the source's
   * `lookupThread`). Unknown threads come from dropped clone events, purges, or processes
   * started before the capture that the snapshot missed; without this their alerts would say
   * <NA> for the process, its parents, user and fds. Null for capture files.
   */
  osLookup: ((tid: number) => ThreadLookup | null) | null = null;
  /** /proc lookups per second at most (each reads a dozen files and the process's fds). */
  osLookupsPerSec = 500;
  /** Unknown threads: looked up in /proc (found, gone) or not (over the rate limit). */
  readonly lookups = { found: 0, gone: 0, skipped: 0 };
  private lookupWindowMs = 0;
  private lookupsInWindow = 0;
  private lookupMsInWindow = 0;
  /** …and at most this many ms of lookups per second (5% of the event loop). */
  osLookupMsPerSec = 50;

  private addUnknown(tid: number, evNs: number): ThreadInfo {
    if (this.osLookup !== null) {
      const t = this.addFromOs(tid, evNs);
      if (t !== null) return t;
    }
    // sinsp adds a placeholder so later lookups do not repeat; these are its values.
    const t = new ThreadInfo();
    t.tid = tid; t.pid = tid; t.ptid = -1; t.sid = -1; t.vpgid = -1; t.vtid = -1; t.vpid = -1;
    t.comm = '<NA>'; t.exe = '<NA>'; t.cwd = ''; t.fdlimit = -1; t.uid = -1; t.gid = -1;
    t.loginuid = -1; t.placeholder = true;
    this.threads.add(t);
    return t;
  }

  private addFromOs(tid: number, evNs: number): ThreadInfo | null {
    const t = this.readFromOs(tid, evNs);
    if (t === null) return null;
    // Its ancestors too, while unknown (alerts name the parent and grandparents), a few levels.
    let up = this.threads.main(t);
    for (let depth = 0; depth < 8 && up.ptid > 0 && up.ptid !== up.tid && this.threads.parent(up) === undefined; depth++) {
      // a live process's current parent is alive too: its pid cannot have been reused
      const p = this.readFromOs(up.ptid, Infinity);
      if (p === null) break;
      up = this.threads.main(p);
    }
    return t;
  }

  /**
   * One /proc lookup within the rate limit; adds the thread (and its process) to the table.
   * `evNs`: the time of the event naming `tid`. A thread /proc says started after it is not
   * that event's thread (it exited and its pid was reused before the event was read): gone.
   */
  private readFromOs(tid: number, evNs: number): ThreadInfo | null {
    const now = performance.now();
    if (now - this.lookupWindowMs >= 1000) { this.lookupWindowMs = now; this.lookupsInWindow = 0; this.lookupMsInWindow = 0; }
    // Lookups are synchronous (~0.8 ms each here): bounded by count and by time, so that a burst
    // of unknown threads (after drops) cannot take the event loop from the drain.
    if (this.lookupsInWindow >= this.osLookupsPerSec || this.lookupMsInWindow >= this.osLookupMsPerSec) { this.lookups.skipped++; return null; }
    this.lookupsInWindow++;
    let found: ThreadLookup | null = null;
    try { found = this.osLookup!(tid); } catch { found = null; }
    this.lookupMsInWindow += performance.now() - now;
    if (found === null || found.procs.length === 0 || found.procs[0]!.tid !== tid || startedAfter(found.procs[0]!, evNs)) { this.lookups.gone++; return null; }
    this.lookups.found++;
    const t = threadFromProc(found.procs[0]!);
    this.threads.add(t);
    if (t.tid !== t.pid) {
      // The process may be known already (a new thread whose clone was lost): keep its state.
      let main = this.threads.get(t.pid);
      if (main === undefined && found.procs.length > 1) { main = threadFromProc(found.procs[1]!); this.threads.add(main); this.fillFds(main, found.fds); }
      if (main !== undefined) t.fds = main.fds;
    } else this.fillFds(t, found.fds);
    return t;
  }

  private fillFds(owner: ThreadInfo, fds: readonly FdEntry[]): void {
    for (const f of fds) fillFromEntry(owner.fds.add(f.fd), f);
  }

  private parseEnter(ev: EventView, t: ThreadInfo, k: number): void {
    const type = ev.type;
    switch (k) {
      case K.SOCKET: t.enterA = int(ev, P.domain[type]); t.enterB = uint(ev, P.type[type]); t.enterC = uint(ev, P.proto[type]); break;
      case K.SETUID: t.enterA = int(ev, P.uid[type], -1); break;
      case K.SETGID: t.enterA = int(ev, P.gid[type], -1); break;
      case K.SETRESUID: t.enterA = int(ev, P.euid[type], -1); break;
      case K.SETRESGID: t.enterA = int(ev, P.egid[type], -1); break;
      case K.FCNTL: t.enterA = int(ev, P.cmd[type]); break;
      case K.EXECVE: t.enterStr = str(ev, P.filename[type] >= 0 ? P.filename[type] : P.pathname[type]); t.enterA = int(ev, P.dirfd[type], AT_FDCWD); break;
      case K.PROCEXIT: this.pendingThread = t.tid; t.exited = true; break;
      case K.VMSTATS: this.vmStats(ev, t); break;
      case K.CONNECT: this.connectEnter(ev, t); break;
      case K.SENDRECV: {
        // Keep sendto/sendmsg's tuple for the exit (only when the fd is an unconnected socket).
        const ti = P.tuple[type];
        const e = t.lastEventFd >= 0 ? t.fds.get(t.lastEventFd) : undefined;
        if (ti >= 0 && ti < ev.nparams && ev.plen[ti] > 1 && e && tupleUpdatable(e)) t.enterTuple = Buffer.from(ev.buf.subarray(ev.poff[ti], ev.poff[ti] + ev.plen[ti]));
        else t.enterTuple = null;
        break;
      }
      default: break;
    }
  }

  private parseExit(ev: EventView, t: ThreadInfo | null, k: number): ThreadInfo | null {
    const type = ev.type;
    if (k === K.CLONE) return this.parseClone(ev, t);
    if (t === null) return t;
    switch (k) {
      case K.OPEN: {
        const fd = int(ev, P.fd[type], -1);
        if (fd < 0 || !(P.name[type] >= 0 && P.name[type] < ev.nparams)) break;
        const raw = str(ev, P.name[type]);
        const dirfd = P.dirfd[type] >= 0 ? int(ev, P.dirfd[type], AT_FDCWD) : AT_FDCWD;
        const flags = uint(ev, P.flags[type]);
        const e = t.fds.add(fd);
        e.type = (flags & PPM_O_DIRECTORY) !== 0 ? FdType.DIRECTORY : FdType.FILE;
        e.nameRaw = raw;
        e.name = this.resolvePath(t, dirfd, raw);
        e.openFlags = flags;
        e.dev = uint(ev, P.dev[type]);
        e.ino = u64(ev, P.ino[type]);
        t.lastEventFd = fd;
        break;
      }
      case K.SOCKET: {
        const fd = int(ev, P.fd[type], -1);
        if (fd < 0) break;
        // Exit-only live events carry domain/type/proto; files have them on the enter event.
        let domain = t.enterA;
        const di = P.domain[type];
        if (di >= 0 && di < ev.nparams && ev.plen[di] > 0) domain = int(ev, di);
        const e = t.fds.add(fd);
        if (domain === 1) { e.type = FdType.UNIX_SOCK; }
        else if (domain === 2 || domain === 10) {
          e.type = domain === 2 ? FdType.IPV4_SOCK : FdType.IPV6_SOCK;
          // sinsp 0.29.3 leaves the protocol unknown here: connect() makes it TCP and
          // sendto/recvfrom tuples make it UDP.
        } else if (domain === 16) { e.type = FdType.NETLINK; }
        else e.type = FdType.UNSUPPORTED;
        t.lastEventFd = fd;
        break;
      }
      case K.BIND: {
        if (int(ev, P.res[type], -1) < 0) break;
        const e = t.lastEventFd >= 0 ? t.fds.get(t.lastEventFd) : undefined;
        if (!e) break;
        this.applyBind(ev, P.addr[type], e);
        break;
      }
      case K.CONNECT: {
        // Live exit-only events carry the user sockaddr the enter would have (`addr`): apply
        // it as the enter does, so a connect that fails before routing still names its target.
        if (!this.ctx.enterValid) this.connectEnter(ev, t);
        const res = int(ev, P.res[type], -1);
        const e = t.lastEventFd >= 0 ? t.fds.get(t.lastEventFd) : undefined;
        if (!e || (res < 0 && res !== -115)) break;
        // A connected UDP socket keeps its peer (sysdig 0.29.3 on the samples: a second connect
        // does not move it; a first connect after an unconnected sendto does).
        if (e.l4proto === L4.UDP && e.connected) break;
        e.connected = true;
        const before = e.type === FdType.IPV4_SOCK || e.type === FdType.IPV6_SOCK ? tupleName(e) : '';
        if (this.applyTuple(ev, P.tuple[type], e)) {
          // sinsp: a UDP "server" (it received first) that connects swaps the ends
          if (e.role === ROLE_SERVER && e.l4proto === L4.UDP && tupleName(e) !== before) swapEnds(e);
          if (e.role === 0) e.role = ROLE_CLIENT;
          if (e.l4proto === L4.UNKNOWN && e.type !== FdType.UNIX_SOCK) e.l4proto = L4.TCP;
        }
        break;
      }
      case K.ACCEPT: {
        const fd = int(ev, P.fd[type], -1);
        if (fd < 0) break;
        const e = t.fds.add(fd);
        e.type = FdType.IPV4_SOCK;
        if (this.applyTuple(ev, P.tuple[type], e)) { e.role = ROLE_SERVER; if (e.type !== FdType.UNIX_SOCK) e.l4proto = L4.TCP; }
        t.lastEventFd = fd;
        break;
      }
      case K.PIPE: {
        if (int(ev, P.res[type], -1) < 0) break;
        const ino = u64(ev, P.ino[type]);
        for (const pi of [P.fd1[type], P.fd2[type]]) {
          const fd = int(ev, pi, -1);
          if (fd < 0) continue;
          const e = t.fds.add(fd);
          // sinsp 0.29.3 leaves pipe names empty (only /proc gives "pipe:[ino]")
          e.type = FdType.FIFO; e.ino = ino; e.name = '';
          t.lastEventFd = fd;
        }
        break;
      }
      case K.SOCKETPAIR: {
        if (int(ev, P.res[type], -1) < 0) break;
        const src = u64(ev, P.source[type]), peer = u64(ev, P.peer[type]);
        const a = int(ev, P.fd1[type], -1), b = int(ev, P.fd2[type], -1);
        if (a >= 0) { const e = t.fds.add(a); e.type = FdType.UNIX_SOCK; e.unixSource = src; e.unixDest = peer; }
        if (b >= 0) { const e = t.fds.add(b); e.type = FdType.UNIX_SOCK; e.unixSource = peer; e.unixDest = src; t.lastEventFd = b; }
        break;
      }
      case K.SIMPLEFD: {
        const ri = P.res[type] >= 0 ? P.res[type] : P.fd[type];
        const fd = int(ev, ri, -1);
        if (fd < 0) break;
        const e = t.fds.add(fd);
        e.type = SIMPLE_TYPE[type];
        if (e.type === FdType.MEMFD) e.name = 'memfd:' + str(ev, P.name[type]);
        else if (e.type === FdType.PIDFD && P.pid[type] >= 0 && P.pid[type] < ev.nparams) e.pid = int(ev, P.pid[type], 0);
        t.lastEventFd = fd;
        break;
      }
      case K.PIDFD_GETFD: {
        // a copy of another process's fd: known when the pidfd's process and that fd are
        const fd = int(ev, P.fd[type], -1);
        if (fd < 0) break;
        const pfd = t.fds.get(int(ev, P.pidFd[type], -1));
        const owner = pfd !== undefined && pfd.pid > 0 ? this.threads.get(pfd.pid) : undefined;
        const src = owner !== undefined ? owner.fds.get(int(ev, P.targetFd[type], -1)) : undefined;
        const e = t.fds.add(fd);
        if (src !== undefined) e.copyFrom(src);
        else e.type = FdType.UNSUPPORTED;
        t.lastEventFd = fd;
        break;
      }
      case K.OPEN_BY_HANDLE: {
        // the probe resolves the handle to the file's absolute path
        const fd = int(ev, P.fd[type], -1);
        if (fd < 0 || !(P.path[type] >= 0 && P.path[type] < ev.nparams)) break;
        const flags = uint(ev, P.flags[type]);
        const e = t.fds.add(fd);
        e.type = (flags & PPM_O_DIRECTORY) !== 0 ? FdType.DIRECTORY : FdType.FILE;
        e.name = str(ev, P.path[type]); e.nameRaw = e.name;
        e.openFlags = flags;
        e.dev = uint(ev, P.dev[type]);
        e.ino = u64(ev, P.ino[type]);
        t.lastEventFd = fd;
        break;
      }
      case K.CLOSE_RANGE: {
        // [first, last] (last may be ~0U): close every open fd in it, or with
        // CLOSE_RANGE_CLOEXEC only mark them close-on-exec
        if (int(ev, P.res[type], -1) !== 0) break;
        const first = uint(ev, P.first[type]), last = uint(ev, P.last[type]);
        const fl = uint(ev, P.flags[type]);
        const cloexec = (fl & CLOSE_RANGE_CLOEXEC) !== 0;
        // CLOSE_RANGE_UNSHARE: the caller first gets a private copy of a shared table
        if ((fl & CLOSE_RANGE_UNSHARE) !== 0) t.fds = t.fds.clone();
        const fds = t.fds;
        for (const [n, e] of fds.map) {
          if (n < first || n > last) continue;
          if (cloexec) e.openFlags |= PPM_O_CLOEXEC;
          else fds.remove(n);
        }
        break;
      }
      case K.CLOSE: {
        if (int(ev, P.res[type], -1) < 0 || t.lastEventFd < 0) break;
        this.pendingFdTable = t.fds; this.pendingFd = t.lastEventFd;
        break;
      }
      case K.DUP: {
        const res = int(ev, P.res[type], -1);
        let old = t.lastEventFd;
        const oi = P.oldfd[type];
        if (oi >= 0 && oi < ev.nparams && ev.plen[oi] > 0) old = int(ev, oi, -1);
        if (res < 0 || old < 0 || res === old) break;
        const src = t.fds.get(old);
        if (!src) break;
        const e = t.fds.add(res);
        e.copyFrom(src);
        t.lastEventFd = res;
        break;
      }
      case K.FCNTL: {
        const res = int(ev, P.res[type], -1);
        if (res < 0 || (t.enterA !== PPM_F_DUPFD && t.enterA !== PPM_F_DUPFD_CLOEXEC) || t.lastEventFd < 0) break;
        const src = t.fds.get(t.lastEventFd);
        if (src && res !== t.lastEventFd) { t.fds.add(res).copyFrom(src); t.lastEventFd = res; }
        break;
      }
      case K.CHDIR: {
        if (int(ev, P.res[type], -1) < 0) break;
        const m = this.threads.main(t);
        m.cwd = withSlash(concatPaths(m.cwd, str(ev, P.path[type])));
        break;
      }
      case K.FCHDIR: {
        if (int(ev, P.res[type], -1) < 0) break;
        const e = t.lastEventFd >= 0 ? t.fds.get(t.lastEventFd) : undefined;
        if (e) this.threads.main(t).cwd = withSlash(e.name);
        break;
      }
      case K.SENDRECV: {
        const e = t.lastEventFd >= 0 ? t.fds.get(t.lastEventFd) : undefined;
        if (!e || !(e.type === FdType.IPV4_SOCK || e.type === FdType.IPV6_SOCK) || !tupleUpdatable(e)) { t.enterTuple = null; break; }
        if (int(ev, P.res[type], -1) < 0) break;
        // The tuple is on the exit (recvfrom/recvmsg) or on the enter event (sendto/sendmsg;
        // live exits carry it appended, and it still makes the sender the client).
        if (IS_SEND[type] === 0 && P.tuple[type] >= 0 && P.tuple[type] < ev.nparams && ev.plen[P.tuple[type]] > 1) {
          if (this.applyTuple(ev, P.tuple[type], e)) { e.l4proto = L4.UDP; this.fillUnboundEnd(e); e.role = ROLE_SERVER; }
        } else if (t.enterTuple !== null && t.enterTuple.length > 1) {
          if (this.applyTupleBytes(t.enterTuple, 0, t.enterTuple.length, e)) { e.l4proto = L4.UDP; this.fillUnboundEnd(e); e.role = ROLE_CLIENT; }
        } else if (IS_SEND[type] === 1 && P.tuple[type] >= 0 && P.tuple[type] < ev.nparams && ev.plen[P.tuple[type]] > 1) {
          if (this.applyTuple(ev, P.tuple[type], e)) { e.l4proto = L4.UDP; this.fillUnboundEnd(e); e.role = ROLE_CLIENT; }
        }
        break;
      }
      case K.EXECVE: this.parseExecve(ev, t); break;
      case K.VMSTATS: this.vmStats(ev, t); break;
      case K.SETUID: if (int(ev, P.res[type], -1) === 0) { const u = P.uid[type] >= 0 && P.uid[type] < ev.nparams ? int(ev, P.uid[type]) : t.enterA; if (u >= 0) this.setUid(t, u); } break;
      case K.SETGID: if (int(ev, P.res[type], -1) === 0) { const g = P.gid[type] >= 0 && P.gid[type] < ev.nparams ? int(ev, P.gid[type]) : t.enterA; if (g >= 0) this.setGid(t, g); } break;
      case K.SETRESUID: if (int(ev, P.res[type], -1) === 0) { const u = P.euid[type] >= 0 && P.euid[type] < ev.nparams ? int(ev, P.euid[type]) : t.enterA; if (u >= 0) this.setUid(t, u); } break;
      case K.SETRESGID: if (int(ev, P.res[type], -1) === 0) { const g = P.egid[type] >= 0 && P.egid[type] < ev.nparams ? int(ev, P.egid[type]) : t.enterA; if (g >= 0) this.setGid(t, g); } break;
      // setreuid/setregid: the effective id is what the thread's user/group shows (-1: unchanged)
      case K.SETREUID: if (int(ev, P.res[type], -1) === 0 && P.euid[type] >= 0 && P.euid[type] < ev.nparams) { const u = int(ev, P.euid[type]); if (u >= 0) this.setUid(t, u); } break;
      case K.SETREGID: if (int(ev, P.res[type], -1) === 0 && P.egid[type] >= 0 && P.egid[type] < ev.nparams) { const g = int(ev, P.egid[type]); if (g >= 0) this.setGid(t, g); } break;
      case K.SETSID: { const r = int(ev, P.res[type], -1); if (r >= 0) t.sid = r; break; }
      case K.CHROOT: if (int(ev, P.res[type], -1) === 0) this.threads.main(t).root = str(ev, P.path[type]); break;
      default: break;
    }
    return t;
  }

  private vmStats(ev: EventView, t: ThreadInfo): void {
    // switch_6 (the most frequent event of all): fixed layout, read in place from the u16
    // lengths array (no parameter table: EventView builds it only when asked), through the
    // view's DataView (one load per field). Lengths of params 1-5: 8, 8, 4, 4, 4.
    const dv = ev.dv, q = ev.off + ev.hdr, n = ev.nparams;
    if (ev.type === 152 && n >= 6 && dv.getUint32(q + 2, true) === 0x00080008 && dv.getUint32(q + 6, true) === 0x00040004 && dv.getUint16(q + 10, true) === 4) {
      const p1 = q + 2 * n + dv.getUint16(q, true);
      t.pfmajor = dv.getUint32(p1 + 4, true) * 4294967296 + dv.getUint32(p1, true);
      t.pfminor = dv.getUint32(p1 + 12, true) * 4294967296 + dv.getUint32(p1 + 8, true);
      t.vmsizeKb = dv.getUint32(p1 + 16, true); t.vmrssKb = dv.getUint32(p1 + 20, true); t.vmswapKb = dv.getUint32(p1 + 24, true);
      return;
    }
    this.vmStatsByName(ev, t);
  }

  /** The other events with memory counters (older switch layouts, exits of execve/clone …). */
  private vmStatsByName(ev: EventView, t: ThreadInfo): void {
    const type = ev.type;
    const vs = P.vmSize[type];
    if (vs < 0 || vs >= ev.nparams) return;
    t.vmsizeKb = uint(ev, vs); t.vmrssKb = uint(ev, P.vmRss[type]); t.vmswapKb = uint(ev, P.vmSwap[type]);
    if (P.pgftMaj[type] >= 0 && P.pgftMaj[type] < ev.nparams) { t.pfmajor = uint(ev, P.pgftMaj[type]); t.pfminor = uint(ev, P.pgftMin[type]); }
  }

  private setUid(t: ThreadInfo, uid: number): void {
    // Credentials are per thread in the kernel, but sinsp applies them process-wide.
    t.uid = uid;
    if (t.tid !== t.pid) { const m = this.threads.get(t.pid); if (m) m.uid = uid; }
  }
  private setGid(t: ThreadInfo, gid: number): void {
    t.gid = gid;
    if (t.tid !== t.pid) { const m = this.threads.get(t.pid); if (m) m.gid = gid; }
  }

  /** Absolute path for a name relative to dirfd (AT_FDCWD = cwd), normalised like sinsp. */
  resolvePath(t: ThreadInfo, dirfd: number, name: string): string {
    if (name.length > 0 && name.charCodeAt(0) === 47) return concatPaths('', name);
    let base: string;
    if (dirfd === AT_FDCWD) base = this.threads.main(t).cwd;
    else {
      const d = t.fds.get(dirfd);
      base = d ? d.name : '<UNKNOWN>';
    }
    return concatPaths(base, name);
  }

  /**
   * bind(): sinsp 0.29.3 names the fd after the address; only a non-zero port makes it a
   * listening (server) socket, which keeps the protocol socket() gave it (often unknown).
   */
  private applyBind(ev: EventView, i: number, e: FdInfo): void {
    if (i < 0 || i >= ev.nparams || ev.plen[i] < 1) return;
    const b = ev.buf, o = ev.poff[i], fam = b[o];
    if (fam === 2 && ev.plen[i] >= 7) {
      const port = b.readUInt16LE(o + 5);
      e.name = `${ipv4ToString(b.subarray(o + 1, o + 5))}:${port}`;
      if (port > 0) {
        e.type = FdType.IPV4_SERVSOCK; e.role = ROLE_SERVER;
        e.sip.fill(0); b.copy(e.sip, 0, o + 1, o + 5); e.sport = port;
      }
    } else if (fam === 10 && ev.plen[i] >= 19) {
      const port = b.readUInt16LE(o + 17);
      const ip = b.subarray(o + 1, o + 17);
      e.name = `${ipToString(ip, true)}:${port}`;
      if (port > 0) {
        e.role = ROLE_SERVER; e.sport = port; e.sip.fill(0);
        // an IPv4-mapped address makes it an IPv4 listener
        if (isV4Mapped(ip)) { e.type = FdType.IPV4_SERVSOCK; b.copy(e.sip, 0, o + 13, o + 17); }
        else { e.type = FdType.IPV6_SERVSOCK; b.copy(e.sip, 0, o + 1, o + 17); }
      }
    } else if (fam === 1) {
      e.type = FdType.UNIX_SOCK;
      e.name = cstr(b, o + 1, o + ev.plen[i]);
    }
  }

  /** Fills a socket fd from a SOCKTUPLE parameter; false when the tuple is empty/unknown. */
  private applyTuple(ev: EventView, i: number, e: FdInfo): boolean {
    if (i < 0 || i >= ev.nparams || ev.plen[i] < 1) return false;
    return this.applyTupleBytes(ev.buf, ev.poff[i], ev.plen[i], e);
  }

  private applyTupleBytes(b: Buffer, o: number, len: number, e: FdInfo): boolean {
    const fam = b[o];
    if (fam === 2 && len >= 13) {
      e.type = FdType.IPV4_SOCK;
      e.sip.fill(0); e.dip.fill(0);
      b.copy(e.sip, 0, o + 1, o + 5); e.sport = b.readUInt16LE(o + 5);
      b.copy(e.dip, 0, o + 7, o + 11); e.dport = b.readUInt16LE(o + 11);
      e.name = tupleName(e);
      return true;
    }
    if (fam === 10 && len >= 37) {
      b.copy(e.sip, 0, o + 1, o + 17); e.sport = b.readUInt16LE(o + 17);
      b.copy(e.dip, 0, o + 19, o + 35); e.dport = b.readUInt16LE(o + 35);
      // Both ends IPv4-mapped: sinsp treats it as an IPv4 socket.
      if (isV4Mapped(e.sip) && isV4Mapped(e.dip)) {
        e.type = FdType.IPV4_SOCK;
        e.sip.copyWithin(0, 12, 16); e.sip.fill(0, 4); e.dip.copyWithin(0, 12, 16); e.dip.fill(0, 4);
      } else e.type = FdType.IPV6_SOCK;
      e.name = tupleName(e);
      return true;
    }
    if (fam === 1 && len >= 17) {
      e.type = FdType.UNIX_SOCK;
      e.unixSource = b.readBigUInt64LE(o + 1);
      e.unixDest = b.readBigUInt64LE(o + 9);
      // sinsp names the fd after the rendered tuple: "source->dest path"
      e.name = `${e.unixSource.toString(16)}->${e.unixDest.toString(16)} ${cstr(b, o + 17, o + len)}`;
      return true;
    }
    return false;
  }

  /**
   * connect() enter (sinsp 0.29.3): the destination is known before the call returns; an IP
   * socket takes it as its server end (its name stays), a unix socket is named after the path.
   */
  private connectEnter(ev: EventView, t: ThreadInfo): void {
    const ai = P.addr[ev.type];
    const e = t.lastEventFd >= 0 ? t.fds.get(t.lastEventFd) : undefined;
    if (!e || ai < 0 || ai >= ev.nparams || ev.plen[ai] < 1) return;
    const b = ev.buf, o = ev.poff[ai], len = ev.plen[ai], fam = b[o];
    if (fam === 2 && len >= 7 && e.type === FdType.IPV4_SOCK) {
      e.dip.fill(0); b.copy(e.dip, 0, o + 1, o + 5); e.dport = b.readUInt16LE(o + 5);
    } else if (fam === 10 && len >= 19 && e.type === FdType.IPV6_SOCK) {
      b.copy(e.dip, 0, o + 1, o + 17); e.dport = b.readUInt16LE(o + 17);
    } else if (fam === 1 && e.type === FdType.UNIX_SOCK) {
      e.name = cstr(b, o + 1, o + len);
    }
  }

  /**
   * sinsp's update_fd for a datagram socket with one end still the any-address: that end
   * becomes the machine's address for the other one (the same address, one on its subnet,
   * else the first non-loopback interface).
   */
  private fillUnboundEnd(e: FdInfo): void {
    const v6 = e.type === FdType.IPV6_SOCK;
    const n = v6 ? 16 : 4;
    const zs = isZero(e.sip, n), zd = isZero(e.dip, n);
    if (!zs && !zd) return;
    const from = zs ? e.dip : e.sip;
    const guess = v6 ? this.inferV6(from) : this.inferV4(from);
    if (equalBytes(guess, from, n) && e.sport === e.dport) return;
    (zs ? e.sip : e.dip).set(guess.subarray(0, n));
    e.name = tupleName(e);
  }

  private inferV4(a: Uint8Array): Uint8Array {
    const ifs = this.interfaces;
    for (const i of ifs) if (i.family === 4 && equalBytes(i.addr, a, 4)) return i.addr;
    for (const i of ifs) {
      if (i.family !== 4) continue;
      let same = true;
      for (let k = 0; k < 4 && same; k++) same = (i.addr[k] & i.netmask[k]) === (a[k] & i.netmask[k]);
      if (same) return i.addr;
    }
    for (const i of ifs) if (i.family === 4 && !(i.addr[0] === 127 && i.addr[1] === 0 && i.addr[2] === 0 && i.addr[3] === 1)) return i.addr;
    return ZERO16;
  }

  private inferV6(a: Uint8Array): Uint8Array {
    const ifs = this.interfaces;
    for (const i of ifs) if (i.family === 6 && equalBytes(i.addr, a, 16)) return i.addr;
    // sinsp keeps only the address of a v6 interface; "same subnet" is the same first 8 bytes
    for (const i of ifs) if (i.family === 6 && equalBytes(i.addr, a, 8)) return i.addr;
    for (const i of ifs) if (i.family === 6 && !isV6Loopback(i.addr)) return i.addr;
    return ZERO16;
  }

  private parseExecve(ev: EventView, t: ThreadInfo): void {
    const type = ev.type;
    if (int(ev, P.res[type], -1) !== 0) return;
    t.exe = str(ev, P.exe[type]);
    t.args = strList(ev, P.args[type]);
    if (P.comm[type] >= 0 && P.comm[type] < ev.nparams) t.comm = str(ev, P.comm[type]);
    else t.comm = basename(t.exe);
    if (P.pid[type] >= 0) {
      const pid = int(ev, P.pid[type], t.pid), ptid = int(ev, P.ptid[type], t.ptid);
      if (pid > 0) t.pid = pid;
      if (ptid >= 0) t.ptid = ptid;
    }
    t.placeholder = false;
    // sinsp 0.29.3 does not take the cwd from execve (it keeps the inherited one).
    if (P.fdlimit[type] >= 0) t.fdlimit = int(ev, P.fdlimit[type]);
    if (P.pgftMaj[type] >= 0) { t.pfmajor = uint(ev, P.pgftMaj[type]); t.pfminor = uint(ev, P.pgftMin[type]); }
    if (P.vmSize[type] >= 0) { t.vmsizeKb = uint(ev, P.vmSize[type]); t.vmrssKb = uint(ev, P.vmRss[type]); t.vmswapKb = uint(ev, P.vmSwap[type]); }
    if (P.cgroups[type] >= 0 && P.cgroups[type] < ev.nparams) { t.cgroups = fixCgroups(strList(ev, P.cgroups[type])); t.containerId = containerIdFromCgroups(t.cgroups); }
    if (P.env[type] >= 0 && P.env[type] < ev.nparams) t.env = strList(ev, P.env[type]);
    if (P.tty[type] >= 0 && P.tty[type] < ev.nparams) t.tty = int(ev, P.tty[type]);
    const pg = P.pgid[type] >= 0 ? P.pgid[type] : P.vpgid[type];
    if (pg >= 0 && pg < ev.nparams) t.vpgid = int(ev, pg);
    if (P.loginuid[type] >= 0 && P.loginuid[type] < ev.nparams) t.loginuid = int(ev, P.loginuid[type]);
    if (P.flags[type] >= 0 && P.flags[type] < ev.nparams) {
      const fl = uint(ev, P.flags[type]);
      t.exeWritable = (fl & EXE_WRITABLE) !== 0; t.exeUpperLayer = (fl & EXE_UPPER_LAYER) !== 0;
      t.exeLowerLayer = (fl & EXE_LOWER_LAYER) !== 0; t.exeFromMemfd = (fl & EXE_FROM_MEMFD) !== 0;
    }
    // Appended (current table) parameters: absent from 2022 captures, which leaves them unknown.
    if (P.exeIno[type] >= 0 && P.exeIno[type] < ev.nparams) {
      t.exeIno = uint(ev, P.exeIno[type]); t.exeInoCtime = u64(ev, P.exeInoCtime[type]); t.exeInoMtime = u64(ev, P.exeInoMtime[type]);
    } else { t.exeIno = 0; t.exeInoCtime = 0n; t.exeInoMtime = 0n; }
    if (P.capInh[type] >= 0 && P.capInh[type] < ev.nparams) { t.capInheritable = u64(ev, P.capInh[type]); t.capPermitted = u64(ev, P.capPerm[type]); t.capEffective = u64(ev, P.capEff[type]); }
    if (P.uid[type] >= 0 && P.uid[type] < ev.nparams) t.uid = int(ev, P.uid[type]);
    if (P.gid[type] >= 0 && P.gid[type] < ev.nparams) t.gid = int(ev, P.gid[type]);
    // exepath: the enter event's filename resolved against the cwd, else the trusted path.
    // With the enter event before it (a capture file), sinsp 0.29.3 takes the enter's filename
    // even when the exit also carries the trusted path; live exit-only events use the latter.
    const tp = P.trustedExepath[type];
    if (t.lastEventType === type - 1 && t.enterStr !== '') t.exepath = t.enterStr.charCodeAt(0) === 47 ? t.enterStr : this.resolvePath(t, t.enterA, t.enterStr);
    else if (tp >= 0 && tp < ev.nparams && ev.plen[tp] > 1) t.exepath = str(ev, tp);
    else t.exepath = '';
    t.enterStr = '';
  }

  private parseClone(ev: EventView, cur: ThreadInfo | null): ThreadInfo | null {
    const type = ev.type;
    const res = int(ev, P.res[type], -1);
    if (res < 0) return cur;
    const flags = uint(ev, P.flags[type]);
    const ts = ev.ts();
    let childTid: number;
    let parent: ThreadInfo | null;
    // sinsp: a caller whose tid differs from its vtid runs in a PID namespace ("container"):
    // only the child's side knows the child's namespace ids.
    const hasV = P.vtid[type] >= 0 && P.vtid[type] < ev.nparams;
    const vtid = hasV ? int(ev, P.vtid[type]) : ev.tid;
    const vpid = hasV ? int(ev, P.vpid[type]) : -1;
    const inContainer = vtid !== ev.tid;
    if (res === 0) {
      // Child side: the event's own tid/pid/ptid describe the child.
      childTid = ev.tid;
      const ptid = int(ev, P.ptid[type], -1);
      parent = this.threads.get(ptid) ?? null;
      const existing = this.threads.get(childTid);
      if (existing && existing.pid !== -1 && existing.cloneTs !== 0n) {
        if (inContainer) { existing.vtid = vtid; existing.vpid = vpid; }
        return existing;
      }
    } else {
      if (inContainer) return cur;
      childTid = res;
      parent = cur;
      const existing = this.threads.get(childTid);
      if (existing && existing.pid !== -1) return cur;
    }
    const c = new ThreadInfo();
    c.tid = childTid;
    // The parent tid as sinsp keeps it: the calling thread (a new thread's parent is the
    // thread that created it); from the child's side, the process for a thread.
    if (res === 0) {
      c.pid = int(ev, P.pid[type], childTid);
      c.ptid = (flags & CL_CLONE_THREAD) !== 0 ? c.pid : int(ev, P.ptid[type], -1);
    } else {
      const ppid = int(ev, P.pid[type], parent ? parent.pid : -1);
      c.pid = (flags & CL_CLONE_THREAD) !== 0 ? ppid : childTid;
      c.ptid = ev.tid;
    }
    c.comm = P.comm[type] >= 0 && P.comm[type] < ev.nparams ? str(ev, P.comm[type]) : basename(str(ev, P.exe[type]));
    c.exe = str(ev, P.exe[type]);
    c.args = strList(ev, P.args[type]);
    c.exepath = parent ? parent.exepath : c.exe;
    c.fdlimit = int(ev, P.fdlimit[type]);
    c.flags = flags;
    if (P.uid[type] >= 0 && P.uid[type] < ev.nparams) { c.uid = int(ev, P.uid[type]); c.gid = int(ev, P.gid[type]); }
    else if (parent) { c.uid = parent.uid; c.gid = parent.gid; }
    // The parent's event carries the parent's namespace ids: outside a namespace sinsp uses
    // the child's tid/pid; the page-fault counters come from the event as they are.
    if (inContainer) { c.vtid = vtid; c.vpid = vpid; } else { c.vtid = c.tid; c.vpid = c.pid; }
    if (P.pgftMaj[type] >= 0 && P.pgftMaj[type] < ev.nparams) { c.pfmajor = uint(ev, P.pgftMaj[type]); c.pfminor = uint(ev, P.pgftMin[type]); }
    if (P.cgroups[type] >= 0 && P.cgroups[type] < ev.nparams) c.cgroups = fixCgroups(strList(ev, P.cgroups[type]));
    else if (parent) c.cgroups = parent.cgroups;
    c.containerId = containerIdFromCgroups(c.cgroups);
    if (P.vmSize[type] >= 0) { c.vmsizeKb = uint(ev, P.vmSize[type]); c.vmrssKb = uint(ev, P.vmRss[type]); c.vmswapKb = uint(ev, P.vmSwap[type]); }
    const pm = parent ? this.threads.main(parent) : null;
    c.cwd = pm ? pm.cwd : withSlash(str(ev, P.cwd[type]));
    if (pm) {
      c.sid = pm.sid; c.vpgid = pm.vpgid; c.loginuid = parent!.loginuid; c.tty = pm.tty; c.env = pm.env;
      c.root = pm.root; c.exeWritable = pm.exeWritable;
      c.exeUpperLayer = pm.exeUpperLayer; c.exeLowerLayer = pm.exeLowerLayer; c.exeFromMemfd = pm.exeFromMemfd;
      c.exeIno = pm.exeIno; c.exeInoCtime = pm.exeInoCtime; c.exeInoMtime = pm.exeInoMtime;
      c.pidnsInitStartTs = pm.pidnsInitStartTs;
      c.capInheritable = parent!.capInheritable; c.capPermitted = parent!.capPermitted; c.capEffective = parent!.capEffective;
      c.fds = (flags & (CL_CLONE_FILES | CL_CLONE_THREAD)) !== 0 ? pm.fds : pm.fds.clone();
    }
    if (P.pidnsInit[type] >= 0 && P.pidnsInit[type] < ev.nparams && ev.plen[P.pidnsInit[type]] === 8) {
      const pt = u64(ev, P.pidnsInit[type]);
      if (pt !== 0n) c.pidnsInitStartTs = pt;
    }
    c.cloneTs = ts;
    c.lastAccessHi = Number(ts >> 32n);
    c.enterHi = 0; c.enterLo = 0;
    this.threads.add(c);
    return res === 0 ? c : cur;
  }

  // ---- lookups used by fields and by argument rendering ----

  user(uid: number): UserEntry | undefined { return this.users.get(uid); }
  group(gid: number): GroupEntry | undefined { return this.groups.get(gid); }
}


const ZERO16 = new Uint8Array(16);

/** Per event type: 1 for sendto/sendmsg/sendmmsg (their tuple makes the caller the client). */
const IS_SEND = new Uint8Array(EVENT_COUNT);
for (let i = 0; i < EVENT_COUNT; i++) if (EVENT_NAME[i]!.startsWith('send')) IS_SEND[i] = 1;

/**
 * Whether a send/receive tuple may (re)name the socket: sinsp 0.29.3 takes it while the fd
 * has no name or is not TCP, so an unconnected UDP socket follows each datagram's peer.
 */
function tupleUpdatable(e: FdInfo): boolean {
  return e.role === 0 || e.name === '' || e.l4proto !== L4.TCP;
}

function isZero(a: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== 0) return false;
  return true;
}
function equalBytes(a: Uint8Array, b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
function isV6Loopback(a: Uint8Array): boolean {
  for (let i = 0; i < 15; i++) if (a[i] !== 0) return false;
  return a[15] === 1;
}

/** The two ends of a socket exchanged (client <-> server). */
function swapEnds(e: FdInfo): void {
  const ip = Uint8Array.from(e.sip);
  e.sip.set(e.dip); e.dip.set(ip);
  const p = e.sport; e.sport = e.dport; e.dport = p;
  e.name = tupleName(e);
}

/** sinsp reports the cgroup v2 "io" controller under its v1 name "blkio". */
function fixCgroups(cg: string[]): string[] {
  for (let i = 0; i < cg.length; i++) if (cg[i].startsWith('io=')) cg[i] = 'blkio=' + cg[i].slice(3);
  return cg;
}

function isV4Mapped(a: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (a[i] !== 0) return false;
  return a[10] === 0xff && a[11] === 0xff;
}

function cstr(b: Buffer, s: number, e: number): string {
  for (let p = s; p < e; p++) if (b[p] === 0) { e = p; break; }
  return b.toString('utf8', s, e);
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

function withSlash(p: string): string {
  return p.length > 0 && p.charCodeAt(p.length - 1) === 47 ? p : p + '/';
}

export function threadFromProc(p: ProcEntry): ThreadInfo {
  const t = new ThreadInfo();
  t.tid = p.tid; t.pid = p.pid; t.ptid = p.ptid; t.sid = p.sid; t.vpgid = p.vpgid; t.comm = p.comm;
  t.exe = p.exe; t.exepath = p.exepath; t.args = p.args; t.cwd = withSlash(p.cwd); t.fdlimit = Number(p.fdlimit);
  t.flags = p.flags; t.uid = p.uid; t.gid = p.gid; t.vmsizeKb = p.vmsizeKb; t.vmrssKb = p.vmrssKb;
  t.vmswapKb = p.vmswapKb; t.pfmajor = Number(p.pfmajor); t.pfminor = Number(p.pfminor); t.env = p.env;
  t.vtid = p.vtid; t.vpid = p.vpid; t.cgroups = fixCgroups(p.cgroups); t.root = p.root; t.loginuid = p.loginuid;
  t.exeWritable = p.exeWritable; t.capInheritable = p.capInheritable; t.capPermitted = p.capPermitted;
  t.capEffective = p.capEffective; t.deriveContainerId();
  // Current-layout capture headers carry the executable facts (2022 ones leave them unknown).
  if (p.exeIno !== undefined) { t.exeIno = Number(p.exeIno); t.exeInoCtime = p.exeInoCtime ?? 0n; t.exeInoMtime = p.exeInoMtime ?? 0n; }
  if (p.pidnsInitStartTs !== undefined) t.pidnsInitStartTs = p.pidnsInitStartTs;
  if (p.cloneTs !== undefined) t.cloneTs = p.cloneTs;
  t.exeUpperLayer = p.exeUpperLayer === true; t.exeLowerLayer = p.exeLowerLayer === true; t.exeFromMemfd = p.exeFromMemfd === true;
  return t;
}

function fillFromEntry(e: FdInfo, f: FdEntry): void {
  e.type = f.type === FdType.FILE_V2 ? FdType.FILE : f.type;
  e.name = f.name; e.nameRaw = f.name; e.openFlags = f.openFlags; e.ino = f.ino; e.dev = f.dev;
  // e is fresh or reset (FdTable.add): its addresses are zero, and non-socket entries have none.
  if (f.sip.length > 0) e.sip.set(f.sip.length > 16 ? f.sip.subarray(0, 16) : f.sip);
  if (f.dip.length > 0) e.dip.set(f.dip.length > 16 ? f.dip.subarray(0, 16) : f.dip);
  e.sport = f.sport; e.dport = f.dport; e.l4proto = f.l4proto;
  e.unixSource = f.unixSource; e.unixDest = f.unixDest;
  if (f.type === FdType.IPV4_SOCK || f.type === FdType.IPV6_SOCK) { if (e.name === '') e.name = tupleName(e); }
  // sinsp gives a unix socket from /proc a role (fd.cport then prints 0)
  else if (f.type === FdType.UNIX_SOCK) e.role = ROLE_CLIENT;
  else if (f.type === FdType.IPV4_SERVSOCK) { if (e.name === '') e.name = `${ipv4ToString(e.sip)}:${e.sport}`; e.role = ROLE_SERVER; }
  else if (f.type === FdType.IPV6_SERVSOCK) { if (e.name === '') e.name = `${ipToString(e.sip, true)}:${e.sport}`; e.role = ROLE_SERVER; }
}

/** Slack for the pid-reuse check: /proc start times have 10 ms ticks, and the boot epoch the
 * probe and /proc snapshot each derive from the wall clock may differ by a few ms. */
const START_SLACK_NS = 1e9;

/** Whether `p` started after the event at `evNs` (ns since the epoch), beyond the slack. */
function startedAfter(p: ProcEntry, evNs: number): boolean {
  return p.cloneTs !== undefined && Number(p.cloneTs) > evNs + START_SLACK_NS;
}
