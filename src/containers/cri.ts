// Kubernetes CRI metadata (runtime.v1 over gRPC on the runtime's unix socket: containerd's
// /run/containerd/containerd.sock, cri-o's /run/crio/crio.sock). ContainerStatus (verbose) gives
// the container's name, image, labels, mounts and, in the runtime's info JSON, the sandbox id
// and privileged flag; PodSandboxStatus gives the pod's name, namespace, uid, labels and IP.
// Sandbox answers are cached briefly: every container of a pod shares one.

import {
  OK, applyK8sLabels, asObj, copyLabels, fail, getBool, getObj, getStr, type FetchResult, type MetadataEngine,
} from './engine.js';
import { channelOptions, grpc, grpcReason, loadProto, lookupService, unary, type UnaryResult } from './grpc-util.js';
import { applyOciNamespaces } from './containerd.js';
import { splitImage, type ContainerInfo, type ContainerMount, type ContainerRef, type ContainerType } from './types.js';

export interface CriEngineOptions {
  socket: string;
  timeoutMs: number;
  maxBytes: number;
  labelMaxLen: number;
}

interface CriMount { containerPath: string; hostPath: string; readonly: boolean; propagation: number }
interface CriContainerStatus {
  id: string;
  metadata: { name: string } | null;
  startedAt: string;
  createdAt: string;
  image: { image: string } | null;
  imageRef: string;
  imageId: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  mounts: CriMount[];
}
interface CriSandboxStatus {
  id: string;
  metadata: { name: string; uid: string; namespace: string } | null;
  createdAt: string;
  network: { ip: string } | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const PROPAGATION = ['private', 'rslave', 'rshared'];
const SANDBOX_TTL_MS = 30_000;

export class CriEngine implements MetadataEngine {
  readonly name = 'cri';
  private client: grpc.Client | null = null;
  private runtimeType: ContainerType | null = null;
  private readonly sandboxes = new Map<string, { at: number; status: CriSandboxStatus }>();

  constructor(private readonly o: CriEngineOptions) {}

  get socket(): string { return this.o.socket; }

  handles(ref: ContainerRef): boolean {
    return ref.type === 'cri' || ref.type === 'cri-o' || (ref.type === 'containerd' && ref.ctrNamespace === '');
  }

  /** The client (created lazily; grpc-js connects on first call). */
  rpc(): grpc.Client {
    if (this.client === null) {
      const Svc = lookupService(loadProto('cri-api.proto'), 'runtime.v1.RuntimeService');
      this.client = new Svc(`unix://${this.o.socket}`, grpc.credentials.createInsecure(), channelOptions(this.o.maxBytes));
    }
    return this.client;
  }

  call<T>(method: string, req: unknown, timeoutMs = this.o.timeoutMs): Promise<UnaryResult<T>> {
    return unary<T>(this.rpc(), method, req, timeoutMs);
  }

  /**
   * Whether a pod's sandbox (pause) container runs privileged (a pod with a privileged
   * container gets a privileged sandbox): from the verbose sandbox status, as for containers.
   * Asked only for the sandbox container itself; failures leave it unknown.
   */
  private async sandboxPrivileged(id: string, info: ContainerInfo, deadline: number): Promise<void> {
    const r = await this.call<{ info: Record<string, string> }>('podSandboxStatus', { podSandboxId: id, verbose: true }, Math.max(50, deadline - Date.now()));
    const raw = r.ok ? r.value.info?.['info'] : undefined;
    if (typeof raw !== 'string' || raw.length > this.o.maxBytes) return;
    try {
      const vi = asObj(JSON.parse(raw));
      const sc = getObj(getObj(getObj(vi, 'config'), 'linux'), 'security_context');
      const priv = getBool(sc, 'privileged') ?? getBool(vi, 'privileged');
      if (priv !== null) info.privileged = priv;
    } catch { /* optional */ }
  }

  private async sandbox(id: string, deadline: number): Promise<CriSandboxStatus | null> {
    const hit = this.sandboxes.get(id);
    if (hit && Date.now() - hit.at < SANDBOX_TTL_MS) return hit.status;
    const r = await this.call<{ status: CriSandboxStatus | null }>('podSandboxStatus', { podSandboxId: id, verbose: false }, Math.max(50, deadline - Date.now()));
    if (!r.ok || !r.value.status) return null;
    if (this.sandboxes.size > 1024) this.sandboxes.clear();
    this.sandboxes.set(id, { at: Date.now(), status: r.value.status });
    return r.value.status;
  }

