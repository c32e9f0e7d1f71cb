// The container JSON of a capture file's PPME_CONTAINER_JSON_2_E (324) / PPME_CONTAINER_JSON_E
// (272) event (scap-format.md §6 "Container events"): one parameter, json:CHARBUF, holding
// {"container":{"id","type","name","image","imagerepo","imagetag","imagedigest","imageid",
// "privileged","Mounts":[{"Source","Destination","Mode","RW","Propagation"}],"labels","ip",...}}
// with tid = -1. sinsp keeps Kubernetes identity in the labels (io.kubernetes.pod.name/
// namespace/uid), so does kestrel; kestrel adds "full_id", "created_time" (s), "pod_sandbox_id",
// "pod_sandbox_labels" and "host_pid"/"host_network"/"host_ipc", which sinsp ignores. The writer emits one event per known
// container before the first ordinary event; replay preloads the ContainerManager from them.

import type { EventView } from '../events/event-view.js';
import { asObj, copyLabels, getArr, getBool, getObj, getStr } from './engine.js';
import { CONTAINER_TYPE_NUM, ContainerInfo, containerTypeFromNum, splitImage, type ContainerMount } from './types.js';

export const PPME_CONTAINER_JSON_E = 272;
export const PPME_CONTAINER_JSON_2_E = 324;

/** The JSON text of a container event for `info`. */
export function encodeContainerJson(info: ContainerInfo): string {
  const labels: Record<string, string> = { ...info.labels };
  if (info.podName !== '') labels['io.kubernetes.pod.name'] = info.podName;
  if (info.podNamespace !== '') labels['io.kubernetes.pod.namespace'] = info.podNamespace;
  if (info.podUid !== '') labels['io.kubernetes.pod.uid'] = info.podUid;
  const c: Record<string, unknown> = {
    Mounts: info.mounts.map((m) => ({ Source: m.source, Destination: m.dest, Mode: m.mode, RW: m.rw, Propagation: m.propagation })),
    full_id: info.fullId,
    id: info.id,
    image: info.image,
    imagedigest: info.imageDigest,
    imageid: info.imageId,
    imagerepo: info.imageRepo,
    imagetag: info.imageTag,
    ip: info.ip,
    is_pod_sandbox: info.isPodSandbox,
    labels,
    name: info.name,
    privileged: info.privileged ?? false,
    type: CONTAINER_TYPE_NUM[info.type] ?? 0,
  };
  if (info.startTs > 0n) c['created_time'] = Number(info.startTs / 1_000_000_000n);
  if (info.podSandboxId !== '') c['pod_sandbox_id'] = info.podSandboxId;
  if (info.hostPid !== null) c['host_pid'] = info.hostPid;
  if (info.hostNetwork !== null) c['host_network'] = info.hostNetwork;
  if (info.hostIpc !== null) c['host_ipc'] = info.hostIpc;
  if (Object.keys(info.podLabels).length > 0) c['pod_sandbox_labels'] = { ...info.podLabels };
  return JSON.stringify({ container: c });
}

export type DecodeResult = { ok: true; info: ContainerInfo } | { ok: false; error: string };

