// A real HTTP receiver on loopback for the HTTP output tests (Falcosidekick stand-in).
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

export type Mode = 'ok' | 'hang' | { status: number };

export class Receiver {
  readonly bodies: string[] = [];
  readonly headers: http.IncomingHttpHeaders[] = [];
  mode: Mode = 'ok';
  port = 0;
  private server: http.Server | null = null;
  private hung: http.ServerResponse[] = [];

  async start(port = 0): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.mode === 'hang') { this.hung.push(res); return; }
        if (typeof this.mode === 'object') { res.writeHead(this.mode.status).end('no'); this.headers.push(req.headers); return; }
        const raw = Buffer.concat(chunks);
        this.bodies.push((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
        this.headers.push(req.headers);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stops listening and drops every open connection (the receiver "goes down"). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    for (const r of this.hung) r.destroy();
    this.hung = [];
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  get url(): string { return `http://127.0.0.1:${this.port}/`; }

  seqs(): number[] {
    return this.bodies.map((b) => JSON.parse(b).output_fields['test.seq'] as number);
  }
}
