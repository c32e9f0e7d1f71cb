// Container identity and metadata as kestrel keeps it. A ContainerRef is what the cgroup path
// alone tells (synchronous, always available); a ContainerInfo adds what a runtime answered
// (or a capture file carried). Fields the runtime did not tell stay at their "unknown" value
// ('' / null) so the filter fields print <NA> for them rather than a guess.

/** Container engines kestrel recognises. 'cri' = a kubepods cgroup whose runtime is not known yet. */
export type ContainerType = 'host' | 'docker' | 'podman' | 'containerd' | 'cri' | 'cri-o' | 'lxc';

/**
 * sinsp's container_type numbers, as carried in the "type" member of a capture file's
 * container JSON (CT_DOCKER = 0 ... CT_PODMAN = 11).
 */
export const CONTAINER_TYPE_NUM: Readonly<Record<ContainerType, number>> = {
  docker: 0, lxc: 1, cri: 6, containerd: 7, 'cri-o': 8, podman: 11, host: 0xfffe,
};

export function containerTypeFromNum(n: number): ContainerType {
  switch (n) {
    case 0: return 'docker';
    case 1: case 2: return 'lxc';
    case 6: return 'cri';
    case 7: return 'containerd';
    case 8: return 'cri-o';
    case 11: return 'podman';
    default: return 'docker';
  }
}

/** What the cgroup path (and nothing else) says about a thread's container. */
export interface ContainerRef {
  /** 12-character short id ('host' for host processes). For ctr-named containers: the name's first 12 chars. */
  readonly id: string;
  /** Full id as found in the cgroup (64 hex for most engines, the container name for ctr). */
  readonly fullId: string;
  readonly type: ContainerType;
  /** Kubernetes pod UID when the cgroup is a kubepods one ('' otherwise). */
  readonly podUid: string;
  /** containerd namespace for ctr-style cgroups (/<namespace>/<name>), '' otherwise. */
  readonly ctrNamespace: string;
}

export const HOST_REF: ContainerRef = Object.freeze({ id: 'host', fullId: 'host', type: 'host', podUid: '', ctrNamespace: '' });

/** One mount of a container, Docker's shape (also what sinsp writes into capture files). */
export interface ContainerMount {
  source: string;
  dest: string;
  mode: string;
  rw: boolean;
  propagation: string;
}

/** Where a ContainerInfo's metadata came from. */
export type MetadataSource = 'cgroup' | 'runtime' | 'capture';

/**
 * Everything kestrel knows about one container. One class so every instance has the same
 * shape (the field extractors read these on the hot path).
 */
export class ContainerInfo {
  id: string;
  fullId: string;
  type: ContainerType;
  name = '';
  /** Image as the user named it, e.g. "docker.io/library/nginx:1.25". */
  image = '';
  imageRepo = '';
  imageTag = '';
  imageDigest = '';
  imageId = '';
  /** null = unknown (runtime not asked or did not say). */
  privileged: boolean | null = null;
  mounts: ContainerMount[] = [];
  labels: Record<string, string> = Object.create(null) as Record<string, string>;
  ip = '';
  /** Container start, ns since the epoch; 0n = unknown. */
  startTs = 0n;
  podName = '';
  podUid = '';
  podNamespace = '';
  podSandboxId = '';
  podLabels: Record<string, string> = Object.create(null) as Record<string, string>;
  /** Shares the host's pid / network / ipc namespace; null = unknown. */
  hostPid: boolean | null = null;
  hostNetwork: boolean | null = null;
  hostIpc: boolean | null = null;
  /** True for a CRI pod sandbox (pause) container. */
  isPodSandbox = false;
  source: MetadataSource = 'cgroup';
  /** The runtime that answered ('' if none did), e.g. 'podman', 'docker', 'containerd', 'cri:containerd'. */
  answeredBy = '';

  constructor(ref: ContainerRef) {
    this.id = ref.id;
    this.fullId = ref.fullId;
    this.type = ref.type;
    this.podUid = ref.podUid;
  }
}

/** Splits an image reference into repository, tag and digest (Docker's reference grammar). */
export function splitImage(image: string): { repo: string; tag: string; digest: string } {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  // A ':' after the last '/' starts the tag; one before it belongs to a registry port.
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repo: rest, tag, digest };
}