/** Parses a container event's JSON. Never throws; bad input gives an error naming what is wrong. */
export function decodeContainerJson(text: string, labelMaxLen = 4096): DecodeResult {
  // CHARBUF parameters end with a NUL.
  const t = text.length > 0 && text.charCodeAt(text.length - 1) === 0 ? text.slice(0, -1) : text;
  let root: unknown;
  try {
    root = JSON.parse(t);
  } catch (err) {
    return { ok: false, error: `container JSON: ${(err as Error).message}` };
  }
  const c = getObj(asObj(root), 'container');
  if (c === null) return { ok: false, error: 'container JSON: no "container" object' };
  const id = getStr(c, 'id');
  if (id === '') return { ok: false, error: 'container JSON: no "id"' };
  const typeNum = typeof c['type'] === 'number' ? (c['type'] as number) : 0;
  const full = getStr(c, 'full_id');
  const fullId = full !== '' && full.startsWith(id) ? full : id;
  const info = new ContainerInfo({ id: id.slice(0, 12), fullId, type: containerTypeFromNum(typeNum), podUid: '', ctrNamespace: '' });
  info.name = getStr(c, 'name');
  info.image = getStr(c, 'image');
  const parts = splitImage(info.image);
  info.imageRepo = getStr(c, 'imagerepo') || parts.repo;
  info.imageTag = getStr(c, 'imagetag') || parts.tag;
  info.imageDigest = getStr(c, 'imagedigest') || parts.digest;
  info.imageId = getStr(c, 'imageid');
  info.privileged = getBool(c, 'privileged');
  info.ip = getStr(c, 'ip');
  info.isPodSandbox = getBool(c, 'is_pod_sandbox') ?? false;
  info.labels = copyLabels(c['labels'], labelMaxLen);
  info.podName = info.labels['io.kubernetes.pod.name'] ?? '';
  info.podNamespace = info.labels['io.kubernetes.pod.namespace'] ?? '';
  info.podUid = info.labels['io.kubernetes.pod.uid'] ?? '';
  info.podSandboxId = getStr(c, 'pod_sandbox_id');
  info.hostPid = getBool(c, 'host_pid');
  info.hostNetwork = getBool(c, 'host_network');
  info.hostIpc = getBool(c, 'host_ipc');
  info.podLabels = copyLabels(c['pod_sandbox_labels'], labelMaxLen);
  const created = c['created_time'];
  if (typeof created === 'number' && Number.isFinite(created) && created > 0) info.startTs = BigInt(Math.floor(created)) * 1_000_000_000n;
  const mounts: ContainerMount[] = [];
  for (const m of getArr(c, 'Mounts')) {
    const mo = asObj(m);
    if (mo === null) continue;
    mounts.push({ source: getStr(mo, 'Source'), dest: getStr(mo, 'Destination'), mode: getStr(mo, 'Mode'), rw: getBool(mo, 'RW') ?? false, propagation: getStr(mo, 'Propagation') });
  }
  info.mounts = mounts;
  info.source = 'capture';
  return { ok: true, info };
}

/** Decodes the container event under `ev` (types 272/324); null for other event types. */
export function containerInfoFromEvent(ev: EventView): DecodeResult | null {
  if (ev.type !== PPME_CONTAINER_JSON_2_E && ev.type !== PPME_CONTAINER_JSON_E) return null;
  if (ev.nparams < 1) return { ok: false, error: `container event #${ev.num}: no parameter` };
  const text = ev.buf.toString('utf8', ev.poff[0], ev.poff[0]! + ev.plen[0]!);
  const r = decodeContainerJson(text);
  if (!r.ok) return { ok: false, error: `container event #${ev.num}: ${r.error}` };
  return r;
}

/**
 * The parameter bytes of a container event for `info` (the JSON plus its NUL terminator), for a
 * scap writer to wrap in an event with type PPME_CONTAINER_JSON_2_E, tid -1 and u32 lengths.
 */
export function containerEventParam(info: ContainerInfo): Buffer {
  return Buffer.from(encodeContainerJson(info) + '\0', 'utf8');
}

/**
 * A whole PPME_CONTAINER_JSON_2_E event (v2 header: ts, tid -1, len, type 324, nparams 1; one
 * u32 parameter length, as the event is EF_LARGE_PAYLOAD) for ScapWriter.writeRaw. sinsp
 * writes these before the first ordinary event, one per known container.
 */
export function containerEventBytes(info: ContainerInfo, tsNs: bigint): Buffer {
  const param = containerEventParam(info);
  const len = 26 + 4 + param.length;
  const b = Buffer.alloc(len);
  b.writeBigUInt64LE(tsNs, 0);
  b.writeBigInt64LE(-1n, 8);
  b.writeUInt32LE(len, 16);
  b.writeUInt16LE(PPME_CONTAINER_JSON_2_E, 20);
  b.writeUInt32LE(1, 22);
  b.writeUInt32LE(param.length, 26);
  param.copy(b, 30);
  return b;
}

/**
 * Writes one container event per container (e.g. `manager.all()` right after the header, or
 * each container `manager.onMetadata` reports during a capture). Returns how many.
 */
export function writeContainerEvents(w: { writeRaw(bytes: Buffer, cpu: number): unknown }, infos: Iterable<ContainerInfo>, tsNs: bigint): number {
  let n = 0;
  for (const i of infos) {
    w.writeRaw(containerEventBytes(i, tsNs), 0);
    n++;
  }
  return n;
}
