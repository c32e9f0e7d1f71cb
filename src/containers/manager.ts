// ContainerManager: container metadata for the event pipeline, fetched from the runtimes
// asynchronously and cached. Nothing here blocks an event:
//   lookup(ref)        synchronous; returns what is known (null until a runtime answered) and,
//                      on first sight of a container, queues a fetch.
//   whenReady(ref, ms) the bounded wait an alert may take before it is emitted.
//   preload(info)      entries from a capture file's container events (replay).
// Fetches are bounded in time (per-request deadline), size (answer cap), concurrency (a small
// pool) and retries (backoff, few attempts). A missing, silent or garbage-returning socket costs
// one failed fetch per container and leaves the cgroup-derived identity in place.

import { CgroupResolver, isNamespaceIsolated, type CgroupParseOptions } from './cgroup.js';
import { ContainerdEngine } from './containerd.js';
import { CriEngine } from './cri.js';
import { DockerEngine } from './docker-api.js';
import type { FetchFailure, FetchResult, MetadataEngine } from './engine.js';
import { ContainerInfo, HOST_REF, type ContainerRef } from './types.js';

export interface ContainerManagerOptions {
  /** Prefix for every default socket/state path (e.g. '/host' when the host's / is mounted there). */
  hostRoot?: string;
  /** Docker API socket(s), tried in order; false disables. Default /var/run/docker.sock. */
  docker?: string | readonly string[] | false;
  /** podman API socket(s) (rootful, rootless per user); false disables. Default /run/podman/podman.sock. */
  podman?: string | readonly string[] | false;
  /** containerd: state dir (bundles) and API socket; false disables. */
  containerd?: { stateDir?: string; socket?: string | false } | false;
  /** CRI runtime sockets, tried in order; false disables. */
  cri?: readonly string[] | false;
  /** containerd namespaces whose /<ns>/<name> cgroups are containers. */
  containerdNamespaces?: readonly string[];
  /** Deadline of one runtime request (ms). Default 1000. */
  requestTimeoutMs?: number;
  /** Largest runtime answer accepted (bytes). Default 4 MiB. */
  maxResponseBytes?: number;
  /** Labels (key or value) longer than this are dropped. Default 1024. */
  labelMaxLen?: number;
  /** Most containers kept; the oldest settled ones are evicted first. Default 4096. */
  maxEntries?: number;
  /** Concurrent fetches. Default 4. */
  concurrency?: number;
  /** Queued fetches beyond which new containers are not fetched (counted as 'queue-full'). Default 1024. */
  maxQueue?: number;
  /** A failed container is fetched again after this long (ms), up to maxAttempts. Defaults 5000 / 3. */
  retryAfterMs?: number;
  maxAttempts?: number;
  /** Extra engines (tests, plugins); tried before the built-in ones that handle the ref. */
  engines?: MetadataEngine[];
  /** /proc, for the namespace check. */
  procRoot?: string;
  /**
   * Whether containers already running when a live run starts raise their container event
   * (`running_container_events`, default true). The manager only carries the setting, so the
   * one options object the configuration builds reaches ContainerStartEvents (start-events.ts).
   */
  runningContainerEvents?: boolean;
}

export type LookupState = 'pending' | 'ok' | 'failed';

class Entry {
  info: ContainerInfo;
  state: LookupState = 'pending';
  attempts = 0;
  nextRetryAt = 0;
  lastError = '';
  waiters: ((info: ContainerInfo | null) => void)[] = [];
  ref: ContainerRef;
  constructor(ref: ContainerRef, info: ContainerInfo) {
    this.ref = ref;
    this.info = info;
  }
}

export interface ContainerManagerStats {
  /** lookup() calls for a container (host excluded). */
  lookups: number;
  /** lookups answered with runtime/capture metadata. */
  hits: number;
  /** lookups that found nothing yet (pending or failed). */
  misses: number;
  fetches: number;
  fetchOk: number;
  /** Failed engine attempts of fetches that got no answer at all, per engine name, e.g. {podman: 2, cri: 1}. */
  failuresByRuntime: Record<string, number>;
  /** Failed fetch attempts per reason (timeout, connect, not-found, bad-answer, too-large, error, queue-full). */
  failuresByReason: Record<string, number>;
  /** Runtime requests that hit their deadline, whether or not another engine answered. */
  timeouts: number;
  /** whenReady() waits that ended at their timeout without metadata. */
  waitTimeouts: number;
  preloaded: number;
  entries: number;
  pending: number;
  queued: number;
  evictions: number;
  /** Live container events raised (start-events.ts): for containers started during the run, and for those running at start. */
  containerEvents: { started: number; running: number };
  /** Container events raised with the cgroup identity only: the runtime gave no answer in time. */
  containerEventsWithoutMetadata: number;
  /** Containers found running in the start-up snapshot. */
  runningAtStart: number;
}

