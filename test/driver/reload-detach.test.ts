// Kernel test of detaching: LiveSource.detach stops one syscall's events at the tracepoint
// while the others keep flowing, delivers what the detached program wrote before, removes its
// kernel link, and can be attached again; followRules (a rules reload) detaches what the new
// rules no longer need but never the state's syscalls.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveSource } from '../../src/capture/live-source.js';
import { openLiveSource, followRules, STATE_SYSCALLS } from '../../src/engine/live.js';
import { EVENTS } from '../../schema/events.js';
import type { EventView } from '../../src/events/event-view.js';
import { buildHelper, bpftoolJson, str } from './util.js';

const isRoot = process.getuid?.() === 0;
/** Exit event ids of mkdirat and unlinkat (unlinkat has a legacy id too). */
const WATCHED = new Set(EVENTS.flatMap((e, id) => (e.dir === 'X' && (e.name === 'mkdirat' || e.name === 'unlinkat') ? [id] : [])));

/** The rounds helper (helpers/rounds.c): `round(n)` resolves once both syscalls of round n returned. */
function startRounds(dir: string): { child: ChildProcess; pid: number; round(n: number): Promise<void>; end(): Promise<void> } {
  const child = spawn(buildHelper('rounds'), [dir], { timeout: 120_000, killSignal: 'SIGKILL', stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const waiters = new Map<number, (line: string) => void>();
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    out += d;
    for (const m of out.matchAll(/^done (\d+) .*$/gm)) {
      const w = waiters.get(Number(m[1]));
      waiters.delete(Number(m[1]));
      w?.(m[0]);
    }
  });
  const closed = new Promise<void>((r) => child.on('close', () => r()));
  return {
    child,
    pid: child.pid!,
    round(n: number): Promise<void> {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`rounds helper: no 'done ${n}' in 30 s (output: ${out})`)), 30_000);
        waiters.set(n, (line) => {
          clearTimeout(t);
          if (line === `done ${n} 0 0`) resolve();
          else reject(new Error(`rounds helper: mkdirat/unlinkat failed in round ${n}: ${line}`));
        });
        child.stdin!.write(`${n}\n`);
      });
    },
    async end(): Promise<void> { child.stdin!.end(); await closed; },
  };
}

/** "mkdirat 3" / "unlinkat 3" for the helper's events on DIR/rN, else null. */
function roundOf(ev: EventView, pid: number, dir: string): string | null {
  if (ev.tid !== pid || !WATCHED.has(ev.type)) return null;
  for (let i = 0; i < ev.nparams; i++) {
    const s = str(Buffer.from(ev.buf.subarray(ev.poff[i]!, ev.poff[i]! + ev.plen[i]!)));
    if (s.startsWith(dir + '/r')) return `${EVENTS[ev.type]!.name} ${s.slice(dir.length + 2)}`;
  }
  return null;
}

/** Drains until `want` is seen (bounded); returns everything seen of the helper meanwhile. */
async function drainUntil(src: LiveSource, pid: number, dir: string, want: string, seen: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!seen.includes(want)) {
    if (Date.now() > deadline) assert.fail(`no '${want}' event in 30 s; seen: ${seen.join(', ')}`);
    await src.nextBatch((ev) => { const r = roundOf(ev, pid, dir); if (r !== null) seen.push(r); });
  }
}

const linkIds = (): Set<number> => new Set(bpftoolJson<Array<{ id: number }>>(['link', 'list']).map((l) => l.id));

