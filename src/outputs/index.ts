// The outputs layer: what the engine calls.
//
//   import { createOutputs } from '../outputs/index.js';
//   const outputs = createOutputs(config, { metrics, logger });  // config: KestrelConfig
//   outputs.emit(alert);          // per alert: renders once, queues on every enabled output.
//                                 // Synchronous, O(outputs), never awaits, never throws.
//   outputs.reopen();             // SIGUSR1 (installSignalHandlers() wires it)
//   await outputs.flush(ms);      // wait until queues (and HTTP spools) are empty
//   await outputs.close();        // on exit: drain for output_timeout ms, then count the rest lost
//   outputs.stats();              // per output: queued, delivered, dropped by reason
//
// Drop alerts: src/outputs/drops.ts (DropMonitor) builds 'internal' alerts and emits them here.
// Rendering: src/outputs/format.ts (Falco's text and JSON shapes).
// Every alert that cannot be delivered is counted per output and reason (metrics:
// kestrel_outputs_drops_total{output,reason} and falcosecurity_falco_outputs_queue_num_drops_total)
// and logged, at most once per 10 s per output and reason.
import { existsSync } from 'node:fs';
import os from 'node:os';
import type { KestrelConfig } from '../config/schema.js';
import type { KestrelMetrics } from '../metrics/falco.js';
import { KestrelError } from '../errors.js';
import type { Alert } from './alert.js';
import { PRIORITIES } from './alert.js';
import { AlertFormatter, type FormatOptions } from './format.js';
import { RateLimitedLog, redactUrl, silentLogger, StderrLogger, type Logger, type LogLevel } from './log.js';
import { Sink, type SinkStats } from './sink.js';
import { FileSink } from './sinks/file.js';
import { HttpSink, tlsOptions, type HttpOptions } from './sinks/http.js';
import { ProgramSink } from './sinks/program.js';
import { StreamSink } from './sinks/stream.js';
import { SyslogSink, parseSyslogAddress } from './sinks/syslog.js';

export type { Alert, Priority } from './alert.js';
export { AlertFormatter, escapeText, jsonString, timeLocal, timeIso8601, timeJson } from './format.js';
export type { FormatOptions } from './format.js';
export { Sink } from './sink.js';
export type { SinkStats } from './sink.js';
export { DropMonitor } from './drops.js';

/** Falco's outputs_queue.capacity 0 means unbounded; kestrel always bounds (this is the default). */
export const DEFAULT_QUEUE_CAPACITY = 65536;

export interface OutputsDeps {
  metrics?: KestrelMetrics;
  logger?: Logger;
  /** Where stdout_output writes (tests pass a stream). */
  stdout?: NodeJS.WritableStream;
}

const SEVERITY: Record<string, number> = {};
PRIORITIES.forEach((p, i) => { SEVERITY[p] = i; });

export class Outputs {
  readonly formatter: AlertFormatter;
  readonly sinks: readonly Sink[];
  private readonly metrics: KestrelMetrics | undefined;
  private readonly rl: RateLimitedLog;
  private readonly closeTimeoutMs: number;
  private signalsInstalled = false;
  private watchdog: NodeJS.Timeout | null = null;
  private readonly onUsr1 = (): void => this.reopen();
  emitted = 0;

  constructor(sinks: Sink[], format: Partial<FormatOptions>, deps: OutputsDeps & { closeTimeoutMs?: number } = {}) {
    this.formatter = new AlertFormatter(format);
    this.sinks = sinks;
    this.metrics = deps.metrics;
    this.closeTimeoutMs = deps.closeTimeoutMs ?? 2000;
    this.rl = new RateLimitedLog(deps.logger ?? silentLogger);
    const m = this.metrics;
    const deliveredCells = new Map<string, { value: number }>();
    const dropCells = new Map<string, { value: number }>();
    for (const s of sinks) {
      s.setHooks({
        delivered: (name, n) => {
          if (!m) return;
          let c = deliveredCells.get(name);
          if (!c) { c = m.outputDelivered.cell(name); deliveredCells.set(name, c); }
          c.value += n;
        },
        dropped: (name, reason, n, detail) => {
          if (m) {
            const key = name + '\u0000' + reason;
            let c = dropCells.get(key);
            if (!c) { c = m.outputDrops.cell(name, reason); dropCells.set(key, c); }
            c.value += n;
            m.outputsQueueDrops.inc(n);
          }
          this.rl.log(`${name}/${reason}`, 'error', `output ${name}: ${n} alert(s) dropped (${reason}): ${detail}`);
        },
      });
    }
    // Falco's output_timeout: an output stuck in one write longer than this is reported (it
    // never blocks the others or the caller; its queue absorbs, then drops and counts).
    const timeout = this.closeTimeoutMs;
    if (sinks.length > 0) {
      this.watchdog = setInterval(() => {
        const now = Date.now();
        for (const s of sinks) {
          const since = s.busySince;
          if (since > 0 && now - since > timeout) {
            this.rl.log(`${s.name}/blocked`, 'warning', `output ${s.name}: blocked for ${now - since} ms (output_timeout ${timeout} ms), ${s.queued} alert(s) queued`);
          }
        }
      }, Math.max(100, Math.min(timeout, 5000)));
      this.watchdog.unref();
    }
    if (m) {
      m.reg.addCollector(() => {
        for (const s of sinks) {
          m.outputQueueLength.cell(s.name).value = s.queued;
          if (s instanceof HttpSink) {
            m.outputSpooled.cell(s.name).value = s.spooled;
            m.outputSpoolBytes.cell(s.name).value = s.spoolBytes;
          }
        }
      });
    }
  }

