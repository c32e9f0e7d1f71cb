// What a metadata source (a runtime socket, a state directory) implements for the manager, and
// small guards for reading untrusted JSON from runtimes. Runtime answers are data: they are
// only ever read as strings/booleans/numbers into ContainerInfo fields, never evaluated.

import type { ContainerInfo, ContainerRef } from './types.js';

export type FetchFailure = 'timeout' | 'connect' | 'not-found' | 'bad-answer' | 'too-large' | 'error';

export type FetchResult = { ok: true } | { ok: false; reason: FetchFailure; detail: string };

export interface MetadataEngine {
  /** Counter key and label, e.g. 'podman', 'docker', 'containerd', 'cri'. */
  readonly name: string;
  /** Whether this engine can know about the container. */
  handles(ref: ContainerRef): boolean;
  /** Fills `info` from the runtime. Must resolve (never reject) within its own deadline. */
  fetch(ref: ContainerRef, info: ContainerInfo): Promise<FetchResult>;
  close(): void;
}

export const OK: FetchResult = Object.freeze({ ok: true });

export function fail(reason: FetchFailure, detail: string): FetchResult {
  return { ok: false, reason, detail };
}

// ---- guarded JSON access -----------------------------------------------------------------

export type Json = Record<string, unknown>;

export function asObj(v: unknown): Json | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
}

export function getObj(o: Json | null, key: string): Json | null {
  return o === null ? null : asObj(Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);
}

export function getStr(o: Json | null, key: string): string {
  if (o === null || !Object.prototype.hasOwnProperty.call(o, key)) return '';
  const v = o[key];
  return typeof v === 'string' ? v : '';
}

export function getBool(o: Json | null, key: string): boolean | null {
  if (o === null || !Object.prototype.hasOwnProperty.call(o, key)) return null;
  const v = o[key];
  return typeof v === 'boolean' ? v : null;
}

export function getArr(o: Json | null, key: string): unknown[] {
  if (o === null || !Object.prototype.hasOwnProperty.call(o, key)) return [];
  const v = o[key];
  return Array.isArray(v) ? v : [];
}

/** Copies a string→string map, dropping non-strings and entries over `maxLen` characters. */
export function copyLabels(src: unknown, maxLen: number, maxCount = 256): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  const o = asObj(src);
  if (o === null) return out;
  let n = 0;
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (typeof v !== 'string' || k.length > maxLen || v.length > maxLen) continue;
    out[k] = v;
    if (++n >= maxCount) break;
  }
  return out;
}

/** RFC 3339 time with up to 9 fractional digits → ns since the epoch; 0n if unparsable or zero-time. */
export function rfc3339ToNs(s: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return 0n;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (!Number.isFinite(ms) || ms <= 0) return 0n;
  const frac = (m[2] ?? '').padEnd(9, '0');
  return BigInt(ms) * 1_000_000n + BigInt(frac);
}

/** Kubernetes identity from the labels kubelet sets on containers (dockershim and CRI). */
export function applyK8sLabels(info: ContainerInfo): void {
  const l = info.labels;
  if (info.podName === '' && typeof l['io.kubernetes.pod.name'] === 'string') info.podName = l['io.kubernetes.pod.name'];
  if (info.podNamespace === '' && typeof l['io.kubernetes.pod.namespace'] === 'string') info.podNamespace = l['io.kubernetes.pod.namespace'];
  if (info.podUid === '' && typeof l['io.kubernetes.pod.uid'] === 'string') info.podUid = l['io.kubernetes.pod.uid'];
}
