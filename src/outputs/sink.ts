// The base of every output: a bounded ring queue in front of an async writer.
//
//   emit() ─► enqueue(line)   O(1), synchronous, never awaits, never throws
//                │  full? → counted drop 'queue_full'
//                ▼
//          [ ring of `capacity` lines ]
//                │  pump (scheduled with setImmediate, so a burst becomes one batch)
//                ▼
//          write(batch)  subclass: stdout / file / syslog / program / http
//                        accounts every line: ok(n) or drop(reason, n)
//
// A slow or dead output only ever fills its own queue; the caller never waits on it.

export interface SinkHooks {
  delivered(output: string, n: number): void;
  dropped(output: string, reason: string, n: number, detail: string): void;
}

export const NOOP_HOOKS: SinkHooks = { delivered() {}, dropped() {} };

export interface SinkStats {
  name: string;
  queued: number;
  delivered: number;
  dropped: Record<string, number>;
}

export abstract class Sink {
  private readonly ring: Array<string | undefined>;
  private head = 0;
  private len = 0;
  private pumping = false;
  private closing = false;
  private pending = 0;
  /** Set when close() gave up on an in-flight write; its late results are not counted again. */
  private abandoned = false;
  private idleWaiters: Array<() => void> = [];
  private deliveredN = 0;
  private readonly droppedBy: Record<string, number> = {};
  protected hooks: SinkHooks = NOOP_HOOKS;
  /** Most lines handed to one write(). */
  protected maxBatch = 512;

  constructor(readonly name: string, readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`output ${name}: queue capacity must be >= 1`);
    this.ring = new Array<string | undefined>(capacity).fill(undefined);
  }

  setHooks(h: SinkHooks): void { this.hooks = h; }

  /** Queues one rendered alert line. Returns false (and counts the drop) when it cannot. */
  enqueue(line: string): boolean {
    if (this.closing) { this.countDrop('closed', 1, 'output is shutting down'); return false; }
    if (this.len === this.capacity) { this.countDrop('queue_full', 1, `queue full (${this.capacity})`); return false; }
    let tail = this.head + this.len;
    if (tail >= this.capacity) tail -= this.capacity;
    this.ring[tail] = line;
    this.len++;
    if (!this.pumping) {
      this.pumping = true;
      setImmediate(this.pumpBound);
    }
    return true;
  }

  /** Queues one rendered alert with its syslog severity (0 Emergency … 7 Debug). Most outputs ignore the severity. */
  accept(line: string, severity: number): boolean {
    void severity;
    return this.enqueue(line);
  }

  get queued(): number { return this.len; }

  /** When the write in flight started (ms, Date.now()), 0 when idle: the blocked-output watchdog reads it. */
  get busySince(): number { return this.writeStart; }
  private writeStart = 0;

  /** Counts alerts lost before they reached this output (e.g. an alert that could not be rendered). */
  lose(reason: string, n: number, detail: string): void { this.countDrop(reason, n, detail); }

  stats(): SinkStats {
    return { name: this.name, queued: this.len, delivered: this.deliveredN, dropped: { ...this.droppedBy } };
  }

  /** SIGUSR1: reopen files, respawn programs. Default: nothing to reopen. */
  reopen(): void { /* nothing */ }

  /** Resolves when the queue is empty and no write is in flight. */
  idle(): Promise<void> {
    if (!this.pumping && this.len === 0) return Promise.resolve();
    return new Promise((res) => this.idleWaiters.push(res));
  }

  /**
   * Stops accepting alerts, delivers what is queued for up to `timeoutMs`, then counts the rest
   * as dropped ('closed') and releases resources.
   */
  async close(timeoutMs = 2000): Promise<void> {
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise<void>((res) => { timer = setTimeout(res, timeoutMs); })]);
    clearTimeout(timer);
    if (this.pumping && this.pending > 0) {
      // A write still in flight after the timeout (a hung receiver): its lines are lost.
      const n = this.pending;
      this.pending = 0;
      this.abandoned = true;
      this.countDrop('closed', n, `shut down with ${n} alert(s) still being written`);
    }
    if (this.len > 0) {
      const n = this.len;
      this.ring.fill(undefined);
      this.head = 0; this.len = 0;
      this.countDrop('closed', n, `shut down with ${n} alert(s) undelivered`);
    }
    await this.shutdown();
  }

  /** Subclasses release sockets, files and processes here. */
  protected async shutdown(): Promise<void> { /* nothing */ }

  /** Delivers a batch. Must account for every line with ok() / drop(); may throw (the rest is counted as write_failed). */
  protected abstract write(batch: string[]): Promise<void>;

  /** Lines of the current batch delivered. */
  protected ok(n: number): void {
    if (this.abandoned) return;
    this.pending -= n;
    this.countOk(n);
  }

  /** Lines of the current batch lost. */
  protected drop(reason: string, n: number, detail: string): void {
    if (this.abandoned) return;
    this.pending -= n;
    this.countDrop(reason, n, detail);
  }

  /** Lines of the current batch handed to durable storage (a spool): neither delivered nor lost yet. */
  protected park(n: number): void {
    if (this.abandoned) return;
    this.pending -= n;
  }

  /** Delivered outside a batch (e.g. replayed from a spool). */
  protected countOk(n: number): void {
    this.deliveredN += n;
    this.hooks.delivered(this.name, n);
  }

  /** Lost outside a batch (queue full, closing, spool full). */
  protected countDrop(reason: string, n: number, detail: string): void {
    this.droppedBy[reason] = (this.droppedBy[reason] ?? 0) + n;
    this.hooks.dropped(this.name, reason, n, detail);
  }

  private readonly pumpBound = (): void => { void this.pump(); };

  private async pump(): Promise<void> {
    try {
      while (this.len > 0) {
        const n = Math.min(this.len, this.maxBatch);
        const batch = new Array<string>(n);
        for (let i = 0; i < n; i++) {
          batch[i] = this.ring[this.head]!;
          this.ring[this.head] = undefined;
          if (++this.head === this.capacity) this.head = 0;
        }
        this.len -= n;
        this.pending = n;
        this.writeStart = Date.now();
        try {
          await this.write(batch);
        } catch (err) {
          if (this.pending > 0 && !this.abandoned) this.drop('write_failed', this.pending, err instanceof Error ? err.message : String(err));
        }
        // A writer that forgot to account for lines would make counts lie; treat them as lost.
        if (this.pending > 0 && !this.abandoned) this.drop('write_failed', this.pending, 'unaccounted');
        this.pending = 0;
      }
    } finally {
      this.writeStart = 0;
      this.pumping = false;
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((res) => {
    if (signal?.aborted) { res(); return; }
    const t = setTimeout(done, ms);
    function done(): void { signal?.removeEventListener('abort', done); clearTimeout(t); res(); }
    signal?.addEventListener('abort', done, { once: true });
  });
}
