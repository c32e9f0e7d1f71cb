// Kernel test: after `kill -9` of a capturing kestrel process, none of its BPF programs or
// maps remains (everything is tied to its file descriptors, nothing is pinned), and a second
// instance starts and captures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bpftoolJson } from './util.js';

const KESTREL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/kestrel.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** prog/map ids held through the fds of a process (fdinfo of BPF fds). */
function bpfIds(pid: number): { progs: Set<number>; maps: Set<number> } {
  const progs = new Set<number>(), maps = new Set<number>();
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    let t: string;
    try { t = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'); } catch { continue; }
    const p = /prog_id:\s*(\d+)/.exec(t);
    if (p) progs.add(Number(p[1]));
    const m = /map_id:\s*(\d+)/.exec(t);
    if (m) maps.add(Number(m[1]));
  }
  return { progs, maps };
}

/** Ids bpftool lists. */
function liveIds(what: 'prog' | 'map'): Set<number> {
  return new Set(bpftoolJson<Array<{ id: number }>>([what, 'show']).map((x) => x.id));
}

test('kill -9 leaves no BPF program or map behind; a second instance starts', async () => {
  const child = spawn(process.execPath, [KESTREL, 'inspect', '-q', '-M', '60'], { timeout: 300_000, killSignal: 'SIGKILL', stdio: 'ignore' });
  const pid = child.pid!;
  let ids = { progs: new Set<number>(), maps: new Set<number>() };
  // wait until the probe is loaded and attached (its programs show in fdinfo)
  const deadline = Date.now() + 60_000; // generous: loading is slower under the suite's load
  while (Date.now() < deadline) {
    try { ids = bpfIds(pid); } catch { break; }
    if (ids.progs.size >= 20) break;
    await sleep(100);
  }
  assert.ok(ids.progs.size >= 20 && ids.maps.size >= 4, `probe loaded (${ids.progs.size} programs, ${ids.maps.size} maps)`);
  const progsBefore = liveIds('prog');
  for (const id of ids.progs) assert.ok(progsBefore.has(id), 'bpftool lists the programs while capturing');
  await sleep(300);
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  // the kernel frees them asynchronously (RCU); give it a moment
  let leftP: number[] = [], leftM: number[] = [];
  const freeBy = Date.now() + 60_000;
  while (Date.now() < freeBy) {
    const p = liveIds('prog'), m = liveIds('map');
    leftP = [...ids.progs].filter((id) => p.has(id));
    leftM = [...ids.maps].filter((id) => m.has(id));
    if (leftP.length === 0 && leftM.length === 0) break;
    await sleep(100);
  }
  assert.deepEqual(leftP, [], 'no program left');
  assert.deepEqual(leftM, [], 'no map left');

  const second = spawn(process.execPath, [KESTREL, 'inspect', '-q', '-M', '1'], { timeout: 300_000, killSignal: 'SIGKILL', stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  second.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const code = await new Promise<number | null>((r) => second.on('close', r));
  assert.equal(code, 0, `second instance exit code (stderr: ${err})`);
});
