// Kernel test: a connect() that fails before routing (ENETUNREACH, in a network namespace
// without routes) still names its destination in the state, from the live exit event's
// `addr` parameter (there is no enter event live).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LiveSource } from '../../src/capture/live-source.js';
import { Inspector } from '../../src/state/inspector.js';
import { StateFieldRegistry } from '../../src/state/fields.js';
import { ev } from '../state/events.js';
import { buildHelper, runCaptured, i64 } from './util.js';

let src: LiveSource;
let trigger: string;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

before(async () => {
  if (!isRoot) return;
  trigger = buildHelper('trigger');
  src = new LiveSource({ syscalls: ['socket', 'connect', 'execve', 'procexit'], snapshot: false, snaplen: 80 });
  await src.open();
});
after(async () => { await src?.close(); });

test('ENETUNREACH connect to 169.254.169.254:80: fd.sip/fd.sport/fd.name from the exit addr', { skip: isRoot ? false : 'needs root' }, async () => {
  // unshare execs the trigger in the same process: a fresh netns has only a down loopback
  const r = await runCaptured(src, 'unshare', ['-n', trigger, 'connect-meta']);
  assert.equal(r.results.find(([a]) => a === 'connect')?.[1], -101, 'connect failed with ENETUNREACH');
  const start = r.events.findIndex((e) => e.type === 293);
  assert.ok(start >= 0, 'saw the execve');
  const evs = r.events.slice(start);
  const conn = evs.filter((e) => e.type === 23);
  assert.equal(conn.length, 1);
  assert.equal(i64(conn[0]!.params[0]!), -101);
  const reg = new StateFieldRegistry();
  const get = (insp: Inspector, name: string) => { const f = reg.resolve(name)!; return f.def.extract(insp.ctx, f.arg); };
  const insp = new Inspector(ev(0, r.pid, []));
  let seen = false;
  for (const c of evs) {
    insp.process(ev(c.type, c.tid, c.params));
    if (c.type !== 23) continue;
    seen = true;
    assert.equal(get(insp, 'fd.type'), 'ipv4');
    assert.equal(get(insp, 'fd.sip'), '169.254.169.254');
    assert.equal(get(insp, 'fd.sport'), 80);
    assert.equal(get(insp, 'fd.name'), '169.254.169.254:80');
    assert.equal(get(insp, 'evt.res'), 'ENETUNREACH');
  }
  assert.ok(seen);
});