export type MetadataListener = (info: ContainerInfo) => void;

export class ContainerManager {
  private readonly byFull = new Map<string, Entry>();
  private readonly byShort = new Map<string, Entry>();
  private readonly resolver: CgroupResolver;
  private readonly refCache = new WeakMap<readonly string[], ContainerRef>();
  private readonly engines: MetadataEngine[];
  private readonly queue: Entry[] = [];
  private running = 0;
  private closed = false;
  private lastRef: ContainerRef | null = null;
  private readonly nsCache = new Map<number, boolean>();
  private lastEntry: Entry | null = null;
  private readonly listeners: MetadataListener[] = [];
  private readonly o: Required<Pick<ContainerManagerOptions,
    'requestTimeoutMs' | 'maxEntries' | 'concurrency' | 'maxQueue' | 'retryAfterMs' | 'maxAttempts' | 'procRoot'>>;
  /** Read by ContainerStartEvents: see ContainerManagerOptions.runningContainerEvents. */
  readonly runningContainerEvents: boolean;
  /** Concurrent fetches (ContainerStartEvents sizes its batches of running containers by it). */
  get concurrency(): number { return this.o.concurrency; }
  private readonly s = {
    ctrEventsStarted: 0, ctrEventsRunning: 0, ctrEventsNoMeta: 0, runningAtStart: 0,
    lookups: 0, hits: 0, misses: 0, fetches: 0, fetchOk: 0, timeouts: 0, waitTimeouts: 0, preloaded: 0, evictions: 0,
    failuresByRuntime: Object.create(null) as Record<string, number>,
    failuresByReason: Object.create(null) as Record<string, number>,
  };

  constructor(opts: ContainerManagerOptions = {}) {
    const root = opts.hostRoot ?? '';
    const timeoutMs = opts.requestTimeoutMs ?? 1000;
    const maxBytes = opts.maxResponseBytes ?? 4 << 20;
    const labelMaxLen = opts.labelMaxLen ?? 1024;
    this.runningContainerEvents = opts.runningContainerEvents ?? true;
    this.o = {
      requestTimeoutMs: timeoutMs,
      maxEntries: opts.maxEntries ?? 4096,
      concurrency: Math.max(1, opts.concurrency ?? 4),
      maxQueue: opts.maxQueue ?? 1024,
      retryAfterMs: opts.retryAfterMs ?? 5000,
      maxAttempts: Math.max(1, opts.maxAttempts ?? 3),
      procRoot: opts.procRoot ?? '/proc',
    };
    const cgOpts: CgroupParseOptions = {};
    if (opts.containerdNamespaces) cgOpts.containerdNamespaces = opts.containerdNamespaces;
    this.resolver = new CgroupResolver(cgOpts);
    const engines: MetadataEngine[] = [...(opts.engines ?? [])];
    const socks = (v: string | readonly string[] | undefined, d: string): readonly string[] => (v === undefined ? [d] : typeof v === 'string' ? [v] : v);
    if (opts.podman !== false) {
      for (const s of socks(opts.podman, `${root}/run/podman/podman.sock`)) engines.push(new DockerEngine({ flavor: 'podman', socket: s, timeoutMs, maxBytes, labelMaxLen }));
    }
    if (opts.cri !== false) {
      const socks = opts.cri ?? [`${root}/run/containerd/containerd.sock`, `${root}/run/crio/crio.sock`, `${root}/run/k3s/containerd/containerd.sock`];
      for (const s of socks) engines.push(new CriEngine({ socket: s, timeoutMs, maxBytes, labelMaxLen }));
    }
    if (opts.containerd !== false) {
      const c = opts.containerd ?? {};
      engines.push(new ContainerdEngine({
        stateDir: c.stateDir ?? `${root}/run/containerd`,
        socket: c.socket === false ? '' : c.socket ?? `${root}/run/containerd/containerd.sock`,
        timeoutMs, maxBytes, labelMaxLen,
      }));
    }
    if (opts.docker !== false) {
      for (const s of socks(opts.docker, `${root}/var/run/docker.sock`)) engines.push(new DockerEngine({ flavor: 'docker', socket: s, timeoutMs, maxBytes, labelMaxLen }));
    }
    this.engines = engines;
  }

