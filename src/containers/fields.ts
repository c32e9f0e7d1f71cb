// container.* and k8s.* filter fields (names and meanings of Falco's container plugin,
// plugin-fields.tsv), as FieldDef objects for the FieldRegistry (src/filter/field-api.ts).
//
// CONTRACT with the state layer (src/state builds the registry and the per-event context C):
//   const defs = makeContainerFields<C>(manager, {
//     cgroups: (ctx) => <the event thread's cgroup lines, or null when the event has no thread>,
//     pid:     (ctx) => <the thread's host pid>          (optional: enables container.unknown)
//     evtTs:   (ctx) => <the event's timestamp, ns>       (optional: enables container.duration)
//   });
//   - `cgroups` returns the thread's cgroup lines as the thread table holds them: "subsys=path"
//     (scap PL blocks, ProcEntry.cgroups) or "N:subsys:path" (/proc/<pid>/cgroup). Return the
//     SAME array object for a thread across events (the manager caches the parsed identity per
//     array in a WeakMap; a fresh array per event still works but re-parses through a per-path
//     cache). Replace the array when a clone/execve event brings new cgroups.
//   - Extractors never throw and never block: container.id/type come from the cgroup at once;
//     name/image/labels/k8s.* are null (<NA>) until the runtime answered, and the first
//     extraction of any container field (container.id included) for a new container queues
//     that runtime fetch.
//   - For host threads: container.id = container.name = container.type = "host", the rest null.
//   - Before alerting, the detection layer may `await manager.whenReady(ref, ms)` (bounded) so
//     the alert's output fields carry names; use `containerRefOf(manager, access, ctx)`.
//   - container.unknown caches its namespace check per pid: call `manager.forgetPid(pid)` when
//     a process exits so a reused pid is checked afresh.
//   - Capture-file container events (types 272/324) go to `manager.preload()` through
//     `containerInfoFromEvent(ev)` (scap-json.ts).

import type { FieldDef, FieldValue } from '../filter/field-api.js';
import type { ContainerManager } from './manager.js';
import type { ContainerInfo, ContainerMount, ContainerRef } from './types.js';

export interface ContainerFieldAccess<C> {
  cgroups(ctx: C): readonly string[] | null | undefined;
  /**
   * Optional: an identity the event itself names (capture-file container events, tid -1),
   * which wins over the cgroups; undefined = ask the cgroups.
   */
  ref?(ctx: C): ContainerRef | undefined;
  pid?(ctx: C): number;
  evtTs?(ctx: C): bigint;
}

/** The container identity of the event's thread, or null when the event has no thread. */
export function containerRefOf<C>(m: ContainerManager, a: ContainerFieldAccess<C>, ctx: C): ContainerRef | null {
  if (a.ref !== undefined) { const r = a.ref(ctx); if (r !== undefined) return r; }
  const cg = a.cgroups(ctx);
  if (cg === null || cg === undefined) return null;
  return m.refFor(cg);
}

const nz = (s: string): string | null => (s === '' ? null : s);

function mountText(m: ContainerMount): string {
  return `${m.source}:${m.dest}:${m.mode}:${m.rw ? 'true' : 'false'}:${m.propagation}`;
}

