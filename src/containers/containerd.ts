// containerd metadata from two places:
//  1. the task's OCI bundle on disk, <state>/io.containerd.runtime.v2.task/<ns>/<id>/config.json:
//     annotations (ctr --label values; for CRI containers the io.kubernetes.cri.* keys with the
//     image name, container name and pod sandbox name/namespace/uid), mounts, capabilities. It
//     needs no socket and answers for CRI containers even when the CRI plugin is not reachable.
//  2. containerd's containers API (containers.v1 Get, namespace in the "containerd-namespace"
//     header) for the image reference and the merged image+container labels, which the bundle
//     of a plain `ctr run` container does not carry.

import { readlinkSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import {
  OK, asObj, copyLabels, fail, getArr, getObj, getStr, type FetchResult, type MetadataEngine,
} from './engine.js';
import { channelOptions, grpc, grpcReason, loadProto, lookupService, unary } from './grpc-util.js';
import { splitImage, type ContainerInfo, type ContainerMount, type ContainerRef } from './types.js';

export interface ContainerdEngineOptions {
  /** containerd's state directory (default /run/containerd). */
  stateDir: string;
  /** containerd's API socket, or '' to use the bundle on disk only. */
  socket: string;
  timeoutMs: number;
  maxBytes: number;
  labelMaxLen: number;
}

interface ApiContainer {
  id: string;
  labels: Record<string, string>;
  image: string;
  createdAt: { seconds: string; nanos: number } | null;
}

/** Reads at most `maxBytes` of a file; null when missing, over the cap or unreadable. */
async function readCapped(path: string, maxBytes: number): Promise<{ text: string } | { error: 'missing' | 'too-large' | 'io'; detail: string }> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'io', detail: `${path}: ${(err as Error).message}` };
  }
  try {
    const buf = Buffer.alloc(Math.min(maxBytes + 1, 1 << 24));
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n > maxBytes) return { error: 'too-large', detail: `${path}: larger than ${maxBytes} bytes` };
    }
    return { text: buf.toString('utf8', 0, n) };
  } catch (err) {
    return { error: 'io', detail: `${path}: ${(err as Error).message}` };
  } finally {
    await fh.close().catch(() => undefined);
  }
}

const TASK_DIR = 'io.containerd.runtime.v2.task';

export class ContainerdEngine implements MetadataEngine {
  readonly name = 'containerd';
  private client: grpc.Client | null = null;

  constructor(private readonly o: ContainerdEngineOptions) {}

  handles(ref: ContainerRef): boolean {
    return ref.type === 'containerd' || ref.type === 'cri';
  }

  private api(): grpc.Client | null {
    if (this.o.socket === '') return null;
    if (this.client === null) {
      const Svc = lookupService(loadProto('containerd-api.proto'), 'containerd.services.containers.v1.Containers');
      this.client = new Svc(`unix://${this.o.socket}`, grpc.credentials.createInsecure(), channelOptions(this.o.maxBytes));
    }
    return this.client;
  }

  /** Namespaces to look in: the cgroup's own for ctr containers, else every namespace on disk. */
  private async namespaces(ref: ContainerRef): Promise<string[]> {
    if (ref.ctrNamespace !== '') return [ref.ctrNamespace];
    try {
      const all = await readdir(`${this.o.stateDir}/${TASK_DIR}`);
      // k8s.io first: that is where CRI containers live.
      return all.sort((a, b) => (a === 'k8s.io' ? -1 : b === 'k8s.io' ? 1 : a.localeCompare(b)));
    } catch {
      return ['k8s.io'];
    }
  }

  async fetch(ref: ContainerRef, info: ContainerInfo): Promise<FetchResult> {
    const deadline = Date.now() + this.o.timeoutMs;
    let bundleNs = '';
    let lastErr: FetchResult = fail('not-found', `no containerd task ${ref.fullId} under ${this.o.stateDir}/${TASK_DIR}`);
    for (const ns of await this.namespaces(ref)) {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(ns)) continue;
      const dir = `${this.o.stateDir}/${TASK_DIR}/${ns}/${ref.fullId}`;
      const r = await readCapped(`${dir}/config.json`, this.o.maxBytes);
      if ('error' in r) {
        if (r.error !== 'missing') lastErr = fail(r.error === 'too-large' ? 'too-large' : 'error', r.detail);
        continue;
      }
      let spec: unknown;
      try {
        spec = JSON.parse(r.text);
      } catch (err) {
        lastErr = fail('bad-answer', `${dir}/config.json: ${(err as Error).message}`);
        continue;
      }
      const o = asObj(spec);
      if (o === null) {
        lastErr = fail('bad-answer', `${dir}/config.json: not a JSON object`);
        continue;
      }
      fillFromOciSpec(o, info, this.o.labelMaxLen);
      try {
        // The task's init.pid is written when the task starts: its mtime is the start time.
        const st = await stat(`${dir}/init.pid`, { bigint: true });
        info.startTs = st.mtimeNs;
      } catch { /* not started yet or gone: leave unknown */ }
      bundleNs = ns;
      break;
    }
    if (bundleNs === '') return lastErr;