test('detach(mkdirat): unlinkat keeps flowing, mkdirat stops after its last written record, its link is gone; attach works again', async (t) => {
  if (!isRoot) { t.skip('needs root for the probe'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'kes-detach-'));
  const src = new LiveSource({ syscalls: ['mkdirat', 'unlinkat', 'procexit'], snapshot: false });
  await src.open();
  const h = startRounds(dir);
  try {
    const seen: string[] = [];
    await src.nextBatch(() => {});
    await h.round(1);
    await drainUntil(src, h.pid, dir, 'unlinkat 1', seen);
    assert.ok(seen.includes('mkdirat 1'), 'both syscalls captured before the detach');

    const before = src.links();
    const mkLink = before.find((l) => l.program === 'x_mkdirat');
    const unLink = before.find((l) => l.program === 'x_unlinkat');
    assert.ok(mkLink && unLink && mkLink.id > 0 && unLink.id > 0, `links with kernel ids: ${JSON.stringify(before)}`);
    assert.ok(linkIds().has(mkLink.id), 'bpftool lists the mkdirat link before the detach');

    // Round 2's records are in the rings (the helper printed after both syscalls returned) and
    // nothing has drained them yet when mkdirat is detached: they must still arrive.
    await h.round(2);
    assert.deepEqual(src.detach(['mkdirat', 'openat']), ['mkdirat'], 'detach returns what it detached (openat was not attached)');
    await drainUntil(src, h.pid, dir, 'unlinkat 2', seen);
    assert.ok(seen.includes('mkdirat 2'), 'a record written before the detach is still delivered');

    assert.deepEqual(src.attachedNames(), ['procexit', 'unlinkat']);
    assert.deepEqual(src.links().map((l) => l.program).sort(), ['ev_procexit', 'x_unlinkat']);
    const ids = linkIds();
    assert.ok(!ids.has(mkLink.id), `bpftool no longer lists the mkdirat link ${mkLink.id}`);
    assert.ok(ids.has(unLink.id), 'the unlinkat link is still there');

    // Round 3 after the detach: unlinkat arrives, mkdirat does not. Events come in timestamp
    // order across the rings, so a mkdirat of round 3 would have come before unlinkat 3.
    await h.round(3);
    await drainUntil(src, h.pid, dir, 'unlinkat 3', seen);
    assert.ok(!seen.includes('mkdirat 3'), `no mkdirat after the detach; seen: ${seen.join(', ')}`);

    // The program stayed loaded: attaching it again brings mkdirat back.
    assert.deepEqual(src.attachMore(['mkdirat']), []);
    await h.round(4);
    await drainUntil(src, h.pid, dir, 'unlinkat 4', seen);
    assert.ok(seen.includes('mkdirat 4'), 'mkdirat captured again after attachMore');
    const again = src.links().find((l) => l.program === 'x_mkdirat');
    assert.ok(again && linkIds().has(again.id), 'a new mkdirat link is listed');
  } finally {
    await h.end();
    await src.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('followRules detaches what the new rules no longer need, never the state syscalls', async (t) => {
  if (!isRoot) { t.skip('needs root for the probe'); return; }
  const rules = (names: string[]) => {
    const ids = new Set(EVENTS.filter((e) => e.dir === 'X' && names.includes(e.name)).map((e) => e.id));
    return { eventTypes: () => ({ ids, all: false }) };
  };
  // The old rules need mkdirat and openat (a state syscall too); the new ones need unlinkat only.
  const src = (await openLiveSource(rules(['mkdirat', 'openat']))) as LiveSource;
  try {
    assert.ok(src.attachedNames().includes('mkdirat'));
    const f = followRules(rules(['unlinkat']));
    assert.deepEqual(f, { attached: ['unlinkat'], detached: ['mkdirat'] });
    const now = new Set(src.attachedNames());
    assert.deepEqual(STATE_SYSCALLS.filter((n) => !now.has(n)), [], 'every state syscall stays attached');
    assert.ok(!src.links().some((l) => l.program === 'x_mkdirat'), 'no mkdirat link left');
    // A reload to the same rules changes nothing; back to the old ones swaps the two again.
    assert.deepEqual(followRules(rules(['unlinkat'])), { attached: [], detached: [] });
    assert.deepEqual(followRules(rules(['mkdirat', 'openat'])), { attached: ['mkdirat'], detached: ['unlinkat'] });
    // Rules on every event type (all) detach nothing.
    assert.deepEqual(followRules({ eventTypes: () => ({ ids: new Set<number>(), all: true }) }).detached, []);
  } finally {
    await src.close();
  }
  assert.deepEqual(followRules(rules([])), { attached: [], detached: [] }, 'no open live source: nothing to do');
});
