// One container identity: the thread table (src/state) and the container.* fields
// (src/containers) read the same cgroup parser, so container.id agrees on every layout
// (ctr, LXC and the engines' monitor processes included); capture-file container events
// (tid -1) carry their own container's identity.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inspector } from '../../src/state/inspector.js';
import { StateFieldRegistry } from '../../src/state/fields.js';
import { emptyHeader } from '../../src/capture/scap-header.js';
import { buildRegistry, loadDetection } from '../../src/engine/detection.js';
import { DetectionEngine } from '../../src/engine/engine.js';
import { FileSource } from '../../src/capture/file-source.js';
import { ContainerManager } from '../../src/containers/index.js';
import { ev, i64, u32 } from '../state/events.js';
import { scapPath } from '../diff/sysdig-oracle.js';

const H = 'd052e81b1c80f5514fd24d841cc998bcf1be8f71d01eb8efdb439130d517b37d';
const UIDS = '3e41dc6b_08a8_44db_bc2a_3724b18ab19a';
const PATHS: [string, string][] = [
  ['/default/k-ctr-probe', 'k-ctr-probe'],
  [`/k8s.io/${H}`, H.slice(0, 12)],
  ['/lxc/web1', 'web1'],
  ['/lxc.payload.web1', 'web1'],
  [`/machine.slice/libpod-conmon-${H}.scope`, 'host'],
  [`/system.slice/crio-conmon-${H}.scope`, 'host'],
  [`/machine.slice/libpod-${H}.scope`, H.slice(0, 12)],
  [`/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${H}.scope/container`, H.slice(0, 12)],
  [`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UIDS}.slice/cri-containerd-${H}.scope`, H.slice(0, 12)],
  [`/docker/${H}`, H.slice(0, 12)],
  ['/user.slice/user-1000.slice/session-2.scope', 'host'],
];

test('state and container fields agree on container.id for every cgroup layout', () => {
  const stateReg = new StateFieldRegistry();
  const detReg = buildRegistry(new ContainerManager({ docker: false, podman: false, containerd: false, cri: false }));
  const sId = stateReg.resolve('container.id')!, dId = detReg.resolve('container.id')!;
  assert.notEqual(sId.def, dId.def, 'the detection registry has the containers module field');
  for (const [path, want] of PATHS) {
    const h = emptyHeader();
    h.procs.push({
      tid: 500, pid: 500, ptid: 1, sid: 500, vpgid: 500, comm: 'x', exe: 'x', exepath: '/x', args: [], cwd: '/', fdlimit: 1024n,
      flags: 0, uid: 0, gid: 0, vmsizeKb: 0, vmrssKb: 0, vmswapKb: 0, pfmajor: 0n, pfminor: 0n, env: [], vtid: 500, vpid: 500,
      cgroups: [`cpu=${path}`, `memory=${path}`], root: '/', loginuid: -1, exeWritable: false, capInheritable: 0n, capPermitted: 0n, capEffective: 0n,
    });
    const insp = new Inspector(ev(0, 500, []));
    insp.seed(h);
    const ctx = insp.process(ev(8, 500, [i64(0), u32(1)]));
    assert.equal(sId.def.extract(ctx, sId.arg), want, `state container.id of ${path}`);
    assert.equal(dId.def.extract(ctx, dId.arg), want, `containers container.id of ${path}`);
  }
});

test('container events (tid -1) of a capture file: container.* name the event\'s container', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kes-ident-'));
  try {
    const rules = join(dir, 'r.yaml');
    writeFileSync(rules, `- rule: container event
  desc: every container event
  condition: evt.type = container
  output: "id=%container.id name=%container.name image=%container.image tid=%thread.tid"
  priority: INFO
`);
    const manager = new ContainerManager({ docker: false, podman: false, containerd: false, cri: false });
    const det = loadDetection({ rulesFiles: [rules], manager });
    assert.deepEqual(det.load.result.errors, []);
    const src = new FileSource(scapPath('falco_trace_files_psp_privileged.scap'));
    await src.open();
    const out: string[] = [];
    const eng = new DetectionEngine({ source: src, detection: det, emit: (a) => out.push(a.output), hostname: 'h', manager });
    await eng.run();
    await src.close();
    // What sysdig 0.29.3 prints for the event: 9dbcbd0c435f epic_cray nginx:latest.
    assert.deepEqual([...new Set(out)], ['id=9dbcbd0c435f name=epic_cray image=nginx:latest tid=-1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
