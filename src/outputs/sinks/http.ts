// http_output: one POST per alert (what Falcosidekick expects: the body is the alert, JSON
// when json_output is on), over a keep-alive agent, HTTP or HTTPS (CA / insecure / mTLS).
//
// Failure handling, per alert:
//   2xx                       delivered
//   4xx other than 408/429    'rejected' — the receiver will never take it; dropped, not retried
//   5xx, 408, 429, network    retried `retries` times with exponential back-off
//                             (retry_backoff_ms · 2^i, capped at max_backoff_ms); after
//                             max_consecutive_timeouts failures in a row the receiver is taken
//                             as down and each alert gets a single attempt until one succeeds.
//   still failing             spool on: appended to the disk spool, replayed in order when the
//                             receiver answers again (nothing lost while it is away);
//                             spool off: dropped and counted ('send_failed' / 'timeout').
// While the spool holds alerts, new alerts go to the spool too, so order is kept.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { redactMessage, redactUrl } from '../log.js';
import { Sink, sleep } from '../sink.js';
import { Spool } from '../spool.js';

export interface HttpOptions {
  url: string;
  userAgent: string;
  contentType: string;
  insecure: boolean;
  caCert: string;
  caBundle: string;
  /** A directory of PEM files; '' or the system default path means "use the default trust store". */
  caPath: string;
  mtls: boolean;
  clientCert: string;
  clientKey: string;
  compressUploads: boolean;
  keepAlive: boolean;
  echo: boolean;
  maxConsecutiveTimeouts: number;
  timeoutMs: number;
  retries: number;
  retryBackoffMs: number;
  maxBackoffMs: number;
  /** Extra request headers (e.g. Authorization); never logged. */
  headers: Record<string, string>;
  /** POSTs in flight at once; 1 keeps alerts in order (Falco's behaviour). */
  maxInFlight: number;
  spool: { path: string; maxBytes: number } | null;
}

export const SYSTEM_CA_PATH = '/etc/ssl/certs';

type Result = { ok: true } | { ok: false; retryable: boolean; reason: 'rejected' | 'send_failed' | 'timeout'; detail: string };

/** Builds the agent's TLS material; throws with the config key in the message when a file is unreadable. */
export function tlsOptions(o: HttpOptions): https.AgentOptions {
  const read = (key: string, file: string): Buffer => {
    try { return readFileSync(file); } catch (e) { throw new Error(`http_output.${key}: cannot read '${file}': ${(e as Error).message}`); }
  };
  const t: https.AgentOptions = { rejectUnauthorized: !o.insecure };
  const ca: Buffer[] = [];
  if (o.caCert) ca.push(read('ca_cert', o.caCert));
  if (o.caBundle) ca.push(read('ca_bundle', o.caBundle));
  if (o.caPath && path.resolve(o.caPath) !== SYSTEM_CA_PATH) {
    let names: string[];
    try { names = readdirSync(o.caPath); } catch (e) { throw new Error(`http_output.ca_path: cannot list '${o.caPath}': ${(e as Error).message}`); }
    for (const n of names.sort()) {
      const p = path.join(o.caPath, n);
      if (/\.(pem|crt)$/i.test(n) && statSync(p).isFile()) ca.push(read('ca_path', p));
    }
  }
  if (ca.length > 0) t.ca = ca;
  if (o.mtls) {
    t.cert = read('client_cert', o.clientCert);
    t.key = read('client_key', o.clientKey);
  }
  return t;
}

export class HttpSink extends Sink {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly mod: typeof http | typeof https;
  private readonly safeUrl: string;
  private consecutiveFailures = 0;
  private readonly spool: Spool | null;
  private replaying: Promise<void> | null = null;
  private readonly abort = new AbortController();
  /** Alerts moved to the spool so far. */
  spooled = 0;

