// A bounded HTTP GET over a unix socket, for the Docker and podman APIs. Every call ends: a
// missing socket fails at connect, a silent one at the deadline, an endless answer at the size
// cap, a non-JSON one at the parse guard. Never throws: returns a tagged result.

import http from 'node:http';

export type JsonResult =
  | { ok: true; status: number; body: unknown }
  | { ok: false; reason: 'connect' | 'timeout' | 'too-large' | 'bad-json' | 'http' | 'io'; detail: string; status?: number };

export interface UnixGetOptions {
  timeoutMs: number;
  maxBytes: number;
}

export function unixGetJson(socketPath: string, path: string, opts: UnixGetOptions): Promise<JsonResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: JsonResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const req = http.request({
      socketPath, path, method: 'GET', agent: false,
      headers: { host: 'localhost', accept: 'application/json' },
    });
    // One deadline for the whole exchange (connect + headers + body), not an idle timeout:
    // a server that trickles bytes forever must not hold a lookup open.
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout', detail: `no complete answer within ${opts.timeoutMs} ms` }), opts.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const connect = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'EACCES' || err.code === 'ENOTSOCK';
      finish({ ok: false, reason: connect ? 'connect' : 'io', detail: `${err.code ?? ''} ${err.message}`.trim() });
    });
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        finish({ ok: false, reason: 'too-large', detail: `content-length ${declared} > ${opts.maxBytes}`, status: res.statusCode });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.maxBytes) {
          finish({ ok: false, reason: 'too-large', detail: `answer exceeds ${opts.maxBytes} bytes`, status: res.statusCode });
          return;
        }
        chunks.push(c);
      });
      res.on('error', (err) => finish({ ok: false, reason: 'io', detail: err.message }));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        if (status < 200 || status >= 300) {
          finish({ ok: false, reason: 'http', detail: `HTTP ${status}: ${text.slice(0, 200)}`, status });
          return;
        }
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch (err) {
          finish({ ok: false, reason: 'bad-json', detail: `${(err as Error).message} (first bytes: ${JSON.stringify(text.slice(0, 40))})`, status });
          return;
        }
        finish({ ok: true, status, body });
      });
    });
    req.end();
  });
}
