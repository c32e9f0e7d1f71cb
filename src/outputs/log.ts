// kestrel's own log lines (not alerts): leveled, to stderr by default, with a rate limiter
// so a dead output that fails 10 000 times a second produces one line per interval
// ("… (and 9 999 more)"), and redaction helpers so credentials never reach a log.
import { escapeText } from './format.js';

export type LogLevel = 'emergency' | 'alert' | 'critical' | 'error' | 'warning' | 'notice' | 'info' | 'debug';
const LEVELS: readonly LogLevel[] = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];

export interface Logger {
  log(level: LogLevel, msg: string): void;
}

export class StderrLogger implements Logger {
  private readonly max: number;
  constructor(level: LogLevel = 'info', private readonly write: (line: string) => void = (l) => { process.stderr.write(l); }) {
    this.max = LEVELS.indexOf(level);
  }
  log(level: LogLevel, msg: string): void {
    if (LEVELS.indexOf(level) > this.max) return;
    this.write(`${new Date().toISOString()}: kestrel ${level}: ${escapeText(msg)}\n`);
  }
}

/** Collects lines in memory (tests, --dry-run). */
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: LogLevel; msg: string }> = [];
  log(level: LogLevel, msg: string): void { this.lines.push({ level, msg }); }
}

export const silentLogger: Logger = { log() { /* nothing */ } };

/** Logs at most one line per key per interval; counts what it held back. */
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();
  constructor(private readonly logger: Logger, private readonly intervalMs = 10_000) {}

  log(key: string, level: LogLevel, msg: string): void {
    const now = Date.now();
    const e = this.last.get(key);
    if (e && now - e.at < this.intervalMs) { e.suppressed++; return; }
    const more = e && e.suppressed > 0 ? ` (and ${e.suppressed} more like it since the last report)` : '';
    this.last.set(key, { at: now, suppressed: 0 });
    this.logger.log(level, msg + more);
  }
}

/** A URL with any user:password removed and credential-like query values masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) { u.username = u.username ? 'REDACTED' : ''; u.password = u.password ? 'REDACTED' : ''; }
    for (const k of [...u.searchParams.keys()]) {
      if (/token|key|secret|pass|auth|sig/i.test(k)) u.searchParams.set(k, 'REDACTED');
    }
    return u.toString();
  } catch {
    // Not a URL we can parse: hide anything that looks like userinfo.
    return url.replace(/\/\/[^/@]*@/, '//REDACTED@');
  }
}

/** An error message with URLs in it redacted (Node's errors may echo the request URL). */
export function redactMessage(msg: string): string {
  return msg.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, (m) => redactUrl(m));
}
