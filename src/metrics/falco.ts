// kestrel's metric set, named like Falco's Prometheus metrics where Falco has one
// (falco-inventory.md §4.5: prefix falcosecurity_falco_ / falcosecurity_scap_), and
// kestrel_* where Falco has no equivalent (per-output delivery and drops).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { SourceStats } from '../capture/types.js';
import { Cell, CounterFamily, GaugeFamily, MetricsRegistry } from './index.js';

const HELP = 'https://falco.org/docs/metrics/';

export interface KestrelMetricsOptions {
  version: string;
  hostname?: string;
  /** 'modern_ebpf' for live capture, 'replay' for files. */
  engineName?: string;
}

/** Falco labels priorities with their number (0 = Emergency … 7 = Debug). */
export const PRIORITY_NUM: Readonly<Record<string, string>> = {
  Emergency: '0', Alert: '1', Critical: '2', Error: '3', Warning: '4', Notice: '5', Informational: '6', Debug: '7',
};

export class KestrelMetrics {
  readonly reg: MetricsRegistry;
  readonly startNs: bigint;

  // ── outputs ──
  /** Falco's own name: alerts that could not be queued (sum over outputs, all reasons). */
  readonly outputsQueueDrops: CounterFamily;
  /** Per output and reason (queue_full, send_failed, timeout, spool_full, closed, …). */
  readonly outputDrops: CounterFamily;
  readonly outputDelivered: CounterFamily;
  readonly outputQueueLength: GaugeFamily;
  readonly outputSpooled: CounterFamily;
  readonly outputSpoolBytes: GaugeFamily;

  // ── rules ──
  readonly rulesMatches: CounterFamily;
  private readonly ruleCells = new Map<string, Cell>();
  readonly rulesFiles: GaugeFamily;
  readonly configFiles: GaugeFamily;
  readonly reloadTs: GaugeFamily;
  readonly reloads: CounterFamily;

  // ── events and kernel drops ──
  readonly nEvts: CounterFamily;
  readonly nDrops: CounterFamily;
  readonly nDropsBuffer: CounterFamily;
  readonly evtsRate: GaugeFamily;
  readonly dropsPerc: GaugeFamily;
  readonly dropAlerts: CounterFamily;
  private source: { stats(): SourceStats } | null = null;
  private lastScrape = { t: 0, evts: 0, drops: 0 };

  // ── process ──
  private lastCpu = { t: 0, us: 0 };
  private readonly duration: CounterFamily;
  private readonly rss: GaugeFamily;
  private readonly vsz: GaugeFamily;
  private readonly cpu: GaugeFamily;
  private readonly version: string;
  private readonly engineName: string;

  constructor(reg: MetricsRegistry, opts: KestrelMetricsOptions) {
    this.reg = reg;
    this.startNs = BigInt(Date.now()) * 1_000_000n;
    const hostname = opts.hostname ?? os.hostname();

    reg.gauge('falcosecurity_falco_version_info', HELP, ['version']).cell(opts.version).value = 1;
    reg.gauge('falcosecurity_falco_kernel_release_info', HELP, ['kernel_release']).cell(os.release()).value = 1;
    reg.gauge('falcosecurity_evt_hostname_info', HELP, ['hostname']).cell(hostname).value = 1;
    reg.gauge('falcosecurity_scap_engine_name_info', HELP, ['engine_name']).cell(opts.engineName ?? 'modern_ebpf').value = 1;
    reg.gauge('falcosecurity_falco_start_timestamp_nanoseconds', HELP).set(Number(this.startNs));
    reg.gauge('falcosecurity_falco_host_boot_timestamp_nanoseconds', HELP).set(Math.round((Date.now() / 1000 - os.uptime())) * 1e9);
    reg.gauge('falcosecurity_falco_host_num_cpus_total', HELP).set(os.cpus().length);
    const duration = reg.counter('falcosecurity_falco_duration_seconds_total', HELP);
    this.duration = duration;

    this.outputsQueueDrops = reg.counter('falcosecurity_falco_outputs_queue_num_drops_total', HELP);
    this.outputDrops = reg.counter('kestrel_outputs_drops_total', 'Alerts an output could not deliver, by output and reason', ['output', 'reason']);
    this.outputDelivered = reg.counter('kestrel_outputs_delivered_total', 'Alerts delivered, by output', ['output']);
    this.outputQueueLength = reg.gauge('kestrel_outputs_queue_length', 'Alerts waiting in an output queue', ['output']);
    this.outputSpooled = reg.counter('kestrel_outputs_spooled_total', 'Alerts written to an output disk spool', ['output']);
    this.outputSpoolBytes = reg.gauge('kestrel_outputs_spool_bytes', 'Bytes waiting in an output disk spool', ['output']);

    this.rulesMatches = reg.counter('falcosecurity_falco_rules_matches_total', HELP, ['priority', 'rule_name', 'source']);
    this.rulesFiles = reg.gauge('falcosecurity_falco_sha256_rules_files_info', HELP, ['file_name', 'sha256']);
    this.configFiles = reg.gauge('falcosecurity_falco_sha256_config_files_info', HELP, ['file_name', 'sha256']);
    this.reloadTs = reg.gauge('falcosecurity_falco_reload_timestamp_nanoseconds', HELP);
    this.reloads = reg.counter('kestrel_reloads_total', 'Reload attempts, by result', ['result']);

    this.nEvts = reg.counter('falcosecurity_scap_n_evts_total', HELP);
    this.nDrops = reg.counter('falcosecurity_scap_n_drops_total', HELP);
    this.nDropsBuffer = reg.counter('falcosecurity_scap_n_drops_buffer_total', HELP, ['dir', 'drop']);
    this.evtsRate = reg.gauge('falcosecurity_scap_evts_rate_sec', HELP);
    this.dropsPerc = reg.gauge('falcosecurity_scap_n_drops_perc', HELP);
    this.dropAlerts = reg.counter('kestrel_syscall_event_drop_actions_total', 'syscall_event_drops triggers, by action taken', ['action']);

    const rss = reg.gauge('falcosecurity_falco_memory_rss_bytes', HELP);
    const vsz = reg.gauge('falcosecurity_falco_memory_vsz_bytes', HELP);
    const cpu = reg.gauge('falcosecurity_falco_cpu_usage_ratio', HELP);
    this.rss = rss; this.vsz = vsz; this.cpu = cpu;
    this.version = opts.version;
    this.engineName = opts.engineName ?? 'modern_ebpf';

    reg.addCollector(() => {
      duration.cell().value = Math.floor(Number(BigInt(Date.now()) * 1_000_000n - this.startNs) / 1e9);
      rss.set(process.memoryUsage.rss());
      vsz.set(readVsz());
      const now = performance.now();
      const u = process.cpuUsage();
      const us = u.user + u.system;
      if (this.lastCpu.t === 0) {
        // First scrape: the average since start.
        cpu.set(us / 1000 / Math.max(1, performance.now()));
      } else {
        const dt = now - this.lastCpu.t;
        if (dt > 0) cpu.set((us - this.lastCpu.us) / 1000 / dt);
      }
      this.lastCpu = { t: now, us };
      this.collectSource();
    });
  }

