// Micro-benchmark of the container fields on the event path (no runtime involved): ns per
// event for container.id alone and for container.id + name + image, with 64 threads (half in
// one container, half on the host) and 8 consecutive events per thread.
//   npx tsc -p tsconfig.json && node dist/scripts/containers-bench.js
import { ContainerManager } from '../src/containers/manager.js';
import { makeContainerFields } from '../src/containers/fields.js';
import { ContainerInfo } from '../src/containers/types.js';

const H = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
interface Ctx { cgroups: string[] }
const m = new ContainerManager({ podman: false, docker: false, cri: false, containerd: false });
const info = new ContainerInfo({ id: H.slice(0, 12), fullId: H, type: 'podman', podUid: '', ctrNamespace: '' });
info.name = 'web';
info.image = 'localhost/web:1';
m.preload(info);
const f = makeContainerFields<Ctx>(m, { cgroups: (c) => c.cgroups });
const get = (n: string) => f.find((d) => d.name === n)!;
const id = get('container.id'), name = get('container.name'), image = get('container.image');
const threads: Ctx[] = Array.from({ length: 64 }, (_, k) => ({
  cgroups: k % 2 ? ['0::/', '4:memory:/user.slice'] : [`9:name=systemd:/libpod_parent/libpod-${H}`, `0::/libpod_parent/libpod-${H}`],
}));
const N = 4_000_000;
function run(label: string, fn: (c: Ctx) => number): void {
  let x = 0;
  for (let k = 0; k < N / 10; k++) x += fn(threads[(k >> 3) & 63]!); // warm-up
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < N; k++) x += fn(threads[(k >> 3) & 63]!);
  const ns = Number(process.hrtime.bigint() - t0) / N;
  process.stdout.write(`${label.padEnd(28)} ${ns.toFixed(1)} ns/event (${x})\n`);
}
run('loop only', (c) => c.cgroups.length);
run('container.id', (c) => (id.extract(c, undefined) !== null ? 1 : 0));
run('container.id+name+image', (c) => (id.extract(c, undefined) !== null ? 1 : 0) + (name.extract(c, undefined) !== null ? 1 : 0) + (image.extract(c, undefined) !== null ? 1 : 0));
m.close();
