// syscall_event_drops (falco-inventory.md §4.6), Falco's semantics:
//   every second, take the delta of the kernel counters; if drops/events in that second exceeds
//   `threshold` (a fraction, 0.1 = 10 %), the second counts as a drop incident; if the token
//   bucket (`rate` tokens/s, `max_burst` capacity, starts full) has a token, perform `actions`:
//     ignore — nothing;  log — a critical log line;  alert — an internal alert
//     "Falco internal: syscall event drop" (priority Debug, source internal, string counters as
//     output_fields);  exit — log and ask the engine to stop with an error (KES_DROPS_EXIT).
//   `simulate_drops` adds one drop per second and sets the threshold to 0 (for testing setups).
// Incidents and actions are always counted in metrics, whatever the actions are.
//
// kestrel's SourceStats.events counts delivered events, so the per-second event total is
// events + drops (Falco's n_evts already includes the drops).
import type { SourceStats } from '../capture/types.js';
import { KestrelError } from '../errors.js';
import type { KestrelMetrics } from '../metrics/falco.js';
import type { Alert } from './alert.js';
import { silentLogger, type Logger } from './log.js';

export type DropAction = 'ignore' | 'log' | 'alert' | 'exit';

export interface DropConfig {
  threshold: number;
  actions: readonly string[];
  rate: number;
  max_burst: number;
  simulate_drops: boolean;
}

export const DROP_RULE = 'Falco internal: syscall event drop';

const NS = 1_000_000_000n;

/** Falco's token bucket: `rate` tokens per second up to `maxTokens`, starting full. */
export class TokenBucket {
  private tokens: number;
  private last: bigint;
  constructor(private readonly rate: number, private readonly maxTokens: number, nowNs: bigint) {
    this.tokens = maxTokens;
    this.last = nowNs;
  }
  claim(nowNs: bigint, n = 1): boolean {
    const dt = Number(nowNs - this.last) / 1e9;
    if (dt > 0) this.tokens = Math.min(this.maxTokens, this.tokens + dt * this.rate);
    this.last = nowNs;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}

// The kernel drop categories Falco reports (n_drops_buffer_<category>).
const CATEGORIES = ['clone_fork_exit', 'execve_exit', 'connect_exit', 'open_exit', 'dir_file_exit', 'other_interest_exit', 'close_exit', 'proc_exit'];
const SPECIAL = new Set(['buffer', 'buffer_total', 'scratch_map', 'page_faults', 'pf', 'bug']);

export interface DropCheck {
  /** drops/events over the last interval exceeded the threshold */
  incident: boolean;
  /** the token bucket allowed actions */
  acted: boolean;
  /** the 'exit' action fired */
  exit: boolean;
  delta: { events: number; drops: number };
}

export interface DropMonitorDeps {
  emit?: (a: Alert) => void;
  logger?: Logger;
  metrics?: KestrelMetrics;
  hostname: string;
  /** ebpf_enabled in the alert (true for the live probe). */
  ebpf: boolean;
}

export class DropMonitor {
  private readonly actions: DropAction[];
  private readonly threshold: number;
  private bucket: TokenBucket | null = null;
  private last: { events: number; drops: number; by: Record<string, number> } = { events: 0, drops: 0, by: {} };
  private timer: NodeJS.Timeout | null = null;
  /** Seconds over the threshold. */
  incidents = 0;
  /** Times the actions were performed (bucket allowed). */
  actionsTaken = 0;

  constructor(private readonly cfg: DropConfig, private readonly deps: DropMonitorDeps) {
    const acts = cfg.actions.map((a) => a.toLowerCase());
    for (const a of acts) {
      if (a !== 'ignore' && a !== 'log' && a !== 'alert' && a !== 'exit') {
        throw new KestrelError('KES_CONFIG', `syscall_event_drops.actions: unknown action '${a}' (expected ignore, log, alert, exit)`);
      }
    }
    // An empty list means ignore (Falco).
    this.actions = acts.length === 0 ? ['ignore'] : (acts as DropAction[]);
    this.threshold = cfg.simulate_drops ? 0 : cfg.threshold;
  }

  /** Sets the counters the next delta starts from (call once when capture starts). */
  baseline(stats: SourceStats): void {
    this.last = { events: stats.events, drops: stats.drops, by: { ...stats.dropsBy } };
  }

