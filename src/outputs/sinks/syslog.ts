// syslog_output. Falco calls syslog(3) (facility LOG_USER, severity from the rule priority);
// kestrel speaks the protocol itself so the target is configurable:
//   unix path (default /dev/log)  — through util-linux `logger --prio-prefix -u <path>`, a
//                                   long-lived helper, because Node has no unix datagram sockets
//   udp://host:port               — one datagram per alert (RFC 3164 or RFC 5424 framing)
//   tcp://host:port               — RFC 6587 octet counting: "<len> <message>"
//
//   RFC 3164: <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG
//   RFC 5424: <PRI>1 YYYY-MM-DDThh:mm:ss.sssZ HOST APP PID - - MSG
// PRI = facility * 8 + severity; severity = Falco priority index (Emergency 0 … Debug 7).
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';
import { Sink, sleep } from '../sink.js';

export type SyslogFormat = 'rfc3164' | 'rfc5424';

export const FACILITIES: Readonly<Record<string, number>> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

export interface SyslogOptions {
  /** '/dev/log', 'unix:///path', 'udp://127.0.0.1:514' or 'tcp://127.0.0.1:514'. */
  address: string;
  format: SyslogFormat;
  facility: string;
  tag: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function parseSyslogAddress(address: string): { kind: 'unix'; path: string } | { kind: 'udp' | 'tcp'; host: string; port: number } {
  if (address.startsWith('/')) return { kind: 'unix', path: address };
  if (address.startsWith('unix://')) return { kind: 'unix', path: address.slice('unix://'.length) };
  const m = /^(udp|tcp):\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(address);
  if (!m || Number(m[3]) > 65535) throw new Error(`bad syslog address '${address}' (expected /path, unix:///path, udp://host:port or tcp://host:port)`);
  return { kind: m[1] as 'udp' | 'tcp', host: m[2]!.replace(/^\[|\]$/g, ''), port: Number(m[3]) };
}

export class SyslogSink extends Sink {
  private readonly target: ReturnType<typeof parseSyslogAddress>;
  private readonly facility: number;
  private readonly host = os.hostname();
  private udp: dgram.Socket | null = null;
  private tcp: net.Socket | null = null;
  private helper: ChildProcess | null = null;
  private lastHelperSpawn = 0;
  private readonly abort = new AbortController();

  constructor(name: string, capacity: number, private readonly opts: SyslogOptions) {
    super(name, capacity);
    this.target = parseSyslogAddress(opts.address);
    const f = FACILITIES[opts.facility];
    if (f === undefined) throw new Error(`unknown syslog facility '${opts.facility}'`);
    this.facility = f;
  }

  /** Lines carry their severity as a leading digit, so the queue stays a queue of strings. */
  override accept(line: string, severity: number): boolean {
    return this.enqueue(String(severity & 7) + line);
  }

  /** Frames one message (exposed for tests). */
  frame(severity: number, msg: string, now = new Date()): string {
    const pri = this.facility * 8 + severity;
    if (this.opts.format === 'rfc5424') {
      return `<${pri}>1 ${now.toISOString()} ${this.host} ${this.opts.tag} ${process.pid} - - ${msg}`;
    }
    const d = String(now.getDate()).padStart(2, ' ');
    const t = `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}:${String(now.getSeconds()).padStart(2, '0')}`;
    return `<${pri}>${MONTHS[now.getMonth()]} ${d} ${t} ${this.host} ${this.opts.tag}[${process.pid}]: ${msg}`;
  }

  protected async write(batch: string[]): Promise<void> {
    const t = this.target;
    if (t.kind === 'unix') return this.writeHelper(batch, t.path);
    const now = new Date();
    if (t.kind === 'udp') {
      if (!this.udp) {
        this.udp = dgram.createSocket(net.isIPv6(t.host) ? 'udp6' : 'udp4');
        this.udp.on('error', () => undefined);
      }
      const sock = this.udp;
      for (const l of batch) {
        const msg = this.frame(Number(l[0]), l.slice(1), now);
        const err = await new Promise<Error | null>((res) => sock.send(msg, t.port, t.host, (e) => res(e ?? null)));
        if (err) this.drop('send_failed', 1, `syslog ${this.opts.address}: ${err.message}`);
        else this.ok(1);
      }
      return;
    }
    // TCP with octet counting.
    let data = '';
    for (const l of batch) {
      const msg = this.frame(Number(l[0]), l.slice(1), now);
      data += `${Buffer.byteLength(msg)} ${msg}`;
    }
    try {
      const sock = await this.tcpSocket(t.host, t.port);
      await new Promise<void>((res, rej) => sock.write(data, (e) => (e ? rej(e) : res())));
      this.ok(batch.length);
    } catch (err) {
      this.tcp?.destroy();
      this.tcp = null;
      this.drop('send_failed', batch.length, `syslog ${this.opts.address}: ${(err as Error).message}`);
    }
  }

  private tcpSocket(host: string, port: number): Promise<net.Socket> {
    if (this.tcp && !this.tcp.destroyed && this.tcp.writable) return Promise.resolve(this.tcp);
    return new Promise((res, rej) => {
      const s = net.connect({ host, port });
      s.setTimeout(5000, () => s.destroy(new Error('connect timeout')));
      s.once('connect', () => { s.setTimeout(0); s.on('error', () => undefined); this.tcp = s; res(s); });
      s.once('error', rej);
      s.on('close', () => { if (this.tcp === s) this.tcp = null; });
    });
  }

  private async writeHelper(batch: string[], path: string): Promise<void> {
    const h = this.helper;
    if (!h || h.exitCode !== null || h.signalCode !== null || h.stdin!.destroyed) {
      const wait = 1000 - (Date.now() - this.lastHelperSpawn);
      if (this.lastHelperSpawn > 0 && wait > 0) await sleep(wait, this.abort.signal);
      this.lastHelperSpawn = Date.now();
      const args = ['--prio-prefix', '--socket-errors=on', '-u', path, '-t', this.opts.tag, '-S', '65000',
        this.opts.format === 'rfc5424' ? '--rfc5424' : '--rfc3164'];
      const child = spawn('logger', args, { stdio: ['pipe', 'ignore', 'ignore'] });
      child.on('error', () => undefined);
      child.stdin!.on('error', () => undefined);
      this.helper = child;
    }
    let data = '';
    for (const l of batch) data += `<${this.facility * 8 + Number(l[0])}>${l.slice(1)}\n`;
    const helper = this.helper!;
    const ok = await new Promise<boolean>((res) => helper.stdin!.write(data, (e) => res(!e)));
    if (ok) this.ok(batch.length);
    else { this.helper = null; this.drop('send_failed', batch.length, `syslog ${path}: logger helper exited`); }
  }

  protected override async shutdown(): Promise<void> {
    this.abort.abort();
    this.udp?.close();
    this.udp = null;
    this.tcp?.end();
    this.tcp = null;
    const h = this.helper;
    this.helper = null;
    if (h && h.exitCode === null) {
      h.stdin!.end();
      await Promise.race([new Promise((res) => h.once('close', res)), sleep(1000)]);
      if (h.exitCode === null) h.kill('SIGTERM');
    }
  }
}
