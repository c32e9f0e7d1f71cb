// Hand-encoded events (the scap/driver wire layout) loaded into a real EventView, for state
// tests that need syscalls the sample captures do not contain (clone, dup, pipe, chdir, …).

import assert from 'node:assert/strict';
import { EventView } from '../../src/events/event-view.js';
import { StateFieldRegistry } from '../../src/state/fields.js';
import type { Inspector } from '../../src/state/inspector.js';
import type { ProcEntry } from '../../src/capture/types.js';
import { encodeEvent } from '../support/raw-event.js';

export type P = Buffer;

const registry = new StateFieldRegistry();
/** A field's value for the inspector's current event, through the registry filters use. */
export function field(insp: Inspector, name: string): unknown {
  const r = registry.resolve(name);
  assert.ok(r, `field ${name}`);
  return r.def.extract(insp.ctx, r.arg);
}

/** A /proc snapshot entry: tid = pid = session = group, exe = comm, gid and loginuid = uid,
 * everything else empty or zero unless given. */
export function procEntry(o: Partial<ProcEntry> & { pid: number; comm: string }): ProcEntry {
  const uid = o.uid ?? 0;
  return {
    tid: o.pid, ptid: 1, sid: o.pid, vpgid: o.pid, exe: o.comm, exepath: `/usr/bin/${o.comm}`, args: [],
    cwd: '/', fdlimit: 1024n, flags: 0, uid, gid: uid, vmsizeKb: 0, vmrssKb: 0, vmswapKb: 0, pfmajor: 0n,
    pfminor: 0n, env: [], vtid: o.pid, vpid: o.pid, cgroups: ['cpu=/'], root: '/', loginuid: uid,
    exeWritable: false, capInheritable: 0n, capPermitted: 0n, capEffective: 0n,
    ...o,
  };
}
export const i64 = (v: number): P => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(v)); return b; };
export const u64 = (v: number | bigint): P => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };
export const u32 = (v: number): P => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
export const i32 = (v: number): P => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; };
export const str = (s: string): P => Buffer.from(s + '\0');
export const list = (items: string[]): P => Buffer.from(items.map((x) => x + '\0').join(''));
export const none = (): P => Buffer.alloc(0);
/** SOCKTUPLE for IPv4: family 2, sip, sport, dip, dport. */
export function tuple4(sip: string, sport: number, dip: string, dport: number): P {
  const b = Buffer.alloc(13);
  b[0] = 2;
  Buffer.from(sip.split('.').map(Number)).copy(b, 1); b.writeUInt16LE(sport, 5);
  Buffer.from(dip.split('.').map(Number)).copy(b, 7); b.writeUInt16LE(dport, 11);
  return b;
}

let num = 0;
let clock = 1_700_000_000_000_000_000n;

/** Encodes one event and points a fresh EventView at it. */
export function ev(type: number, tid: number, params: P[]): EventView {
  clock += 1000n;
  const b = encodeEvent(type, tid, clock, params);
  const v = new EventView();
  const err = v.load(b, 0, b.length, 0, 0);
  if (err !== null) throw new Error(err);
  v.num = ++num;
  return v;
}

/** clone_20 exit (223). `res` is the child tid on the parent side, 0 on the child side. */
export function cloneX(tid: number, res: number, o: { pid: number; ptid: number; comm: string; exe: string; args: string[]; cwd: string; flags?: number; uid?: number; gid?: number }): EventView {
  return ev(223, tid, [
    i64(res), str(o.exe), list(o.args), i64(tid), i64(o.pid), i64(o.ptid), str(o.cwd), i64(1024), u64(0), u64(0),
    u32(0), u32(0), u32(0), str(o.comm), list(['cpu=/']), u32(o.flags ?? 0), u32(o.uid ?? 0), u32(o.gid ?? 0), i64(tid), i64(o.pid),
  ]);
}

/** execve_19 exit (293). */
export function execveX(tid: number, o: { pid: number; ptid: number; comm: string; exe: string; args: string[]; cwd: string }): EventView {
  return ev(293, tid, [
    i64(0), str(o.exe), list(o.args), i64(tid), i64(o.pid), i64(o.ptid), str(o.cwd), u64(1024), u64(0), u64(0),
    u32(0), u32(0), u32(0), str(o.comm), list(['cpu=/']), list(['HOME=/root']), i32(34816), i64(o.pid), i32(1000), u32(0),
  ]);
}
