// Container identity from a thread's cgroups. The cgroup path is the one piece of container
// identity the kernel hands over with every new process (the probe sends it in clone/execve,
// the /proc snapshot and capture files carry it), so it is what the fast path relies on; the
// runtimes' sockets only add names and labels later (manager.ts).
//
// Recognised layouts (one path component, or the tail of the path):
//   podman        .../libpod-<64hex>            (cgroupfs: /libpod_parent/libpod-<id>; systemd: libpod-<id>.scope)
//   docker        /docker/<64hex>               docker-<64hex>.scope
//   containerd    cri-containerd-<64hex>.scope  /<namespace>/<name> as `ctr run` makes it (namespace in a known set)
//   cri-o         crio-<64hex>.scope
//   kubepods      /kubepods[/<qos>]/pod<uid>/<64hex>                              (cgroupfs driver; type 'cri')
//                 /kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid_>.slice/<rt>-<64hex>.scope (systemd)
//   lxc           /lxc/<name>   /lxc.payload.<name>
// Anything else is the host. conmon / crio-conmon scopes are the engines' monitors, not the
// container, and stay host.

import { readlinkSync } from 'node:fs';
import { HOST_REF, type ContainerRef, type ContainerType } from './types.js';

export interface CgroupParseOptions {
  /** containerd namespaces whose `/<ns>/<name>` cgroups are containers (default: default, k8s.io). */
  containerdNamespaces?: readonly string[];
}

const DEFAULT_CTR_NS: readonly string[] = ['default', 'k8s.io'];

const HEX64 = /^[0-9a-f]{64}$/;
const SCOPE_RE = /^(libpod|docker|cri-containerd|crio)-([0-9a-f]{64})\.scope$/;
const LIBPOD_RE = /^libpod-([0-9a-f]{64})(?:\.scope)?$/;
const POD_CGROUPFS_RE = /^pod([0-9a-fA-F-]{8,})$/;
const POD_SLICE_RE = /^kubepods(?:-[a-z]+)?-pod([0-9a-fA-F_]{8,})\.slice$/;
// containerd and Kubernetes names: DNS-label-ish, no '/' and no leading dot.
const CTR_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function scopeType(prefix: string): ContainerType {
  switch (prefix) {
    case 'libpod': return 'podman';
    case 'docker': return 'docker';
    case 'cri-containerd': return 'containerd';
    default: return 'cri-o';
  }
}

function ref(fullId: string, type: ContainerType, podUid = '', ctrNamespace = ''): ContainerRef {
  return { id: fullId.slice(0, 12), fullId, type, podUid, ctrNamespace };
}

/** The path part of one cgroup line: "subsys=path" (scap/ProcEntry) or "N:subsys:path" (/proc/<pid>/cgroup). */
export function cgroupLinePath(line: string): string {
  const c1 = line.indexOf(':');
  const eq = line.indexOf('=');
  if (c1 > 0 && (eq < 0 || c1 < eq)) {
    const c2 = line.indexOf(':', c1 + 1);
    if (c2 > 0 && /^\d+$/.test(line.slice(0, c1))) return line.slice(c2 + 1);
  }
  if (eq >= 0) {
    // The controller name may itself hold '=' ("name=systemd=/docker/..."): the path starts
    // at the first '/' that follows an '='.
    const slash = line.indexOf('=/');
    return slash >= 0 ? line.slice(slash + 1) : line.slice(line.lastIndexOf('=') + 1);
  }
  return line;
}

/** Container identity of one cgroup path ("/libpod_parent/libpod-<id>"), HOST_REF if none. */
export function parseCgroupPath(path: string, opts?: CgroupParseOptions): ContainerRef {
  if (path.length < 2 || path.charCodeAt(0) !== 47 /* / */) return HOST_REF;
  const parts = path.split('/');
  // parts[0] is '' (leading slash); look from the leaf up so nested layouts (a container
  // cgroup with sub-cgroups inside it, e.g. podman's .../libpod-<id>.scope/container) resolve.
  let podUid = '';
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    const m1 = POD_CGROUPFS_RE.exec(p);
    if (m1 && i >= 2 && parts.slice(1, i).some((x) => x === 'kubepods' || x.startsWith('kubepods'))) podUid = m1[1]!;
    const m2 = POD_SLICE_RE.exec(p);
    if (m2) podUid = m2[1]!.replace(/_/g, '-');
  }
  for (let i = parts.length - 1; i >= 1; i--) {
    const p = parts[i]!;
    if (p.length === 0) continue;
    let m = SCOPE_RE.exec(p);
    if (m) return ref(m[2]!, scopeType(m[1]!), podUid);
    m = LIBPOD_RE.exec(p);
    if (m) return ref(m[1]!, 'podman', podUid);
    if (HEX64.test(p) && i >= 2) {
      const parent = parts[i - 1]!;
      if (parent === 'docker') return ref(p, 'docker', podUid);
      if (podUid !== '' && POD_CGROUPFS_RE.test(parent)) return ref(p, 'cri', podUid);
    }
    if (p.startsWith('lxc.payload.') && p.length > 12) return ref(p.slice(12), 'lxc');
    if (i >= 2 && parts[i - 1] === 'lxc' && i === 2 && CTR_NAME_RE.test(p)) return ref(p, 'lxc');
  }
  // ctr: exactly /<namespace>/<name>.
  if (parts.length === 3) {
    const ns = parts[1]!;
    const name = parts[2]!;
    const known = opts?.containerdNamespaces ?? DEFAULT_CTR_NS;
    if (known.includes(ns) && CTR_NAME_RE.test(name)) return ref(name, 'containerd', '', ns);
  }
  return HOST_REF;
}

