// One call that wires the operations layer for `kestrel run`:
//
//   const ops = await startOperations(loaded, { version, engineName: 'modern_ebpf', ebpf: true,
//                                               rulesFiles, reload, onFatal });
//   … engine emits with ops.outputs.emit(alert) …
//   ops.attachSource(source);      // /metrics reads source.stats(); live sources also get the
//                                  // syscall_event_drops monitor (1 s ticks)
//   await ops.close();             // watcher, drop monitor, server, outputs (flush + close)
//
// It builds: the logger (log_level, log_stderr), the metrics registry (Falco names), the outputs
// (createOutputs, SIGUSR1 reopen), the web server (webserver.enabled), the drop monitor, and —
// when `reload` is given — the reload watcher (SIGHUP; plus file watches with watch_config_files).
import { createHash } from 'node:crypto';
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { EventSource } from '../capture/types.js';
import { parseDuration, watchedPaths, type LoadedConfig } from '../config/index.js';
import type { Alert } from '../outputs/alert.js';
import { ReloadWatcher } from '../config/watch.js';
import type { KestrelError } from '../errors.js';
import { KestrelMetrics } from '../metrics/falco.js';
import { MetricsRegistry } from '../metrics/index.js';
import { DropMonitor } from '../outputs/drops.js';
import { alertHostname, createOutputs, loggerFromConfig, type Outputs } from '../outputs/index.js';
import type { Logger } from '../outputs/log.js';
import { startServer } from './index.js';

export const METRICS_RULE = 'Falco internal: metrics snapshot';

export interface OperationsOptions {
  version: string;
  /** falcosecurity_scap_engine_name_info: 'modern_ebpf' live, 'replay' for files. */
  engineName: string;
  /** Live probe (ebpf_enabled in drop alerts; enables the drop monitor on attachSource). */
  ebpf: boolean;
  /** The rules files in use, for the sha256 metrics (files or directories). */
  rulesFiles?: readonly string[];
  /** Rebuilds the engine's state; throw to keep the old one. Installs the reload watcher. */
  reload?: () => Promise<void>;
  /** syscall_event_drops `exit` fired: the engine should stop and exit with err.exitCode. */
  onFatal?: (err: KestrelError) => void;
  logger?: Logger;
  stdout?: NodeJS.WritableStream;
  /** Force the web server on/off (default: webserver.enabled). */
  server?: boolean;
}

export interface Operations {
  readonly outputs: Outputs;
  readonly metrics: KestrelMetrics;
  readonly server: FastifyInstance | null;
  readonly drops: DropMonitor;
  readonly watcher: ReloadWatcher | null;
  readonly logger: Logger;
  attachSource(source: Pick<EventSource, 'stats'>): void;
  /** Records the rules files after a (re)load, for falcosecurity_falco_sha256_rules_files_info. */
  setRulesFiles(files: readonly string[]): void;
  close(): Promise<void>;
}

/** sha256 of each rules file; directories expand to their .yml/.yaml files in name order. */
export function hashRulesFiles(files: readonly string[]): Array<{ file: string; sha256: string }> {
  const out: Array<{ file: string; sha256: string }> = [];
  for (const f of files) {
    let list = [f];
    try {
      if (statSync(f).isDirectory()) list = readdirSync(f).filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => path.join(f, n));
    } catch { continue; }
    for (const p of list) {
      try { out.push({ file: p, sha256: createHash('sha256').update(readFileSync(p)).digest('hex') }); } catch { /* vanished */ }
    }
  }
  return out;
}

export async function startOperations(loaded: LoadedConfig, o: OperationsOptions): Promise<Operations> {
  const c = loaded.config;
  const logger = o.logger ?? loggerFromConfig(c);
  const reg = new MetricsRegistry();
  const hostname = alertHostname();
  const metrics = new KestrelMetrics(reg, { version: o.version, hostname, engineName: o.engineName });
  metrics.setLoadedFiles(hashRulesFiles(o.rulesFiles ?? c.rules_files), loaded.files);
  for (const w of loaded.warnings) logger.log('warning', w);

  const outputs = createOutputs(c, { metrics, logger, stdout: o.stdout });
  outputs.installSignalHandlers();
  const drops = new DropMonitor(c.syscall_event_drops, { emit: (a) => outputs.emit(a), logger, metrics, hostname, ebpf: o.ebpf });

  let fatal: KestrelError | null = null;
  let server: FastifyInstance | null = null;
  if (o.server ?? c.webserver.enabled) {
    try {
      server = await startServer(c.webserver, {
        metrics,
        versions: { kestrel_version: o.version, engine_version: o.engineName, node_version: process.version },
        health: () => (fatal ? { ok: false, detail: fatal.message } : { ok: true }),
      });
    } catch (e) {
      await outputs.close();
      throw e;
    }
  }

  // metrics.enabled: every `interval`, Falco's metrics snapshot as an internal alert
  // (output_rule) and/or a JSON line appended to output_file.
  let snapTimer: NodeJS.Timeout | null = null;
  if (c.metrics.enabled && (c.metrics.output_rule || c.metrics.output_file)) {
    const every = parseDuration(c.metrics.interval);
    snapTimer = setInterval(() => {
      void (async () => {
        const fields = await metrics.snapshot(c.metrics.convert_memory_to_mb);
        const a: Alert = {
          time: BigInt(Date.now()) * 1_000_000n, rule: METRICS_RULE, priority: 'Informational', source: 'internal',
          output: 'Falco metrics snapshot', outputFields: fields, tags: [], hostname,
        };
        if (c.metrics.output_rule) outputs.emit(a);
        if (c.metrics.output_file) {
          try { appendFileSync(c.metrics.output_file, outputs.formatter.json(a) + '\n'); } catch (e) {
            logger.log('error', `metrics.output_file: ${(e as Error).message}`);
          }
        }
      })();
    }, every);
    snapTimer.unref();
  }

  let watcher: ReloadWatcher | null = null;
  if (o.reload) {
    const reload = o.reload;
    watcher = new ReloadWatcher({
      paths: () => watchedPaths(c, loaded),
      watchFiles: c.watch_config_files,
      reload,
      onResult: (ok, err, why) => {
        metrics.markReload(ok);
        if (ok) logger.log('notice', `reloaded (${why})`);
        else logger.log('error', `reload (${why}) failed, keeping the previous rules and configuration: ${err instanceof Error ? err.message : String(err)}`);
      },
    });
  }

  return {
    outputs, metrics, server, drops, watcher, logger,
    attachSource(source) {
      metrics.attachSource(source);
      if (o.ebpf) {
        drops.start(source, (err) => {
          fatal = err;
          o.onFatal?.(err);
        });
      }
    },
    setRulesFiles(files) {
      metrics.setLoadedFiles(hashRulesFiles(files), loaded.files);
    },
    async close() {
      watcher?.close();
      drops.stop();
      if (snapTimer) clearInterval(snapTimer);
      if (server) await server.close();
      await outputs.flush(c.output_timeout);
      await outputs.close();
    },
  };
}