  constructor(name: string, capacity: number, private readonly o: HttpOptions) {
    super(name, capacity);
    this.maxBatch = 64;
    try { this.url = new URL(o.url); } catch { throw new Error(`http_output.url: not a valid URL: '${redactUrl(o.url)}'`); }
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') throw new Error(`http_output.url: scheme must be http or https, got '${this.url.protocol}'`);
    this.safeUrl = redactUrl(o.url);
    for (const [k, v] of Object.entries(o.headers)) {
      // Node would refuse these per request; say so once, at start, without echoing the value.
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) throw new Error(`http_output.headers: '${k}' is not a valid header name`);
      if (/[\r\n\0]/.test(v)) throw new Error(`http_output.headers.${k}: the value contains a line break or NUL`);
    }
    if (this.url.protocol === 'https:') {
      this.mod = https;
      this.agent = new https.Agent({ keepAlive: true, maxSockets: Math.max(1, o.maxInFlight), ...tlsOptions(o) });
    } else {
      this.mod = http;
      this.agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(1, o.maxInFlight) });
    }
    this.spool = o.spool ? new Spool(o.spool.path, o.spool.maxBytes) : null;
    // Alerts left from a previous run: start replaying them at once.
    if (this.spool && this.spool.count > 0) this.kickReplay();
  }

  get spoolCount(): number { return this.spool ? this.spool.count : 0; }
  get spoolBytes(): number { return this.spool ? this.spool.bytes : 0; }

  protected async write(batch: string[]): Promise<void> {
    if (this.o.maxInFlight > 1 && !(this.spool && (this.spool.count > 0 || this.replaying))) return this.writeParallel(batch);
    for (let i = 0; i < batch.length; i++) {
      if (this.spool && (this.spool.count > 0 || this.replaying)) {
        this.toSpool(batch.slice(i));
        return;
      }
      const r = await this.sendWithRetry(batch[i]!);
      if (r.ok) { this.ok(1); continue; }
      if (r.retryable && this.spool) {
        this.toSpool(batch.slice(i));
        return;
      }
      this.drop(r.reason, 1, `${this.safeUrl}: ${r.detail}`);
    }
  }

  /** max_in_flight > 1: a small pool of senders over the batch; order between alerts is not kept. */
  private async writeParallel(batch: string[]): Promise<void> {
    let next = 0;
    const toSpool: string[] = [];
    const worker = async (): Promise<void> => {
      while (next < batch.length) {
        const body = batch[next++]!;
        if (this.spool && toSpool.length > 0) { toSpool.push(body); continue; }
        const r = await this.sendWithRetry(body);
        if (r.ok) this.ok(1);
        else if (r.retryable && this.spool) toSpool.push(body);
        else this.drop(r.reason, 1, `${this.safeUrl}: ${r.detail}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.maxInFlight, batch.length) }, worker));
    if (toSpool.length > 0) this.toSpool(toSpool);
  }

  private toSpool(lines: string[]): void {
    const n = this.spool!.append(lines);
    this.spooled += n;
    // Parked, not lost: accounted when replayed.
    this.park(n);
    if (n < lines.length) this.drop('spool_full', lines.length - n, `spool ${this.spool!.path} is full (${this.spool!.maxBytes} bytes)`);
    this.kickReplay();
  }

  private kickReplay(): void {
    if (this.replaying || !this.spool) return;
    this.replaying = this.replay().finally(() => {
      this.replaying = null;
      // Lines appended between the last peek() and this callback would otherwise wait for the
      // next alert to start a replay.
      if (this.spool && this.spool.count > 0 && !this.abort.signal.aborted) this.kickReplay();
    });
  }

  private async replay(): Promise<void> {
    const spool = this.spool!;
    let backoff = this.o.retryBackoffMs;
    while (!this.abort.signal.aborted) {
      const rec = spool.peek();
      if (!rec) return;
      if (rec.line === '') { spool.advance(rec.bytes); continue; }
      const r = await this.send(rec.line);
      if (this.abort.signal.aborted) return;
      if (r.ok) {
        spool.advance(rec.bytes);
        this.countOk(1);
        backoff = this.o.retryBackoffMs;
        this.consecutiveFailures = 0;
      } else if (!r.retryable) {
        spool.advance(rec.bytes);
        this.countDrop(r.reason, 1, `${this.safeUrl}: ${r.detail}`);
      } else {
        // Receiver still away: wait and try the same alert again.
        await sleep(backoff, this.abort.signal);
        backoff = Math.min(backoff * 2, this.o.maxBackoffMs);
      }
    }
  }

  private async sendWithRetry(body: string): Promise<Result> {
    const down = this.consecutiveFailures >= this.o.maxConsecutiveTimeouts;
    const attempts = down ? 1 : 1 + this.o.retries;
    let r: Result = { ok: false, retryable: true, reason: 'send_failed', detail: 'not sent' };
    for (let i = 0; i < attempts && !this.abort.signal.aborted; i++) {
      if (i > 0) await sleep(Math.min(this.o.retryBackoffMs * 2 ** (i - 1), this.o.maxBackoffMs), this.abort.signal);
      r = await this.send(body);
      if (r.ok) { this.consecutiveFailures = 0; return r; }
      if (!r.retryable) return r;
      this.consecutiveFailures++;
    }
    return r;
  }

  /** One POST. Never rejects. */
  send(body: string): Promise<Result> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: Result): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(r);
      };
      let payload: Buffer = Buffer.from(body);
      const headers: Record<string, string | number> = {
        'content-type': this.o.contentType,
        'user-agent': this.o.userAgent,
        ...this.o.headers,
      };
      if (this.o.compressUploads) { payload = gzipSync(payload); headers['content-encoding'] = 'gzip'; }
      headers['content-length'] = payload.length;
      if (!this.o.keepAlive) headers['connection'] = 'close';
      let req: http.ClientRequest;
      try {
        req = this.mod.request(this.url, { method: 'POST', agent: this.agent, headers });
      } catch (e) {
        finish({ ok: false, retryable: false, reason: 'send_failed', detail: redactMessage((e as Error).message) });
        return;
      }
      // One deadline for the whole exchange: a receiver that accepts and then hangs must not
      // hold this output forever.
      const timer = setTimeout(() => {
        req.destroy();
        finish({ ok: false, retryable: true, reason: 'timeout', detail: `no response within ${this.o.timeoutMs} ms` });
      }, this.o.timeoutMs);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => { if (this.o.echo) chunks.push(c); });
        res.on('error', () => undefined);
        res.on('end', () => {
          const st = res.statusCode ?? 0;
          if (this.o.echo && chunks.length > 0) process.stdout.write(Buffer.concat(chunks).toString('utf8').replace(/\n?$/, '\n'));
          if (st >= 200 && st < 300) finish({ ok: true });
          else if (st >= 400 && st < 500 && st !== 408 && st !== 429) finish({ ok: false, retryable: false, reason: 'rejected', detail: `HTTP ${st}` });
          else finish({ ok: false, retryable: true, reason: 'send_failed', detail: `HTTP ${st}` });
        });
      });
      req.on('error', (e) => finish({ ok: false, retryable: true, reason: 'send_failed', detail: redactMessage(e.message) }));
      req.end(payload);
    });
  }

  protected override async shutdown(): Promise<void> {
    // Let a replay in progress finish its current request, then stop; what is left stays on
    // disk for the next start.
    this.abort.abort();
    // Destroying the agent ends requests in flight, so neither the replay nor an abandoned
    // write waits out its timeout.
    this.agent.destroy();
    if (this.replaying) await this.replaying;
    this.spool?.close();
  }
}
