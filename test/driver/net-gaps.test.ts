// Kernel tests for network gaps the live differential test found: a connect() that fails
// before routing (ENETUNREACH, in a network namespace without routes) still names its
// destination in the state, from the live exit event's `addr` parameter (there is no enter
// event live); unconnected UDP sendto/recvfrom tuples name the peer from the user sockaddr.

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
  src = new LiveSource({ syscalls: ['socket', 'connect', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'execve', 'procexit'], snapshot: false, snaplen: 80 });
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

const ip4 = (b: Buffer, off: number) => [...b.subarray(off, off + 4)].join('.');

/** An IPv4 tuple parameter (family, sip, sport, dip, dport: 13 bytes); absent fields are not checked. */
function assertTuple4(t: Buffer, want: { family?: number; sip?: string; sport: number; dip?: string; dport: number }): void {
  assert.equal(t.length, 13);
  if (want.family !== undefined) assert.equal(t[0], want.family);
  if (want.sip !== undefined) assert.equal(ip4(t, 1), want.sip);
  assert.equal(t.readUInt16LE(5), want.sport);
  if (want.dip !== undefined) assert.equal(ip4(t, 7), want.dip);
  assert.equal(t.readUInt16LE(11), want.dport);
}

test('unconnected UDP: sendto/sendmsg tuples name dest_addr/msg_name, recvfrom/recvmsg tuples the sender', { skip: isRoot ? false : 'needs root' }, async () => {
  const r = await runCaptured(src, trigger, ['udp-unconn']);
  const res = (name: string) => r.results.find(([a]) => a === name)![1];
  const port = res('port'), txport = res('txport');
  assert.ok(port > 0 && txport > 0);
  const start = r.events.findIndex((e) => e.type === 293);
  const evs = r.events.slice(start);
  /** The one event of `type` after the execve, with its result (param 0) checked. */
  const one = (type: number) => {
    const found = evs.filter((e) => e.type === type);
    assert.equal(found.length, 1);
    assert.equal(i64(found[0]!.params[0]!), 4);
    return found[0]!;
  };
  const snd = one(31);
  assert.equal(i64(snd.params[2]!), res('tx'));
  // tuple: family, source (us: unbound 0.0.0.0, autobound port), dest = dest_addr
  assertTuple4(snd.params[4]!, { family: 2, sip: '0.0.0.0', sport: txport, dip: '127.0.0.1', dport: port });
  const rcv = one(35);
  assert.equal(i64(rcv.params[3]!), res('rx'));
  // tuple: source = the sender (src_addr as the kernel wrote it), dest = us
  assertTuple4(rcv.params[2]!, { sip: '127.0.0.1', sport: txport, dip: '127.0.0.1', dport: port });
  // sendmsg (SENDMSG_X: res, data, fd, size, tuple) and recvmsg (RECVMSG_X: res, size, data, tuple, …)
  assertTuple4(one(49).params[4]!, { sport: txport, dip: '127.0.0.1', dport: port });
  assertTuple4(one(53).params[3]!, { sip: '127.0.0.1', sport: txport, dport: port });
});