  // ---- identity ---------------------------------------------------------------------------

  /**
   * Container identity of a thread from its cgroup lines ("subsys=path" or /proc format).
   * Cached per array object (the thread table shares one array per thread) and per path.
   */
  refFor(cgroups: readonly string[] | null | undefined): ContainerRef {
    if (!cgroups || cgroups.length === 0) return HOST_REF;
    let r = this.refCache.get(cgroups);
    if (r === undefined) {
      r = this.resolver.resolve(cgroups);
      this.refCache.set(cgroups, r);
    }
    return r;
  }

  /**
   * True when `pid` sits in its own pid+mnt namespaces (see cgroup.ts isNamespaceIsolated).
   * Cached per pid (two readlinks otherwise per call); a reused pid may see a stale answer
   * until the cache turns over (bounded, cleared when full).
   */
  nsIsolated(pid: number): boolean {
    let v = this.nsCache.get(pid);
    if (v === undefined) {
      v = isNamespaceIsolated(pid, this.o.procRoot);
      if (this.nsCache.size >= 16384) this.nsCache.clear();
      this.nsCache.set(pid, v);
    }
    return v;
  }

  /**
   * The identity of a container already known by id (full or 12-char), e.g. preloaded from a
   * capture file's container event; null otherwise. Never starts a fetch. Container events
   * (tid -1) name their container this way rather than through a thread's cgroups.
   */
  knownRef(id: string): ContainerRef | null {
    if (id === '' || id === 'host') return null;
    const e = this.byFull.get(id) ?? this.byShort.get(id.slice(0, 12));
    return e === undefined ? null : e.ref;
  }

  /** Forget a process (its exit), so a later process with the same pid is checked afresh. */
  forgetPid(pid: number): void {
    this.nsCache.delete(pid);
  }

  // ---- lookups ----------------------------------------------------------------------------

  private find(ref: ContainerRef): Entry | undefined {
    const e = this.byFull.get(ref.fullId);
    if (e !== undefined) return e;
    const s = this.byShort.get(ref.id);
    // A capture file knows containers by their 12-char id only; adopt the full id when a
    // cgroup shows it (same prefix, same engine family).
    if (s !== undefined && s.info.fullId.length <= 12 && ref.fullId.startsWith(s.info.fullId)) {
      this.byFull.delete(s.info.fullId);
      s.info.fullId = ref.fullId;
      s.ref = ref;
      this.byFull.set(ref.fullId, s);
      return s;
    }
    return s !== undefined && s.info.fullId === ref.fullId ? s : undefined;
  }

  /**
   * Metadata for a container, or null while none is known (never for the host). The first
   * lookup of a container queues a runtime fetch; later ones are a map hit. A container id
   * string finds entries already known (e.g. preloaded) but cannot start a fetch.
   */
  lookup(ref: ContainerRef | string): ContainerInfo | null {
    if (typeof ref === 'string') {
      if (ref === 'host' || ref === '') return null;
      const e = this.byFull.get(ref) ?? this.byShort.get(ref.slice(0, 12));
      this.s.lookups++;
      if (e !== undefined && e.state === 'ok') { this.s.hits++; return e.info; }
      this.s.misses++;
      return null;
    }
    if (ref.type === 'host') return null;
    this.s.lookups++;
    // Fast path: the same container as the previous lookup (consecutive fields of one event).
    const le = this.lastEntry;
    if (le !== null && this.lastRef === ref && le.state === 'ok') {
      this.s.hits++;
      return le.info;
    }
    let e = this.find(ref);
    if (e === undefined) {
      e = this.add(ref, new ContainerInfo(ref));
      this.enqueue(e);
    } else if (e.state === 'failed' && e.attempts < this.o.maxAttempts && Date.now() >= e.nextRetryAt) {
      e.state = 'pending';
      this.enqueue(e);
    }
    if (e.state === 'ok') {
      this.lastRef = ref;
      this.lastEntry = e;
      this.s.hits++;
      return e.info;
    }
    this.s.misses++;
    return null;
  }

