// Kernel test of the name mapping between rules and probe programs: `kestrel run` attaches
// the event names its rules need (plus the state's), and every event type the probe writes is
// selectable by its event name. A ruleset asking for the session-2 syscalls opens without a
// "cannot capture" warning, and their events arrive.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLiveSource, STATE_SYSCALLS } from '../../src/engine/live.js';
import { EVENTS } from '../../schema/events.js';
import { buildHelper } from './util.js';
import { spawn } from 'node:child_process';
import { openProbe } from '../../native/lib/binding.js';

test('every state syscall has a program; rule event names select the new programs', async () => {
  const p = openProbe({});
  const programs = new Set(p.programs());
  p.close();
  assert.deepEqual(STATE_SYSCALLS.filter((n) => !programs.has(n)), [], 'state syscalls without a program');

  const names = ['chown', 'fchownat', 'mknodat', 'sendfile', 'mmap', 'getsockopt', 'setsockopt', 'close_range', 'epoll_create1', 'pidfd_open', 'io_uring_setup', 'sendmmsg'];
  const ids = new Set(EVENTS.filter((e) => e.dir === 'X' && names.includes(e.name)).map((e) => e.id));
  const warnings: string[] = [];
  const src = await openLiveSource({ eventTypes: () => ({ ids, all: false }) }, (m) => warnings.push(m));
  const dir = mkdtempSync(join(tmpdir(), 'kes-attach-'));
  try {
    assert.deepEqual(warnings.filter((w) => /cannot capture/.test(w)), []);
    const cover = buildHelper('cover');
    await src.nextBatch(() => {});
    const child = spawn(cover, ['own', dir, 'sendfile', dir, 'close_range'], { timeout: 300_000, killSignal: 'SIGKILL', stdio: 'ignore' });
    const pid = child.pid!;
    let exited = false;
    child.on('close', () => { exited = true; });
    const seen = new Set<string>();
    const want = ['chown', 'fchownat', 'sendfile', 'close_range'];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(exited && want.every((n) => seen.has(n)))) {
      await src.nextBatch((ev) => { if (ev.tid === pid) seen.add(EVENTS[ev.type]!.name); });
    }
    for (const n of want) assert.ok(seen.has(n), `${n} event captured through the rules' name`);
  } finally {
    await src.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rules on container events (raised by kestrel, not the probe) give no "cannot capture" warning', async () => {
  const ids = new Set(EVENTS.filter((e) => e.name === 'container' || (e.dir === 'X' && e.name === 'mkdir')).map((e) => e.id));
  const warnings: string[] = [];
  const src = await openLiveSource({ eventTypes: () => ({ ids, all: false }) }, (m) => warnings.push(m));
  try {
    assert.deepEqual(warnings, []);
    assert.ok((src as unknown as { attachedNames(): string[] }).attachedNames().includes('mkdir'), 'the probe part of the set is attached');
  } finally {
    await src.close();
  }
});