    // The API adds the image reference and image labels (ctr bundles carry neither).
    const client = info.image === '' ? this.api() : null;
    if (client !== null) {
      const md = new grpc.Metadata();
      md.set('containerd-namespace', bundleNs);
      const left = Math.max(50, deadline - Date.now());
      const r = await unary<{ container: ApiContainer | null }>(client, 'get', { id: ref.fullId }, left, md);
      if (r.ok && r.value.container) {
        const c = r.value.container;
        if (typeof c.image === 'string' && c.image !== '') {
          info.image = c.image;
          const p = splitImage(c.image);
          info.imageRepo = p.repo;
          info.imageTag = p.tag;
          if (p.digest !== '') info.imageDigest = p.digest;
        }
        const merged = copyLabels(c.labels, this.o.labelMaxLen);
        for (const k of Object.keys(info.labels)) merged[k] = info.labels[k]!;
        info.labels = merged;
      } else if (!r.ok && grpcReason(r.code) === 'timeout') {
        // The bundle answered; the image stays unknown. Not a failure of the lookup.
      }
    }
    info.source = 'runtime';
    info.answeredBy = 'containerd';
    return OK;
  }

  close(): void {
    this.client?.close();
    this.client = null;
  }
}

/** Fills a ContainerInfo from an OCI runtime spec (config.json) written by containerd (exported for tests). */
export function fillFromOciSpec(spec: Record<string, unknown>, info: ContainerInfo, labelMaxLen: number): void {
  const ann = copyLabels(spec['annotations'], labelMaxLen);
  const cri = ann['io.kubernetes.cri.container-type'] !== undefined;
  if (cri) {
    info.name = ann['io.kubernetes.cri.container-name'] ?? ann['io.kubernetes.cri.sandbox-name'] ?? '';
    info.isPodSandbox = ann['io.kubernetes.cri.container-type'] === 'sandbox';
    const image = ann['io.kubernetes.cri.image-name'] ?? '';
    if (image !== '') {
      info.image = image;
      const p = splitImage(image);
      info.imageRepo = p.repo;
      info.imageTag = p.tag;
      info.imageDigest = p.digest;
    }
    info.podName = ann['io.kubernetes.cri.sandbox-name'] ?? '';
    info.podNamespace = ann['io.kubernetes.cri.sandbox-namespace'] ?? '';
    if (ann['io.kubernetes.cri.sandbox-uid']) info.podUid = ann['io.kubernetes.cri.sandbox-uid'];
    info.podSandboxId = ann['io.kubernetes.cri.sandbox-id'] ?? (info.isPodSandbox ? info.fullId : '');
    // CRI annotations are kubelet bookkeeping, not user labels.
    const labels = Object.create(null) as Record<string, string>;
    for (const k of Object.keys(ann)) if (!k.startsWith('io.kubernetes.cri.')) labels[k] = ann[k]!;
    info.labels = labels;
  } else {
    // ctr: annotations are the --label values.
    info.labels = ann;
    if (info.name === '') info.name = info.fullId;
  }
  const mounts: ContainerMount[] = [];
  for (const m of getArr(spec, 'mounts')) {
    const mo = asObj(m);
    if (mo === null || getStr(mo, 'type') !== 'bind') continue;
    const opts = getArr(mo, 'options').filter((x): x is string => typeof x === 'string');
    const ro = opts.includes('ro');
    const prop = opts.find((x) => /^r?(private|shared|slave|unbindable)$/.test(x)) ?? '';
    mounts.push({ source: getStr(mo, 'source'), dest: getStr(mo, 'destination'), mode: ro ? 'ro' : 'rw', rw: !ro, propagation: prop });
    if (mounts.length >= 256) break;
  }
  info.mounts = mounts;
  // Privileged containers (ctr --privileged, CRI privileged: true) get every capability and
  // no masked paths; CAP_SYS_ADMIN in the bounding set plus no masked paths is that shape.
  const proc = getObj(spec, 'process');
  const caps = getObj(proc, 'capabilities');
  const bounding = getArr(caps, 'bounding');
  const linux = getObj(spec, 'linux');
  const masked = getArr(linux, 'maskedPaths');
  info.privileged = bounding.includes('CAP_SYS_ADMIN') && masked.length === 0;
  applyOciNamespaces(linux, info);
}

/**
 * Host namespaces from an OCI spec's linux.namespaces. A type that is absent is the runtime's
 * own, i.e. the host's. A listed one with a path joins an existing namespace (CRI joins the pod
 * sandbox's, which is the host's for a hostNetwork pod): the path's namespace is compared with
 * the host's. Listed without a path: a new namespace. null when the path cannot be read.
 */
export function applyOciNamespaces(linux: Record<string, unknown> | null, info: ContainerInfo): void {
  if (linux === null) return;
  const seen = new Map<string, string>();
  for (const n of getArr(linux, 'namespaces')) {
    const o = asObj(n);
    const t = getStr(o, 'type');
    if (t !== '') seen.set(t, getStr(o, 'path'));
  }
  const host = (type: string, link: string): boolean | null => {
    const path = seen.get(type);
    if (path === undefined) return true;
    if (path === '') return false;
    try {
      const ours = hostNsLink(link);
      return ours === null ? null : readlinkSync(path) === ours;
    } catch {
      return null;
    }
  };
  info.hostPid = host('pid', 'pid');
  info.hostNetwork = host('network', 'net');
  info.hostIpc = host('ipc', 'ipc');
}

const hostNs = new Map<string, string | null>();
/** The host's namespace link of a type: pid 1's, else kestrel's own (hostPID deployments). */
function hostNsLink(link: string): string | null {
  let v = hostNs.get(link);
  if (v === undefined) {
    v = null;
    for (const p of ['/proc/1/ns/', '/proc/self/ns/']) {
      try { v = readlinkSync(p + link); break; } catch { /* next */ }
    }
    hostNs.set(link, v);
  }
  return v;
}
