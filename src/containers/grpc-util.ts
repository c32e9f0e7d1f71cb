// Loading the .proto API subsets shipped in src/containers/ and calling unary methods with a
// deadline. tsc does not copy .proto files into dist/, so they are looked up next to the
// compiled module first and then in the source tree.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import loader from '@grpc/proto-loader';

export { grpc };

const cache = new Map<string, grpc.GrpcObject>();

export function protoPath(file: string): string {
  const here = fileURLToPath(new URL(`./${file}`, import.meta.url));
  if (existsSync(here)) return here;
  // dist/src/containers/x.js → src/containers/<file>
  const src = fileURLToPath(new URL(`../../../src/containers/${file}`, import.meta.url));
  return src;
}

export function loadProto(file: string): grpc.GrpcObject {
  let pkg = cache.get(file);
  if (pkg === undefined) {
    const def = loader.loadSync(protoPath(file), { keepCase: false, longs: String, enums: Number, defaults: true, oneofs: true });
    pkg = grpc.loadPackageDefinition(def);
    cache.set(file, pkg);
  }
  return pkg;
}

export function lookupService(pkg: grpc.GrpcObject, dotted: string): grpc.ServiceClientConstructor {
  let cur: unknown = pkg;
  for (const part of dotted.split('.')) cur = (cur as Record<string, unknown>)[part];
  return cur as grpc.ServiceClientConstructor;
}

/** Client options: a receive cap, and no retries/backoff growth beyond what a lookup can wait. */
export function channelOptions(maxBytes: number): grpc.ChannelOptions {
  return {
    'grpc.max_receive_message_length': maxBytes,
    'grpc.max_send_message_length': 1 << 20,
    'grpc.enable_retries': 0,
    'grpc.initial_reconnect_backoff_ms': 200,
    'grpc.max_reconnect_backoff_ms': 2000,
  };
}

export type UnaryResult<T> = { ok: true; value: T } | { ok: false; code: number; detail: string };

/** Calls a unary method; resolves (never rejects) by the deadline. */
export function unary<T>(client: grpc.Client, method: string, req: unknown, timeoutMs: number, md?: grpc.Metadata): Promise<UnaryResult<T>> {
  return new Promise((resolve) => {
    const fn = (client as unknown as Record<string, (...a: unknown[]) => unknown>)[method];
    if (typeof fn !== 'function') {
      resolve({ ok: false, code: grpc.status.UNIMPLEMENTED, detail: `no method ${method}` });
      return;
    }
    const cb = (err: grpc.ServiceError | null, value: T): void => {
      if (err) resolve({ ok: false, code: err.code ?? grpc.status.UNKNOWN, detail: err.details || err.message });
      else resolve({ ok: true, value });
    };
    try {
      fn.call(client, req, md ?? new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, cb);
    } catch (err) {
      resolve({ ok: false, code: grpc.status.INTERNAL, detail: (err as Error).message });
    }
  });
}

/** Maps a gRPC status to the manager's failure reasons. */
export function grpcReason(code: number): 'timeout' | 'connect' | 'not-found' | 'too-large' | 'bad-answer' | 'error' {
  switch (code) {
    case grpc.status.DEADLINE_EXCEEDED: return 'timeout';
    case grpc.status.UNAVAILABLE: return 'connect';
    case grpc.status.NOT_FOUND: return 'not-found';
    case grpc.status.RESOURCE_EXHAUSTED: return 'too-large';
    case grpc.status.INTERNAL: case grpc.status.UNIMPLEMENTED: case grpc.status.UNKNOWN: return 'bad-answer';
    default: return 'error';
  }
}