/**
 * Container identity from all cgroup lines of a thread. The first line that names a container
 * wins (every controller normally agrees; on v1/v2 hybrids some controllers stay at '/').
 */
export function parseCgroups(lines: readonly string[] | string, opts?: CgroupParseOptions): ContainerRef {
  const arr = typeof lines === 'string' ? lines.split('\n') : lines;
  for (let i = 0; i < arr.length; i++) {
    const line = arr[i]!;
    if (line.length === 0) continue;
    const r = parseCgroupPath(cgroupLinePath(line), opts);
    if (r !== HOST_REF) return r;
  }
  return HOST_REF;
}

/**
 * Caches parseCgroups per distinct cgroup path (a host has few distinct paths and many
 * threads), bounded so a churn of short-lived containers cannot grow it without limit.
 */
export class CgroupResolver {
  private readonly byPath = new Map<string, ContainerRef>();
  constructor(private readonly opts: CgroupParseOptions = {}, private readonly maxEntries = 8192) {}

  resolve(lines: readonly string[] | string): ContainerRef {
    const arr = typeof lines === 'string' ? lines.split('\n') : lines;
    for (let i = 0; i < arr.length; i++) {
      const line = arr[i]!;
      if (line.length === 0) continue;
      const path = cgroupLinePath(line);
      let r = this.byPath.get(path);
      if (r === undefined) {
        r = parseCgroupPath(path, this.opts);
        if (this.byPath.size >= this.maxEntries) this.byPath.clear();
        this.byPath.set(path, r);
      }
      if (r !== HOST_REF) return r;
    }
    return HOST_REF;
  }
}

// ---- namespaces ---------------------------------------------------------------------------

/** Namespace inode strings ("pid:[4026531836]") of a process, null if unreadable. */
export function readNamespaces(pid: number | 'self', procRoot = '/proc'): { pid: string; mnt: string } | null {
  try {
    return {
      pid: readlinkSync(`${procRoot}/${pid}/ns/pid`),
      mnt: readlinkSync(`${procRoot}/${pid}/ns/mnt`),
    };
  } catch {
    return null;
  }
}

const refNs = new Map<string, { pid: string; mnt: string } | null>();

/**
 * The host's namespaces to compare against: init's (pid 1) when readable, else kestrel's own
 * (valid when kestrel runs in the host namespaces, as the DaemonSet does with hostPID).
 */
export function referenceNamespaces(procRoot = '/proc'): { pid: string; mnt: string } | null {
  let r = refNs.get(procRoot);
  if (r === undefined) {
    r = readNamespaces(1, procRoot) ?? readNamespaces('self', procRoot);
    refNs.set(procRoot, r);
  }
  return r;
}

/**
 * Whether a process lives in its own pid and mount namespaces although its cgroup says host:
 * an "unknown container" (an engine kestrel does not recognise, unshare, bwrap sandboxes...).
 * false when the namespaces cannot be read.
 */
export function isNamespaceIsolated(pid: number, procRoot = '/proc'): boolean {
  const host = referenceNamespaces(procRoot);
  if (host === null) return false;
  const ns = readNamespaces(pid, procRoot);
  if (ns === null) return false;
  return ns.pid !== host.pid && ns.mnt !== host.mnt;
}

// ---- the state layer's view --------------------------------------------------------------

const defaultResolver = new CgroupResolver();

/**
 * The 12-char container id of a thread's cgroup lines, '' for the host: what the thread table
 * stores (sinsp's empty container id) when no ContainerManager answers (capture-file replay,
 * `kestrel inspect` without container lookups). Same parser as the manager, default options.
 */
export function containerIdFromCgroups(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  const r = defaultResolver.resolve(lines);
  return r.type === 'host' ? '' : r.id;
}
