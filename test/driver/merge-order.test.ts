// Kernel test of the addon's cross-ring merge (native/src/drain.c): under a multi-process load
// spread over the CPUs, the events drain() hands out come in non-decreasing timestamp order,
// although they sit in several per-CPU rings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LiveSource } from '../../src/capture/live-source.js';
import { buildC } from '../support/build-c.js';

const here = dirname(fileURLToPath(import.meta.url));
const GEN_SRC = resolve(here, '../../../bench/live-gen.c');

const PPME_SYSCALL_CLOSE_X = 5;

test('events from several CPUs come out of drain() in non-decreasing timestamp order', async () => {
  const gen = buildC(GEN_SRC, 'live-gen', ['-O2']);
  const src = new LiveSource({ syscalls: ['close', 'procexit'], snapshot: false, ringKiB: 16384 });
  await src.open();
  try {
    const nproc = Math.max(4, cpus().length * 2);
    const budget = 200_000;
    const child = spawn('nice', ['-n', '10', gen, 'close', String(nproc), String(budget), '0'], { timeout: 300_000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'ignore'] });
    let exited = false;
    const done = new Promise<void>((r) => child.on('close', () => { exited = true; r(); }));
    let last = 0n;
    let total = 0;
    let inversions = 0;
    let firstBad = '';
    let ours = 0;
    const rings = new Set<number>();
    const view = (ev: { ts(): bigint; cpu: number; type: number; tid: number }) => {
      const ts = ev.ts();
      if (ts < last) {
        if (inversions === 0) firstBad = `event ${total + 1}: ts ${ts} after ${last}`;
        inversions++;
      }
      last = ts;
      total++;
      rings.add(ev.cpu);
      if (ev.type === PPME_SYSCALL_CLOSE_X) ours++;
    };
    // Drain while the generator runs, then until the rings are empty.
    const deadline = Date.now() + 120_000;
    while (!exited && Date.now() < deadline) await src.nextBatch(view);
    await done;
    let idle = 0;
    while (idle < 3 && Date.now() < deadline) {
      const before = total;
      await src.nextBatch(view);
      idle = total === before ? idle + 1 : 0;
    }
    assert.ok(ours >= budget / 2, `captured the generator's close events (${ours} close events of ${budget})`);
    if (cpus().length > 1) assert.ok(rings.size > 1, `events came from several rings (${[...rings].join(',')})`);
    assert.equal(inversions, 0, `timestamps out of order ${inversions} times among ${total} events; first: ${firstBad}`);
  } finally {
    await src.close();
  }
});
