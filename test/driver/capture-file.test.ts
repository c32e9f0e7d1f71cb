// Kernel test: a live capture written to a scap file (synthesized enter + exit for each
// syscall) reads back in sysdig 0.29.3 (the oracle) with the same syscalls, in order, and
// the same key arguments.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveSource } from '../../src/capture/live-source.js';
import { ScapWriter } from '../../src/capture/scap-writer.js';
import { PairWriter } from '../../src/capture/live-cli.js';
import { EVENT_NAME } from '../../src/events/generated/event-table.js';
import { buildHelper } from './util.js';
import { spawn } from 'node:child_process';

test('live capture → scap file → sysdig -r shows the same syscalls in order', async () => {
  const trigger = buildHelper('trigger');
  const dir = mkdtempSync(join(tmpdir(), 'kes-cap-'));
  const file = join(dir, 'live.scap');
  const src = new LiveSource({ syscalls: ['execve', 'openat', 'close', 'read', 'write', 'fork', 'procexit', 'mkdir', 'unlink', 'dup2', 'bpf'], snapshot: true });
  await src.open();
  const w = await ScapWriter.create(file);
  w.writeHeader(src.header);
  const pairs = new PairWriter((e) => w.writeEvent(e));
  const expected: string[] = [];
  try {
    await src.nextBatch(() => {});
    const child = spawn(trigger, ['openat', 'cwd', '/etc/hostname', '0', '0', 'close', 'last', 'fs', dir, 'fork', 'fds', 'more-cred', 'exit', '0'], { timeout: 300_000, killSignal: 'SIGKILL', stdio: 'ignore' });
    const pid = child.pid!;
    const done = new Promise<void>((r) => child.on('close', () => r()));
    let exited = false;
    void done.then(() => { exited = true; });
    let sawExit = false;
    const deadline = Date.now() + 5000;
    let started = false;
    const tids = new Set([pid]);
    while (Date.now() < deadline && !(exited && sawExit)) {
      await src.nextBatch((ev) => {
        // the forked child announces itself with its fork exit (res 0, ptid = pid)
        if (ev.type === 225 && ev.tid !== pid && ev.buf.readBigInt64LE(ev.poff[5]!) === BigInt(pid)) tids.add(ev.tid);
        if (!tids.has(ev.tid)) return;
        // start at the execve: before it, the child is still libuv's forked node
        if (ev.type === 293) started = true;
        if (!started) return;
        if (ev.type === 186 && ev.tid === pid) sawExit = true;
        pairs.event(ev);
        // dup2 (DUP2_X) and bpf (BPF_2_X) are current-table events; files get 2022 pairs
        const name = ev.type === 363 ? 'dup' : EVENT_NAME[ev.type];
        // the child returns from fork without entering it: its side gets no enter event
        const childSide = (name === 'fork' || name === 'clone' || name === 'vfork' || name === 'clone3') && ev.buf.readBigInt64LE(ev.poff[0]!) === 0n;
        if (ev.type !== 186 && !childSide) expected.push(`> ${name}`);
        expected.push(`${ev.type === 186 ? '>' : '<'} ${name}`);
      });
      await w.drain();
    }
    assert.ok(sawExit, 'captured the child until its exit');
  } finally {
    await w.close();
    await src.close();
  }
  const out = execFileSync('sysdig', ['-r', file, '-p', '%evt.dir %evt.type %evt.args'], { timeout: 300_000, killSignal: 'SIGKILL', env: { ...process.env, TZ: 'UTC' } }).toString();
  const lines = out.trim().split('\n');
  assert.deepEqual(lines.map((l) => l.split(' ').slice(0, 2).join(' ')), expected);
  assert.ok(lines.some((l) => l.startsWith('< openat fd=3(<f>/etc/hostname)') && l.includes('name=/etc/hostname') && l.includes('O_RDONLY')), 'openat exit args');
  assert.ok(lines.some((l) => l.startsWith('> close fd=3(<f>/etc/hostname)')), 'synthesized close enter carries the fd');
  assert.ok(lines.some((l) => l.startsWith(`< mkdir res=0 path=${dir}/sub`)), 'mkdir args');
  assert.ok(lines.some((l) => /^< execve res=0 exe=.*trigger args=openat/.test(l)), 'execve exit args');
  assert.ok(lines.filter((l) => l.startsWith('< fork')).length === 2, 'fork exit in parent and child');
  assert.ok(lines.some((l) => /^> dup fd=\d+/.test(l)) && lines.some((l) => /^< dup res=50/.test(l)), 'dup2 → 2022 dup pair (enter fd = oldfd, exit res = newfd)');
  assert.ok(lines.some((l) => /^> bpf cmd=9999/.test(l)) && lines.some((l) => /^< bpf res_or_fd=-22/.test(l)), 'bpf → 2022 bpf pair');
});
