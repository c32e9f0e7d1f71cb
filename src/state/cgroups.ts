// Container id from a thread's cgroup lines, used until src/containers provides the full
// metadata. Recognises docker/podman/containerd/cri-o style paths; '' means the host.

const PATTERNS: RegExp[] = [
  /\/docker[-/]([0-9a-f]{64})(?:\.scope)?$/,
  /\/libpod-([0-9a-f]{64})(?:\.scope)?$/,
  /\/crio-([0-9a-f]{64})(?:\.scope)?$/,
  /\/cri-containerd-([0-9a-f]{64})(?:\.scope)?$/,
  /\/kubepods[^ ]*\/(?:pod[^/]+\/)?([0-9a-f]{64})$/,
  /^\/([0-9a-f]{64})$/,
];

export function containerIdFromCgroups(cgroups: readonly string[]): string {
  for (let i = 0; i < cgroups.length; i++) {
    const line = cgroups[i];
    const eq = line.indexOf('=');
    const path = eq >= 0 ? line.slice(eq + 1) : line;
    if (path === '/' || path.length < 64) continue;
    for (const re of PATTERNS) {
      const m = re.exec(path);
      if (m) return m[1].slice(0, 12);
    }
  }
  return '';
}