  async fetch(ref: ContainerRef, info: ContainerInfo): Promise<FetchResult> {
    const deadline = Date.now() + this.o.timeoutMs;
    const r = await this.call<{ status: CriContainerStatus | null; info: Record<string, string> }>(
      'containerStatus', { containerId: ref.fullId, verbose: true });
    if (!r.ok) {
      const reason = grpcReason(r.code);
      if (reason === 'not-found') {
        // A pod's sandbox (pause) container is not a CRI container: ask for it as a sandbox.
        const sb = await this.sandbox(ref.fullId, deadline);
        if (sb !== null) {
          info.isPodSandbox = true;
          info.podSandboxId = sb.id;
          info.name = sb.metadata?.name ?? '';
          applySandbox(info, sb, this.o.labelMaxLen);
          await this.sandboxPrivileged(sb.id, info, deadline);
          await this.finish(info, deadline);
          return OK;
        }
      }
      return fail(reason, `${this.o.socket} ContainerStatus(${ref.id}): ${r.detail}`);
    }
    const st = r.value.status;
    if (!st) return fail('bad-answer', `${this.o.socket} ContainerStatus(${ref.id}): empty status`);
    info.name = st.metadata?.name ?? '';
    const image = st.image?.image ?? '';
    // Some runtimes answer the image id here; the kubelet's annotation keeps the user's name.
    const named = image.startsWith('sha256:') ? (st.annotations['io.kubernetes.cri.image-name'] ?? image) : image;
    info.image = named;
    const p = splitImage(named);
    info.imageRepo = p.repo;
    info.imageTag = p.tag;
    const ref2 = st.imageRef ?? '';
    const at = ref2.indexOf('@');
    info.imageDigest = p.digest || (at >= 0 ? ref2.slice(at + 1) : '');
    info.imageId = (st.imageId || (ref2.startsWith('sha256:') ? ref2 : '')).replace(/^sha256:/, '');
    info.labels = copyLabels(st.labels, this.o.labelMaxLen);
    const started = BigInt(st.startedAt || '0');
    info.startTs = started > 0n ? started : BigInt(st.createdAt || '0');
    const mounts: ContainerMount[] = [];
    for (const m of st.mounts ?? []) {
      mounts.push({
        source: m.hostPath, dest: m.containerPath, mode: m.readonly ? 'ro' : 'rw', rw: !m.readonly,
        propagation: PROPAGATION[m.propagation] ?? '',
      });
      if (mounts.length >= 256) break;
    }
    info.mounts = mounts;
    // The verbose info JSON (containerd: {"sandboxID","pid","config":{...},"runtimeSpec":...}).
    let sandboxId = st.annotations['io.kubernetes.cri.sandbox-id'] ?? '';
    const raw = r.value.info?.['info'];
    if (typeof raw === 'string' && raw.length <= this.o.maxBytes) {
      try {
        const vi = asObj(JSON.parse(raw));
        if (sandboxId === '') sandboxId = getStr(vi, 'sandboxID');
        const sc = getObj(getObj(getObj(vi, 'config'), 'linux'), 'security_context');
        // containerd: config.linux.security_context.privileged; cri-o: a top-level "privileged".
        const priv = getBool(sc, 'privileged') ?? getBool(vi, 'privileged');
        info.privileged = priv ?? false;
        applyOciNamespaces(getObj(getObj(vi, 'runtimeSpec'), 'linux'), info);
      } catch { /* info is optional; a bad one leaves privileged unknown */ }
    }
    info.podName = st.labels['io.kubernetes.pod.name'] ?? st.annotations['io.kubernetes.cri.sandbox-name'] ?? '';
    info.podNamespace = st.labels['io.kubernetes.pod.namespace'] ?? st.annotations['io.kubernetes.cri.sandbox-namespace'] ?? '';
    const uid = st.labels['io.kubernetes.pod.uid'] ?? st.annotations['io.kubernetes.cri.sandbox-uid'] ?? '';
    if (uid !== '') info.podUid = uid;
    info.podSandboxId = sandboxId;
    if (sandboxId !== '') {
      const sb = await this.sandbox(sandboxId, deadline);
      if (sb !== null) applySandbox(info, sb, this.o.labelMaxLen);
    }
    applyK8sLabels(info);
    await this.finish(info, deadline);
    return OK;
  }

  /** Refines the type ('cri' → the runtime's own name) and marks the answer. */
  private async finish(info: ContainerInfo, deadline: number): Promise<void> {
    if (this.runtimeType === null) {
      const v = await this.call<{ runtimeName: string }>('version', { version: 'v1' }, Math.max(50, deadline - Date.now()));
      if (v.ok) {
        const n = v.value.runtimeName.toLowerCase();
        this.runtimeType = n.includes('containerd') ? 'containerd' : n.includes('cri-o') || n.includes('crio') ? 'cri-o' : 'cri';
      }
    }
    if (info.type === 'cri' && this.runtimeType !== null) info.type = this.runtimeType;
    info.source = 'runtime';
    info.answeredBy = `cri:${this.runtimeType ?? 'unknown'}`;
  }

  close(): void {
    this.client?.close();
    this.client = null;
  }
}

function applySandbox(info: ContainerInfo, sb: CriSandboxStatus, labelMaxLen: number): void {
  if (sb.metadata) {
    if (sb.metadata.name) info.podName = sb.metadata.name;
    if (sb.metadata.namespace) info.podNamespace = sb.metadata.namespace;
    if (sb.metadata.uid) info.podUid = sb.metadata.uid;
  }
  info.podLabels = copyLabels(sb.labels, labelMaxLen);
  const ip = sb.network?.ip ?? '';
  if (ip !== '') info.ip = ip;
  if (info.isPodSandbox) {
    info.labels = info.podLabels;
    if (info.startTs === 0n) info.startTs = BigInt(sb.createdAt || '0');
  }
}