const globCache = new Map<string, RegExp>();
function glob(pattern: string): RegExp {
  let re = globCache.get(pattern);
  if (re === undefined) {
    // fnmatch-style: * and ? wildcards, everything else literal. The pattern comes from a
    // rule's field argument; it only ever becomes a RegExp of escaped literals.
    const src = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${src}$`);
    if (globCache.size > 256) globCache.clear();
    globCache.set(pattern, re);
  }
  return re;
}

/** A mount by index ("0", 0) or by glob on `by` (source or dest). */
function pickMount(info: ContainerInfo, arg: string | number | undefined, by: 'source' | 'dest'): ContainerMount | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'number' || /^\d+$/.test(arg)) return info.mounts[Number(arg)];
  const re = glob(arg);
  return info.mounts.find((m) => re.test(m[by]));
}

function labelsText(l: Record<string, string>): string | null {
  const keys = Object.keys(l);
  if (keys.length === 0) return null;
  return keys.map((k) => `${k}:${l[k]}`).join(',');
}

export function makeContainerFields<C>(m: ContainerManager, a: ContainerFieldAccess<C>): FieldDef<C>[] {
  // Shared prologue: identity, then metadata if the runtime has answered. Several container
  // fields are usually read for one event (a rule's condition, then its output), so the last
  // thread's cgroup array → identity is memoised (an identity check, before the WeakMap).
  let lastCg: readonly string[] | null = null;
  let lastRef: ContainerRef | null = null;
  const explicit = a.ref;
  const ref = (ctx: C): ContainerRef | null => {
    if (explicit !== undefined) { const r = explicit(ctx); if (r !== undefined) return r; }
    const cg = a.cgroups(ctx);
    if (cg === null || cg === undefined) return null;
    if (cg !== lastCg) {
      lastRef = m.refFor(cg);
      lastCg = cg;
    }
    return lastRef;
  };
  const meta = (ctx: C): ContainerInfo | null => {
    const r = ref(ctx);
    return r === null || r.type === 'host' ? null : m.lookup(r);
  };
  const str = (name: string, desc: string, get: (i: ContainerInfo) => string): FieldDef<C> => ({
    name, type: 'string', desc, arg: 'none',
    extract: (ctx) => { const i = meta(ctx); return i === null ? null : nz(get(i)); },
  });
  const mountPart = (name: string, desc: string, get: (mt: ContainerMount) => string, by: 'source' | 'dest'): FieldDef<C> => ({
    name, type: 'string', desc, arg: 'required', argKind: 'key',
    extract: (ctx, arg) => {
      const i = meta(ctx);
      if (i === null) return null;
      const mt = pickMount(i, arg, by);
      return mt === undefined ? null : get(mt);
    },
  });

  const defs: FieldDef<C>[] = [
    {
      name: 'container.id', type: 'string', arg: 'none',
      desc: 'The container id (first 12 characters of the full id), from the cgroup; "host" for host processes.',
      extract: (ctx) => {
        const r = ref(ctx);
        if (r === null) return null;
        // Most rules test container.id (the `container` macro) long before an alert formats
        // container.name: reading it starts the metadata fetch on first sight of a container,
        // so the names are usually there by the time an alert needs them.
        if (r.type !== 'host') m.lookup(r);
        return r.id;
      },
    },
    {
      name: 'container.full_id', type: 'string', arg: 'none',
      desc: 'The full container id (64 hex for most engines, the name for ctr containers); "host" for host processes.',
      extract: (ctx) => {
        const r = ref(ctx);
        if (r === null) return null;
        return r.type === 'host' ? 'host' : m.lookup(r)?.fullId ?? r.fullId;
      },
    },
    {
      name: 'container.name', type: 'string', arg: 'none',
      desc: 'The container name from the runtime; "host" for host processes; <NA> until the runtime answered.',
      extract: (ctx) => {
        const r = ref(ctx);
        if (r === null) return null;
        if (r.type === 'host') return 'host';
        return nz(m.lookup(r)?.name ?? '');
      },
    },
    {
      name: 'container.type', type: 'string', arg: 'none',
      desc: 'The container engine: docker, podman, containerd, cri-o, cri (kubepods, runtime not known yet), lxc; "host" for host processes.',
      extract: (ctx) => {
        const r = ref(ctx);
        if (r === null) return null;
        return r.type === 'host' ? 'host' : m.lookup(r)?.type ?? r.type;
      },
    },
    str('container.image', 'The container image as named when the container was created (e.g. docker.io/library/nginx:1.25).', (i) => i.image),
    str('container.image.repository', 'The container image repository (e.g. docker.io/library/nginx).', (i) => i.imageRepo),
    str('container.image.tag', 'The container image tag (e.g. 1.25).', (i) => i.imageTag),
    str('container.image.digest', 'The container image registry digest (sha256:...), when the runtime knows it.', (i) => i.imageDigest),
    str('container.image.id', 'The container image id (hex, without the sha256: prefix).', (i) => i.imageId),
    {
      name: 'container.privileged', type: 'bool', arg: 'none',
      desc: 'true for privileged containers; <NA> until the runtime answered.',
      extract: (ctx) => meta(ctx)?.privileged ?? null,
    },
    {
      name: 'container.mounts', type: 'string', arg: 'none',
      desc: "Space-separated mounts, each 'source:dest:mode:rdrw:propagation'.",
      extract: (ctx) => {
        const i = meta(ctx);
        if (i === null) return null;
        return i.mounts.map(mountText).join(' ');
      },
    },
    {
      name: 'container.mount', type: 'string', arg: 'required', argKind: 'key',
      desc: "One mount by index (container.mount[0]) or source glob (container.mount[/usr/*]) as 'source:dest:mode:rdrw:propagation'; \"none\" if there is no such mount.",
      extract: (ctx, arg) => {
        const i = meta(ctx);
        if (i === null) return null;
        const mt = pickMount(i, arg, 'source');
        return mt === undefined ? 'none' : mountText(mt);
      },
    },
    mountPart('container.mount.source', 'The source of a mount, by index or destination glob.', (mt) => mt.source, 'dest'),
    mountPart('container.mount.dest', 'The destination of a mount, by index or source glob.', (mt) => mt.dest, 'source'),
    mountPart('container.mount.mode', 'The mode of a mount, by index or source glob.', (mt) => mt.mode, 'source'),
    mountPart('container.mount.rdwr', 'Whether a mount is read-write (true/false), by index or source glob.', (mt) => (mt.rw ? 'true' : 'false'), 'source'),
    mountPart('container.mount.propagation', 'The propagation of a mount, by index or source glob.', (mt) => mt.propagation, 'source'),
    {
      name: 'container.label', type: 'string', arg: 'required', argKind: 'key',
      desc: 'A container label, e.g. container.label[app].',
      extract: (ctx, arg) => {
        const i = meta(ctx);
        if (i === null || arg === undefined) return null;
        const k = String(arg);
        return Object.prototype.hasOwnProperty.call(i.labels, k) ? i.labels[k]! : null;
      },
    },
    {
      name: 'container.labels', type: 'string', arg: 'none',
      desc: "The container's labels as 'k1:v1,k2:v2'.",
      extract: (ctx) => { const i = meta(ctx); return i === null ? null : labelsText(i.labels); },
    },
    {
      name: 'container.start_ts', type: 'abstime', arg: 'none',
      desc: 'Container start, ns since the epoch, as the runtime reports it (containerd: task start).',
      extract: (ctx) => { const i = meta(ctx); return i === null || i.startTs === 0n ? null : i.startTs; },
    },
    {
      name: 'container.duration', type: 'reltime', arg: 'none',
      desc: 'Nanoseconds from container.start_ts to the event.',
      extract: (ctx) => {
        const i = meta(ctx);
        if (i === null || i.startTs === 0n || a.evtTs === undefined) return null;
        const d = a.evtTs(ctx) - i.startTs;
        return d >= 0n ? d : null;
      },
    },
    str('container.ip', "The container's (or its pod's) primary IPv4 address.", (i) => i.ip),
    {
      name: 'container.host_pid', type: 'bool', arg: 'none', desc: "true if the container runs in the host's pid namespace.",
      extract: (ctx) => meta(ctx)?.hostPid ?? null,
    },
    {
      name: 'container.host_network', type: 'bool', arg: 'none', desc: "true if the container runs in the host's network namespace.",
      extract: (ctx) => meta(ctx)?.hostNetwork ?? null,
    },
    {
      name: 'container.host_ipc', type: 'bool', arg: 'none', desc: "true if the container runs in the host's ipc namespace.",
      extract: (ctx) => meta(ctx)?.hostIpc ?? null,
    },
    {
      name: 'container.unknown', type: 'bool', arg: 'none',
      desc: "kestrel: true when the cgroup names no container but the process has its own pid and mount namespaces (an engine kestrel does not recognise, unshare, sandboxes).",
      extract: (ctx) => {
        const r = ref(ctx);
        if (r === null || a.pid === undefined) return null;
        if (r.type !== 'host') return false;
        return m.nsIsolated(a.pid(ctx));
      },
    },
    // ---- Kubernetes (from the CRI runtime / kubelet labels) ----
    {
      name: 'k8s.pod.name', type: 'string', arg: 'none', desc: 'The Kubernetes pod name.',
      extract: (ctx) => { const i = meta(ctx); return i === null ? null : nz(i.podName); },
    },
    {
      name: 'k8s.pod.uid', type: 'string', arg: 'none',
      desc: 'The Kubernetes pod UID (known from a kubepods cgroup even before the runtime answers).',
      extract: (ctx) => {
        const r = ref(ctx);
        if (r === null || r.type === 'host') return null;
        const i = m.lookup(r);
        return nz(i !== null && i.podUid !== '' ? i.podUid : r.podUid);
      },
    },
    {
      name: 'k8s.pod.id', type: 'string', arg: 'none', deprecated: true, desc: 'Legacy alias of k8s.pod.uid.',
      extract: (ctx) => {
        const r = ref(ctx);
        if (r === null || r.type === 'host') return null;
        const i = m.lookup(r);
        return nz(i !== null && i.podUid !== '' ? i.podUid : r.podUid);
      },
    },
    {
      name: 'k8s.pod.sandbox_id', type: 'string', arg: 'none', desc: 'The pod sandbox id, first 12 characters.',
      extract: (ctx) => { const i = meta(ctx); return i === null ? null : nz(i.podSandboxId.slice(0, 12)); },
    },
    {
      name: 'k8s.pod.full_sandbox_id', type: 'string', arg: 'none', desc: 'The full pod sandbox id.',
      extract: (ctx) => { const i = meta(ctx); return i === null ? null : nz(i.podSandboxId); },
    },
    {
      name: 'k8s.pod.label', type: 'string', arg: 'required', argKind: 'key', desc: 'A pod label, e.g. k8s.pod.label[app].',
      extract: (ctx, arg) => {
        const i = meta(ctx);
        if (i === null || arg === undefined) return null;
        const k = String(arg);
        return Object.prototype.hasOwnProperty.call(i.podLabels, k) ? i.podLabels[k]! : null;
      },
    },
    {
      name: 'k8s.pod.labels', type: 'string', arg: 'none', desc: "The pod's labels as 'k1:v1,k2:v2'.",
      extract: (ctx) => { const i = meta(ctx); return i === null ? null : labelsText(i.podLabels); },
    },
    {
      name: 'k8s.pod.ip', type: 'string', arg: 'none', desc: "The pod's primary IPv4 address.",
      extract: (ctx) => { const i = meta(ctx); return i === null || i.podSandboxId === '' ? null : nz(i.ip); },
    },
    {
      name: 'k8s.ns.name', type: 'string', arg: 'none', desc: 'The Kubernetes namespace of the pod.',
      extract: (ctx) => { const i = meta(ctx); return i === null ? null : nz(i.podNamespace); },
    },
  ];
  return defs;
}

/** Values of a field list for one context, for tests and debugging. */
export function extractAll<C>(defs: readonly FieldDef<C>[], ctx: C): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const d of defs) if (d.arg === 'none') out[d.name] = d.extract(ctx, undefined);
  return out;
}