  /** Renders the alert and queues it on every output. Never blocks, never throws. */
  emit(alert: Alert): void {
    this.emitted++;
    this.metrics?.countAlert(alert.rule, alert.priority, alert.source);
    if (this.sinks.length === 0) return;
    let line: string;
    try {
      line = this.formatter.render(alert);
    } catch (err) {
      // A malformed alert (engine bug) must not take the pipeline down; count it everywhere.
      for (const s of this.sinks) s.lose('render_failed', 1, `cannot render alert for rule '${alert.rule}': ${(err as Error).message}`);
      return;
    }
    const sev = SEVERITY[alert.priority] ?? 7;
    for (let i = 0; i < this.sinks.length; i++) this.sinks[i]!.accept(line, sev);
  }

  reopen(): void {
    for (const s of this.sinks) s.reopen();
  }

  /** SIGUSR1 → reopen(). */
  installSignalHandlers(): void {
    if (this.signalsInstalled) return;
    this.signalsInstalled = true;
    process.on('SIGUSR1', this.onUsr1);
  }

  /** Waits until every queue is empty and every HTTP spool replayed, or the timeout passes. Resolves true when drained. */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await Promise.race([Promise.all(this.sinks.map((s) => s.idle())), new Promise((r) => setTimeout(r, Math.max(0, Math.min(100, deadline - Date.now()))))]);
      const busy = this.sinks.some((s) => s.queued > 0 || (s instanceof HttpSink && s.spoolCount > 0));
      if (!busy) {
        await Promise.all(this.sinks.map((s) => s.idle()));
        if (!this.sinks.some((s) => s.queued > 0 || (s instanceof HttpSink && s.spoolCount > 0))) return true;
      }
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.signalsInstalled) process.removeListener('SIGUSR1', this.onUsr1);
    await Promise.all(this.sinks.map((s) => s.close(this.closeTimeoutMs)));
  }

  stats(): SinkStats[] {
    return this.sinks.map((s) => s.stats());
  }
}

/** The hostname alerts carry: $FALCO_HOSTNAME (Falco's variable), else $KESTREL_HOSTNAME, else the system's. */
export function alertHostname(): string {
  return process.env['FALCO_HOSTNAME'] || process.env['KESTREL_HOSTNAME'] || os.hostname();
}

/** kestrel's own log as configured: stderr at log_level when log_stderr, else nothing. */
export function loggerFromConfig(c: KestrelConfig): Logger {
  return c.log_stderr ? new StderrLogger(c.log_level as LogLevel) : silentLogger;
}

/** The rendering options a config selects. */
export function formatOptions(c: KestrelConfig): FormatOptions {
  return {
    json: c.json_output,
    timeIso8601: c.time_format_iso_8601,
    includeOutput: c.json_include_output_property,
    includeTags: c.json_include_tags_property,
    includeMessage: c.json_include_message_property,
    includeOutputFields: c.json_include_output_fields_property,
  };
}

/**
 * What --dry-run checks without starting anything: the enabled outputs' settings (URL, TLS
 * files, syslog address, program, filename). Throws KES_OUTPUT naming the key; returns a
 * description of each enabled output.
 */