  /**
   * Feeds the cumulative counters, normally once a second. `nowNs` is the time of the check
   * (event time or wall clock, ns since the epoch).
   */
  check(stats: SourceStats, nowNs: bigint): DropCheck {
    const dEvents = Math.max(0, stats.events - this.last.events);
    let dDrops = Math.max(0, stats.drops - this.last.drops);
    const by: Record<string, number> = {};
    for (const k of Object.keys(stats.dropsBy)) by[k] = Math.max(0, (stats.dropsBy[k] ?? 0) - (this.last.by[k] ?? 0));
    this.last = { events: stats.events, drops: stats.drops, by: { ...stats.dropsBy } };
    if (this.cfg.simulate_drops) {
      this.deps.logger?.log('info', 'Simulating syscall event drop');
      dDrops++;
    }
    const res: DropCheck = { incident: false, acted: false, exit: false, delta: { events: dEvents + dDrops, drops: dDrops } };
    if (dDrops === 0) return res;
    const ratio = dDrops / (dEvents + dDrops);
    if (!(ratio > this.threshold)) return res;
    res.incident = true;
    this.incidents++;
    this.countAction('detected');
    if (!this.bucket) this.bucket = new TokenBucket(this.cfg.rate, this.cfg.max_burst, nowNs - 1n * NS);
    if (!this.bucket.claim(nowNs)) {
      this.countAction('rate_limited');
      this.deps.logger?.log('debug', 'Syscall event drop but token bucket depleted, skipping actions');
      return res;
    }
    res.acted = true;
    this.actionsTaken++;
    const msg = `${DROP_RULE}. ${dDrops} system calls dropped in last second.`;
    for (const a of this.actions) {
      this.countAction(a);
      switch (a) {
        case 'ignore': break;
        case 'log': (this.deps.logger ?? silentLogger).log('critical', msg); break;
        case 'alert': this.deps.emit?.(this.alert(nowNs, msg, dEvents + dDrops, dDrops, by)); break;
        case 'exit':
          (this.deps.logger ?? silentLogger).log('critical', msg);
          (this.deps.logger ?? silentLogger).log('critical', 'Exiting.');
          res.exit = true;
          break;
      }
    }
    return res;
  }

  /**
   * Polls `source.stats()` every `intervalMs` with wall-clock time. `onExit` is called (once)
   * when the exit action fires; the engine stops and exits with its error's code.
   */
  start(source: { stats(): SourceStats }, onExit: (err: KestrelError) => void, intervalMs = 1000): void {
    this.stop();
    this.baseline(source.stats());
    this.timer = setInterval(() => {
      let r: DropCheck;
      try { r = this.check(source.stats(), BigInt(Date.now()) * 1_000_000n); } catch { return; }
      if (r.exit) {
        this.stop();
        onExit(new KestrelError('KES_DROPS_EXIT', `${r.delta.drops} of ${r.delta.events} syscall events dropped in the last second (syscall_event_drops.actions includes exit)`));
      }
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private countAction(what: string): void {
    const m = this.deps.metrics;
    if (m) m.dropAlerts.cell(what).value++;
  }

  private alert(nowNs: bigint, msg: string, nEvts: number, nDrops: number, by: Record<string, number>): Alert {
    const f: Record<string, string> = {
      n_evts: String(nEvts),
      n_drops: String(nDrops),
    };
    let special = 0;
    const sp = (k: string): number => { const v = by[k] ?? 0; special += v; return v; };
    f['n_drops_scratch_map'] = String(sp('scratch_map'));
    f['n_drops_page_faults'] = String(sp('page_faults') + sp('pf'));
    f['n_drops_bug'] = String(sp('bug'));
    const bufTotal = by['buffer'] ?? by['buffer_total'] ?? Math.max(0, nDrops - special);
    f['n_drops_buffer_total'] = String(bufTotal);
    for (const c of CATEGORIES) f[`n_drops_buffer_${c}`] = String(by[c] ?? by[c.replace(/_exit$/, '')] ?? 0);
    for (const k of Object.keys(by)) {
      if (SPECIAL.has(k) || CATEGORIES.includes(k) || CATEGORIES.includes(k + '_exit')) continue;
      f[`n_drops_buffer_${k.replace(/[^A-Za-z0-9_]/g, '_')}`] = String(by[k]);
    }
    f['ebpf_enabled'] = this.deps.ebpf ? '1' : '0';
    return {
      time: nowNs, rule: DROP_RULE, priority: 'Debug', source: 'internal', output: msg,
      outputFields: f, tags: [], hostname: this.deps.hostname,
    };
  }
}
