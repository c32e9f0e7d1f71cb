// Docker and podman metadata over their HTTP APIs on a unix socket. One reader serves both:
// podman's libpod inspect (/v4.0.0/libpod/containers/<id>/json) is a superset of Docker's
// (/v1.41/containers/<id>/json) for the members read here, and podman also serves the Docker
// path, so the same code works against /var/run/docker.sock and /run/podman/podman.sock.

import { unixGetJson } from './unix-http.js';
import {
  OK, applyK8sLabels, asObj, copyLabels, fail, getArr, getBool, getObj, getStr, rfc3339ToNs,
  type FetchResult, type MetadataEngine,
} from './engine.js';
import { splitImage, type ContainerInfo, type ContainerRef, type ContainerMount } from './types.js';

export interface DockerEngineOptions {
  /** 'docker' (Docker-compatible endpoint) or 'podman' (libpod endpoint). */
  flavor: 'docker' | 'podman';
  socket: string;
  timeoutMs: number;
  maxBytes: number;
  labelMaxLen: number;
}

export class DockerEngine implements MetadataEngine {
  readonly name: string;
  constructor(private readonly o: DockerEngineOptions) {
    this.name = o.flavor;
  }

  handles(ref: ContainerRef): boolean {
    if (this.o.flavor === 'podman') return ref.type === 'podman';
    // dockershim-era kubepods cgroups are Docker containers too.
    return ref.type === 'docker' || (ref.type === 'cri' && ref.podUid !== '');
  }

  async fetch(ref: ContainerRef, info: ContainerInfo): Promise<FetchResult> {
    const path = this.o.flavor === 'podman'
      ? `/v4.0.0/libpod/containers/${encodeURIComponent(ref.fullId)}/json`
      : `/v1.41/containers/${encodeURIComponent(ref.fullId)}/json`;
    const r = await unixGetJson(this.o.socket, path, { timeoutMs: this.o.timeoutMs, maxBytes: this.o.maxBytes });
    if (!r.ok) {
      if (r.reason === 'http' && r.status === 404) return fail('not-found', `${this.o.socket}: no container ${ref.fullId}`);
      const reason = r.reason === 'bad-json' || r.reason === 'http' ? 'bad-answer' : r.reason === 'io' ? 'error' : r.reason;
      return fail(reason, `${this.o.socket}${path}: ${r.detail}`);
    }
    const body = asObj(r.body);
    if (body === null) return fail('bad-answer', `${this.o.socket}${path}: answer is not a JSON object`);
    const id = getStr(body, 'Id');
    if (id !== '' && !id.startsWith(ref.fullId) && !ref.fullId.startsWith(id)) {
      return fail('bad-answer', `${this.o.socket}${path}: answer is for container ${id.slice(0, 12)}`);
    }
    const deadline = Date.now() + this.o.timeoutMs;
    fillFromInspect(body, info, this.o.labelMaxLen);
    info.answeredBy = this.o.flavor;
    if (info.imageDigest === '' && /^[0-9a-f]{64}$/.test(info.imageId)) {
      // Docker's container inspect has no digest; the image's RepoDigests do (pulled images).
      // Best effort within what is left of the deadline: the container answer stands anyway.
      const left = deadline - Date.now();
      if (left > 20) {
        const ir = await unixGetJson(this.o.socket, `/v1.41/images/sha256:${info.imageId}/json`, { timeoutMs: left, maxBytes: this.o.maxBytes });
        if (ir.ok) info.imageDigest = pickDigest(getArr(asObj(ir.body), 'RepoDigests'), info.imageRepo);
      }
    }
    return OK;
  }

  close(): void {}
}

/** Fills a ContainerInfo from a Docker/libpod inspect object (exported for tests). */
export function fillFromInspect(body: Record<string, unknown>, info: ContainerInfo, labelMaxLen: number): void {
  const id = getStr(body, 'Id');
  if (/^[0-9a-f]{64}$/.test(id)) {
    info.fullId = id;
    info.id = id.slice(0, 12);
  }
  info.name = getStr(body, 'Name').replace(/^\//, '');
  const config = getObj(body, 'Config');
  const image = getStr(body, 'ImageName') || getStr(config, 'Image');
  info.image = image;
  const parts = splitImage(image);
  info.imageRepo = parts.repo;
  info.imageTag = parts.tag;
  info.imageDigest = getStr(body, 'ImageDigest') || parts.digest;
  info.imageId = getStr(body, 'Image').replace(/^sha256:/, '');
  info.labels = copyLabels(config === null ? null : config['Labels'], labelMaxLen);
  const host = getObj(body, 'HostConfig');
  info.privileged = getBool(host, 'Privileged');
  if (host !== null) {
    info.hostPid = getStr(host, 'PidMode') === 'host';
    info.hostNetwork = getStr(host, 'NetworkMode') === 'host';
    info.hostIpc = getStr(host, 'IpcMode') === 'host';
  }
  const mounts: ContainerMount[] = [];
  for (const m of getArr(body, 'Mounts')) {
    const mo = asObj(m);
    if (mo === null) continue;
    mounts.push({
      source: getStr(mo, 'Source'),
      dest: getStr(mo, 'Destination'),
      mode: getStr(mo, 'Mode'),
      rw: getBool(mo, 'RW') ?? false,
      propagation: getStr(mo, 'Propagation'),
    });
    if (mounts.length >= 256) break;
  }
  info.mounts = mounts;
  const net = getObj(body, 'NetworkSettings');
  let ip = getStr(net, 'IPAddress');
  if (ip === '') {
    const nets = getObj(net, 'Networks');
    if (nets !== null) {
      for (const k of Object.keys(nets)) {
        ip = getStr(asObj(nets[k]), 'IPAddress');
        if (ip !== '') break;
      }
    }
  }
  info.ip = ip;
  info.startTs = rfc3339ToNs(getStr(getObj(body, 'State'), 'StartedAt'));
  const pod = getStr(body, 'Pod');
  if (pod !== '' && info.podSandboxId === '') info.podSandboxId = pod;
  info.source = 'runtime';
  applyK8sLabels(info);
}

/** The digest of `repo` among "repo@sha256:..." entries: exact repo, else same short name, else the first. */
export function pickDigest(repoDigests: unknown[], repo: string): string {
  let first = '';
  let near = '';
  for (const d of repoDigests) {
    if (typeof d !== 'string') continue;
    const at = d.indexOf('@');
    if (at < 0) continue;
    const r = d.slice(0, at);
    const dg = d.slice(at + 1);
    if (r === repo) return dg;
    if (first === '') first = dg;
    if (near === '' && (r.endsWith('/' + repo) || repo.endsWith('/' + r))) near = dg;
  }
  return near || first;
}