export function checkOutputs(c: KestrelConfig): string[] {
  const out: string[] = [];
  const fail = (key: string, msg: string): never => { throw new KestrelError('KES_OUTPUT', `${key}: ${msg}`); };
  if (c.stdout_output.enabled) out.push('stdout');
  if (c.file_output.enabled) {
    if (!c.file_output.filename) fail('file_output.filename', 'must not be empty when file_output is enabled');
    out.push(`file ${c.file_output.filename}`);
  }
  if (c.syslog_output.enabled) {
    try { parseSyslogAddress(c.syslog_output.address); } catch (e) { fail('syslog_output.address', (e as Error).message); }
    out.push(`syslog ${c.syslog_output.address} (${c.syslog_output.format})`);
  }
  if (c.program_output.enabled) {
    if (!c.program_output.program) fail('program_output.program', 'must not be empty when program_output is enabled');
    out.push('program');
  }
  if (c.http_output.enabled) {
    const h = c.http_output;
    if (!h.url) fail('http_output.url', 'must be set when http_output is enabled');
    let u: URL | null = null;
    try { u = new URL(h.url); } catch { fail('http_output.url', `not a valid URL: '${redactUrl(h.url)}'`); }
    if (u!.protocol !== 'http:' && u!.protocol !== 'https:') fail('http_output.url', `scheme must be http or https, got '${u!.protocol}'`);
    for (const [k, v] of Object.entries(h.headers)) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) fail('http_output.headers', `'${k}' is not a valid header name`);
      if (/[\r\n\0]/.test(v)) fail(`http_output.headers.${k}`, 'the value contains a line break or NUL');
    }
    if (u!.protocol === 'https:') {
      try {
        tlsOptions({ insecure: h.insecure, caCert: h.ca_cert, caBundle: h.ca_bundle, caPath: h.ca_path, mtls: h.mtls, clientCert: h.client_cert, clientKey: h.client_key } as HttpOptions);
      } catch (e) { throw new KestrelError('KES_OUTPUT', (e as Error).message); }
    }
    out.push(`http ${redactUrl(h.url)}${h.spool.enabled ? ` (spool ${h.spool.path})` : ''}`);
  }
  return out;
}

/**
 * Builds the outputs a config enables. Throws KES_OUTPUT when an enabled output cannot be set up
 * (bad URL, unreadable CA file, bad syslog address), naming the config key.
 */
export function createOutputs(c: KestrelConfig, deps: OutputsDeps = {}): Outputs {
  const cap = c.outputs_queue.capacity > 0 ? c.outputs_queue.capacity : DEFAULT_QUEUE_CAPACITY;
  const sinks: Sink[] = [];
  const logger = deps.logger ?? loggerFromConfig(c);
  const wrap = <T>(key: string, f: () => T): T => {
    try { return f(); } catch (e) { throw new KestrelError('KES_OUTPUT', `${key}: ${(e as Error).message}`, { cause: e }); }
  };
  if (c.stdout_output.enabled) sinks.push(new StreamSink('stdout', cap, (deps.stdout ?? process.stdout) as NodeJS.WritableStream & import('node:stream').Writable));
  if (c.file_output.enabled) {
    if (!c.file_output.filename) throw new KestrelError('KES_OUTPUT', 'file_output.filename: must not be empty when file_output is enabled');
    sinks.push(new FileSink('file', cap, c.file_output.filename, c.file_output.keep_alive));
  }
  if (c.syslog_output.enabled) {
    const s = c.syslog_output;
    const addr = wrap('syslog_output.address', () => parseSyslogAddress(s.address));
    if (addr.kind === 'unix' && !existsSync(addr.path)) {
      // Falco's syslog(3) silently loses messages when there is no syslog daemon; say so once instead.
      // Debug level: this is the normal state of containers and minimal hosts.
      logger.log('debug', `syslog_output: ${addr.path} does not exist (no syslog daemon?); syslog output disabled`);
    } else {
      sinks.push(wrap('syslog_output', () => new SyslogSink('syslog', cap, { address: s.address, format: s.format, facility: s.facility, tag: s.tag })));
    }
  }
  if (c.program_output.enabled) {
    if (!c.program_output.program) throw new KestrelError('KES_OUTPUT', 'program_output.program: must not be empty when program_output is enabled');
    sinks.push(new ProgramSink('program', cap, c.program_output.program, c.program_output.keep_alive));
  }
  if (c.http_output.enabled) {
    const h = c.http_output;
    if (!h.url) throw new KestrelError('KES_OUTPUT', 'http_output.url: must be set when http_output is enabled');
    sinks.push(wrap('http_output', () => new HttpSink('http', cap, {
      url: h.url, userAgent: h.user_agent, contentType: c.json_output ? 'application/json' : 'text/plain',
      insecure: h.insecure, caCert: h.ca_cert, caBundle: h.ca_bundle, caPath: h.ca_path,
      mtls: h.mtls, clientCert: h.client_cert, clientKey: h.client_key,
      compressUploads: h.compress_uploads, keepAlive: h.keep_alive, echo: h.echo,
      maxConsecutiveTimeouts: h.max_consecutive_timeouts, timeoutMs: h.timeout_ms, retries: h.retries,
      retryBackoffMs: h.retry_backoff_ms, maxBackoffMs: h.max_backoff_ms, headers: h.headers, maxInFlight: h.max_in_flight,
      spool: h.spool.enabled ? { path: h.spool.path, maxBytes: h.spool.max_size_mb * 1024 * 1024 } : null,
    })));
  }
  return new Outputs(sinks, formatOptions(c), { ...deps, logger, closeTimeoutMs: c.output_timeout });
}
