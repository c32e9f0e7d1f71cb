// The web server (Falco's `webserver:`): fastify, bound to 127.0.0.1 unless configured.
//   GET <k8s_healthz_endpoint>  (default /healthz)  {"status":"ok"} 200, or 503 when health() says not ok
//   GET /versions               component versions as JSON
//   GET /metrics                Prometheus text (when webserver.prometheus_metrics_enabled)
//
//   const app = await startServer(config.webserver, { metrics, versions, health });
//   …  await app.close();
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { KestrelError } from '../errors.js';
import type { KestrelMetrics } from '../metrics/falco.js';
import type { MetricsRegistry } from '../metrics/index.js';
import type { KestrelConfig } from '../config/schema.js';

export interface ServerDeps {
  metrics?: KestrelMetrics | MetricsRegistry;
  /** Served as /versions, e.g. {kestrel_version, engine_version, node_version, …}. */
  versions: Record<string, string>;
  /** Liveness; default: always ok. */
  health?: () => { ok: boolean; detail?: string };
}

export type WebserverConfig = KestrelConfig['webserver'];

/** The Prometheus exposition content type Falco serves. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function buildServer(cfg: Pick<WebserverConfig, 'k8s_healthz_endpoint' | 'prometheus_metrics_enabled' | 'ssl_enabled' | 'ssl_certificate'>, deps: ServerDeps): FastifyInstance {
  let https: { key: Buffer; cert: Buffer } | null = null;
  if (cfg.ssl_enabled) {
    let pem: Buffer;
    try { pem = readFileSync(cfg.ssl_certificate); } catch (e) {
      throw new KestrelError('KES_SERVER', `webserver.ssl_certificate: cannot read '${cfg.ssl_certificate}': ${(e as Error).message}`);
    }
    // Falco's ssl_certificate is one PEM holding both the key and the certificate.
    https = { key: pem, cert: pem };
  }
  const app = (https ? Fastify({ logger: false, https }) : Fastify({ logger: false })) as unknown as FastifyInstance;
  const healthPath = cfg.k8s_healthz_endpoint.startsWith('/') ? cfg.k8s_healthz_endpoint : '/' + cfg.k8s_healthz_endpoint;

  app.get(healthPath, async (_req, reply) => {
    const h = deps.health ? deps.health() : { ok: true };
    reply.code(h.ok ? 200 : 503).header('cache-control', 'no-store');
    return h.ok ? { status: 'ok' } : { status: 'unhealthy', detail: h.detail ?? '' };
  });

  app.get('/versions', async () => deps.versions);

  if (cfg.prometheus_metrics_enabled && deps.metrics) {
    const reg = 'reg' in deps.metrics ? deps.metrics.reg : deps.metrics;
    app.get('/metrics', async (_req, reply) => {
      const text = await reg.text();
      reply.header('content-type', METRICS_CONTENT_TYPE).header('cache-control', 'no-store');
      return text;
    });
  }
  return app;
}

/** Builds and listens; resolves once bound. Throws KES_SERVER (e.g. address in use). */
export async function startServer(cfg: WebserverConfig, deps: ServerDeps): Promise<FastifyInstance> {
  const app = buildServer(cfg, deps);
  try {
    await app.listen({ host: cfg.listen_address, port: cfg.listen_port });
  } catch (e) {
    await app.close().catch(() => undefined);
    throw new KestrelError('KES_SERVER', `webserver: cannot listen on ${cfg.listen_address}:${cfg.listen_port}: ${(e as Error).message}`, { cause: e });
  }
  return app;
}

/** The bound port (useful with listen_port 0). */
export function boundPort(app: FastifyInstance): number {
  const a = app.server.address();
  return typeof a === 'object' && a ? a.port : 0;
}