  /** Lets /metrics pull event and kernel-drop counters from the live or file source. */
  attachSource(source: { stats(): SourceStats } | null): void {
    this.source = source;
  }

  /** Counts one alert under Falco's rules_matches_total. */
  countAlert(rule: string, priority: string, source: string): void {
    const key = rule + '\u0000' + priority + '\u0000' + source;
    let c = this.ruleCells.get(key);
    if (c === undefined) {
      c = this.rulesMatches.cell(PRIORITY_NUM[priority] ?? priority, rule, source);
      this.ruleCells.set(key, c);
    }
    c.value++;
  }

  /** Records the loaded rules/config files with their hashes (after each successful load). */
  setLoadedFiles(rules: ReadonlyArray<{ file: string; sha256: string }>, configs: ReadonlyArray<{ file: string; sha256: string }> = []): void {
    this.rulesFiles.clear();
    for (const r of rules) this.rulesFiles.cell(r.file, r.sha256).value = 1;
    this.configFiles.clear();
    for (const c of configs) this.configFiles.cell(c.file, c.sha256).value = 1;
  }

  markReload(ok: boolean): void {
    this.reloads.cell(ok ? 'ok' : 'failed').value++;
    if (ok) this.reloadTs.set(Date.now() * 1e6);
  }

  /**
   * The values of Falco's metrics snapshot (the "Falco internal: metrics snapshot" alert and
   * metrics.output_file), with Falco's dotted names. Runs the collectors first.
   */
  async snapshot(convertMemoryToMb: boolean): Promise<Record<string, string | number>> {
    await this.reg.text();
    const mem = (b: number): number => (convertMemoryToMb ? Math.round((b / 1048576) * 100) / 100 : b);
    const suffix = convertMemoryToMb ? '_mb' : '_bytes';
    const f: Record<string, string | number> = {
      'falco.version': this.version,
      'falco.kernel_release': os.release(),
      'falco.start_ts': Number(this.startNs),
      'falco.duration_sec': this.duration.value,
      'falco.host_num_cpus': os.cpus().length,
      'falco.outputs_queue_num_drops': this.outputsQueueDrops.value,
      'falco.cpu_usage_perc': Math.round(this.cpu.value * 10000) / 100,
      ['falco.memory_rss' + suffix]: mem(this.rss.value),
      ['falco.memory_vsz' + suffix]: mem(this.vsz.value),
      'scap.engine_name': this.engineName,
      'scap.n_evts': this.nEvts.value,
      'scap.n_drops': this.nDrops.value,
      'scap.evts_rate_sec': Math.round(this.evtsRate.value * 100) / 100,
      'scap.n_drops_perc': Math.round(this.dropsPerc.value * 100) / 100,
    };
    let matches = 0;
    for (const c of this.rulesMatches.all()) {
      matches += c.value;
      f['falco.rules.' + (c.labels['rule_name'] ?? '').replace(/[^A-Za-z0-9_]/g, '_')] = c.value;
    }
    f['falco.rules.matches_total'] = matches;
    return f;
  }

  private collectSource(): void {
    const src = this.source;
    if (!src) return;
    const s = src.stats();
    this.nEvts.cell().value = s.events;
    this.nDrops.cell().value = s.drops;
    for (const k of Object.keys(s.dropsBy)) {
      const m = /^(.*)_(enter|exit)$/.exec(k);
      const cell = m ? this.nDropsBuffer.cell(m[2]!, m[1]!) : this.nDropsBuffer.cell('', k);
      cell.value = s.dropsBy[k]!;
    }
    const now = performance.now();
    const last = this.lastScrape;
    const dt = (now - (last.t || 0)) / 1000;
    const devts = s.events - last.evts;
    const ddrops = s.drops - last.drops;
    if (dt > 0) this.evtsRate.set(devts / dt);
    this.dropsPerc.set(devts + ddrops > 0 ? (100 * ddrops) / (devts + ddrops) : 0);
    this.lastScrape = { t: now, evts: s.events, drops: s.drops };
  }
}

function readVsz(): number {
  try {
    // /proc/self/stat field 23 is vsize in bytes; the comm field (2) may contain spaces, so
    // count from the closing parenthesis.
    const st = readFileSync('/proc/self/stat', 'utf8');
    const rest = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return Number(rest[20]);
  } catch {
    return 0;
  }
}