  /** Lookup state of a container: undefined when never seen. */
  state(ref: ContainerRef | string): { state: LookupState; attempts: number; lastError: string } | undefined {
    const e = typeof ref === 'string' ? this.byFull.get(ref) ?? this.byShort.get(ref.slice(0, 12)) : this.find(ref);
    return e === undefined ? undefined : { state: e.state, attempts: e.attempts, lastError: e.lastError };
  }

  /**
   * Waits (at most timeoutMs) for a container's metadata. Resolves with it, or with null when
   * the lookup failed or the wait timed out. Starts a fetch if the container is new.
   */
  whenReady(ref: ContainerRef | string, timeoutMs: number): Promise<ContainerInfo | null> {
    const known = this.lookup(ref);
    if (known !== null) return Promise.resolve(known);
    // Closed: nothing will be fetched any more, so a wait would only hold the process open.
    if (this.closed) return Promise.resolve(null);
    const e = typeof ref === 'string' ? this.byFull.get(ref) ?? this.byShort.get(ref.slice(0, 12)) : this.find(ref);
    if (e === undefined || e.state !== 'pending') return Promise.resolve(null);
    return new Promise((resolve) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        this.s.waitTimeouts++;
        const i = e.waiters.indexOf(waiter);
        if (i >= 0) e.waiters.splice(i, 1);
        resolve(null);
      }, Math.max(0, timeoutMs));
      const waiter = (info: ContainerInfo | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(info);
      };
      e.waiters.push(waiter);
    });
  }

  /**
   * Adds a container known from elsewhere (a capture file's container event). It counts as
   * answered: no runtime is asked about it. An entry with runtime metadata is not replaced.
   */
  preload(info: ContainerInfo): void {
    const ref: ContainerRef = { id: info.id, fullId: info.fullId, type: info.type, podUid: info.podUid, ctrNamespace: '' };
    const old = this.byFull.get(info.fullId) ?? this.byShort.get(info.id);
    if (old !== undefined && old.state === 'ok' && old.info.source === 'runtime') return;
    if (old !== undefined) this.remove(old.info.fullId);
    const e = this.add(ref, info);
    e.state = 'ok';
    this.s.preloaded++;
  }

  /** Every container with metadata (for a capture writer's container events). */
  all(): ContainerInfo[] {
    const out: ContainerInfo[] = [];
    for (const e of this.byFull.values()) if (e.state === 'ok') out.push(e.info);
    return out;
  }

  /** Called once per container when its metadata arrives from a runtime (not for preloads). */
  onMetadata(fn: MetadataListener): void {
    this.listeners.push(fn);
  }

  remove(fullId: string): void {
    const e = this.byFull.get(fullId);
    if (e === undefined) return;
    this.lastEntry = null;
    this.byFull.delete(fullId);
    if (this.byShort.get(e.info.id) === e) this.byShort.delete(e.info.id);
  }

  stats(): ContainerManagerStats {
    let pending = 0;
    for (const e of this.byFull.values()) if (e.state === 'pending') pending++;
    return {
      lookups: this.s.lookups, hits: this.s.hits, misses: this.s.misses,
      fetches: this.s.fetches, fetchOk: this.s.fetchOk,
      failuresByRuntime: { ...this.s.failuresByRuntime }, failuresByReason: { ...this.s.failuresByReason },
      timeouts: this.s.timeouts, waitTimeouts: this.s.waitTimeouts, preloaded: this.s.preloaded,
      entries: this.byFull.size, pending, queued: this.queue.length, evictions: this.s.evictions,
      containerEvents: { started: this.s.ctrEventsStarted, running: this.s.ctrEventsRunning },
      containerEventsWithoutMetadata: this.s.ctrEventsNoMeta, runningAtStart: this.s.runningAtStart,
    };
  }

  /** Counts a live container event (start-events.ts keeps its counters here, with the lookups'). */
  countContainerEvent(running: boolean, withMetadata: boolean): void {
    if (running) this.s.ctrEventsRunning++;
    else this.s.ctrEventsStarted++;
    if (!withMetadata) this.s.ctrEventsNoMeta++;
  }

  /** Counts the containers a live run found running in its start-up snapshot. */
  countRunningAtStart(n: number): void {
    this.s.runningAtStart += n;
  }

  /** Stops fetching, closes runtime clients, resolves waiters with what is known. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const e of this.byFull.values()) this.settle(e);
    for (const en of this.engines) en.close();
  }

  // ---- internals --------------------------------------------------------------------------

  private add(ref: ContainerRef, info: ContainerInfo): Entry {
    if (this.byFull.size >= this.o.maxEntries) this.evict();
    const e = new Entry(ref, info);
    this.byFull.set(info.fullId, e);
    this.byShort.set(info.id, e);
    return e;
  }

  private evict(): void {
    // Map order is insertion order: drop the oldest settled entries (pending ones have
    // waiters or a fetch in flight) until there is room for one more.
    for (const [k, e] of this.byFull) {
      if (this.byFull.size < this.o.maxEntries) break;
      if (e.state === 'pending') continue;
      if (e === this.lastEntry) this.lastEntry = null;
      this.byFull.delete(k);
      if (this.byShort.get(e.info.id) === e) this.byShort.delete(e.info.id);
      this.s.evictions++;
    }
  }

  private enqueue(e: Entry): void {
    if (this.closed) return;
    if (this.queue.length >= this.o.maxQueue) {
      this.fail(e, 'queue', 'queue-full', 'fetch queue full');
      return;
    }
    this.queue.push(e);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running < this.o.concurrency && this.queue.length > 0) {
      const e = this.queue.shift()!;
      this.running++;
      // Detached: the caller's event loop turn is never spent on I/O.
      void this.run(e).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(e: Entry): Promise<void> {
    e.attempts++;
    this.s.fetches++;
    const candidates = this.engines.filter((en) => en.handles(e.ref));
    if (candidates.length === 0) {
      this.fail(e, 'none', 'error', `no metadata source for ${e.ref.type} containers is configured`);
      return;
    }
    // Engines are tried in order; the first answer wins. Failures are counted only when no
    // engine answered (an absent cri-o socket on a containerd node is not a problem), except
    // timeouts, which are always counted: a silent socket delays every lookup behind it.
    const failures: { engine: string; reason: FetchFailure; detail: string }[] = [];
    for (const en of candidates) {
      // Each engine fills a scratch copy so a half-answer never leaks into the live entry.
      const scratch = new ContainerInfo(e.ref);
      let r: FetchResult;
      try {
        r = await en.fetch(e.ref, scratch);
      } catch (err) {
        r = { ok: false, reason: 'error', detail: (err as Error).message };
      }
      if (this.closed) return;
      if (r.ok) {
        // Keep the key the entry is filed under (the cgroup's id).
        scratch.fullId = e.ref.fullId;
        scratch.id = e.ref.id;
        e.info = scratch;
        e.state = 'ok';
        e.lastError = '';
        this.s.fetchOk++;
        for (const f of failures) if (f.reason === 'timeout') this.s.timeouts++;
        this.settle(e);
        for (const l of this.listeners) {
          try { l(scratch); } catch { /* a listener's bug must not stop the manager */ }
        }
        return;
      }
      failures.push({ engine: en.name, reason: r.reason, detail: r.detail });
    }
    for (const f of failures) this.count(f.engine, f.reason);
    e.state = 'failed';
    e.lastError = failures.map((f) => `${f.engine}: ${f.detail}`).join('; ');
    e.nextRetryAt = Date.now() + this.o.retryAfterMs * e.attempts;
    this.settle(e);
  }

  private count(runtime: string, reason: FetchFailure | 'queue-full'): void {
    this.s.failuresByRuntime[runtime] = (this.s.failuresByRuntime[runtime] ?? 0) + 1;
    this.s.failuresByReason[reason] = (this.s.failuresByReason[reason] ?? 0) + 1;
    if (reason === 'timeout') this.s.timeouts++;
  }

  private fail(e: Entry, runtime: string, reason: FetchFailure | 'queue-full', detail: string): void {
    this.count(runtime, reason);
    e.state = 'failed';
    e.lastError = detail;
    e.nextRetryAt = Date.now() + this.o.retryAfterMs;
    this.settle(e);
  }

  private settle(e: Entry): void {
    if (e.waiters.length === 0) return;
    const ws = e.waiters;
    e.waiters = [];
    const v = e.state === 'ok' ? e.info : null;
    for (const w of ws) w(v);
  }
}
