// Decoding of the header-phase blocks of a scap file (MI, PL_V1..V9, FDL/FDL_V2, IL/IL_V2,
// UL/UL_V2) into a CaptureHeader. Layouts: /work/shared/reference/scap-format.md §3-§4.
// Every read is bounds-checked against the block body; a field that does not fit throws
// KES_SCAP_CORRUPT naming the block and the absolute file offset.

import { KestrelError } from '../errors.js';
import type { CaptureHeader, FdEntry, InterfaceEntry, MachineInfo, ProcEntry } from './types.js';
import { FdType } from './types.js';
import { BT, blockName, plVersion } from './scap-blocks.js';

export function emptyHeader(): CaptureHeader {
  return { machine: null, procs: [], fds: new Map(), users: [], groups: [], interfaces: [] };
}

/**
 * A bounds-checked little-endian reader over [pos, end) of a block body.
 *
 * The header is decoded once per run, before the first event, by code that has not warmed up
 * (V8 runs it in the interpreter): what costs there is calls into JavaScript, not machine
 * work. So numbers come from DataView methods (builtins; Buffer's readUInt32LE and friends are
 * JavaScript functions), and a string list is one decode and one split.
 * Measured on the replay capture's header (94 processes, 2,097 env strings, 515 fds).
 */
export class Cursor {
  constructor(
    public buf: Buffer,
    /** A DataView over the same bytes as buf (index 0 = buf[0]). */
    public dv: DataView,
    public pos: number,
    public end: number,
    /** File offset of buf[0] (for messages). */
    public base: number,
    public block: string,
    /** File offset of the block start. */
    public blockOff: number,
  ) {}

  /** A reader over [pos, end) of the same buffer (one length-prefixed entry). */
  sub(pos: number, end: number): Cursor {
    return new Cursor(this.buf, this.dv, pos, end, this.base, this.block, this.blockOff);
  }

  fail(what: string): never {
    throw new KestrelError('KES_SCAP_CORRUPT',
      `corrupt ${this.block} block at offset ${this.blockOff}: ${what} at offset ${this.base + this.pos}`);
  }
  need(n: number, what: string): void {
    if (this.end - this.pos < n) this.fail(`${what} needs ${n} bytes, ${this.end - this.pos} left in block`);
  }
  left(): number { return this.end - this.pos; }
  u8(what: string): number { this.need(1, what); return this.buf[this.pos++]!; }
  u16(what: string): number { this.need(2, what); const v = this.dv.getUint16(this.pos, true); this.pos += 2; return v; }
  u32(what: string): number { this.need(4, what); const v = this.dv.getUint32(this.pos, true); this.pos += 4; return v; }
  i32(what: string): number { this.need(4, what); const v = this.dv.getInt32(this.pos, true); this.pos += 4; return v; }
  u64(what: string): bigint { this.need(8, what); const v = this.dv.getBigUint64(this.pos, true); this.pos += 8; return v; }
  /** s64 as a number (ids, fds: exact below 2^53). */
  i64n(what: string): number {
    this.need(8, what);
    const v = this.dv.getInt32(this.pos + 4, true) * 4294967296 + this.dv.getUint32(this.pos, true);
    this.pos += 8;
    return v;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = new Uint8Array(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return v;
  }
  /** The u16 length in front of string `what` (the message's text is built only on failure). */
  len16(what: string): number {
    if (this.end - this.pos < 2) this.fail(`${what} length needs 2 bytes, ${this.end - this.pos} left in block`);
    const v = this.dv.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  /** u16 length + bytes (no NUL), limited to `max` bytes like libscap. */
  str(what: string, max = 1024): string {
    const n = this.len16(what);
    if (n > max) this.fail(`${what} length ${n} exceeds ${max}`);
    this.need(n, what);
    const o = this.pos;
    this.pos += n;
    if (n === 0) return '';
    // Strings are written without a NUL, but some writers include one (or several): drop them.
    let e = o + n;
    while (e > o && this.buf[e - 1] === 0) e--;
    return this.buf.toString('utf8', o, e);
  }
  /** u16 length + NUL-separated list (args/env/cgroups). */
  strList(what: string, max = 4096): string[] {
    const n = this.len16(what);
    if (n > max) this.fail(`${what} length ${n} exceeds ${max}`);
    this.need(n, what);
    const o = this.pos;
    this.pos += n;
    if (n === 0) return [];
    // One decode and one split for the whole list (NUL is one byte in UTF-8, so decoding per
    // item gives the same strings): env lists hold thousands of items per header.
    const out = this.buf.toString('utf8', o, o + n).split('\0');
    // A NUL ends the last item; it does not start an empty one.
    if (this.buf[o + n - 1] === 0) out.pop();
    return out;
  }
  skip(n: number): void { this.pos += Math.min(n, this.left()); }
}

function mi(c: Cursor): MachineInfo {
  c.need(180, 'machine info');
  const numCpus = c.u32('num_cpus');
  const memorySizeBytes = c.u64('memory_size_bytes');
  const maxPid = c.u64('max_pid');
  const h = c.buf.subarray(c.pos, c.pos + 128);
  const z = h.indexOf(0);
  const hostname = h.toString('utf8', 0, z < 0 ? 128 : z);
  c.pos += 128;
  const bootTsEpoch = c.u64('boot_ts_epoch');
  const flags = c.u64('flags');
  return { numCpus, memorySizeBytes, maxPid, hostname, bootTsEpoch, flags };
}

function newProc(): ProcEntry {
  return {
    tid: 0, pid: 0, ptid: 0, sid: 0, vpgid: -1, comm: '', exe: '', exepath: '', args: [], cwd: '', fdlimit: 0n,
    flags: 0, uid: 0, gid: 0, vmsizeKb: 0, vmrssKb: 0, vmswapKb: 0, pfmajor: 0n, pfminor: 0n, env: [], vtid: 0,
    vpid: 0, cgroups: [], root: '', loginuid: -1, exeWritable: false, capInheritable: 0n, capPermitted: 0n,
    capEffective: 0n,
  };
}

function plEntry(c: Cursor, ver: number): ProcEntry {
  const p = newProc();
  p.tid = c.i64n('tid');
  p.pid = c.i64n('pid');
  p.ptid = c.i64n('ptid');
  if (ver >= 6) p.sid = c.i64n('sid');
  // Older PL versions do not carry vpgid: it stays -1, what sysdig 0.29.3 prints then.
  if (ver >= 8) p.vpgid = c.i64n('vpgid');
  p.comm = c.str('comm');
  p.exe = c.str('exe');
  if (ver >= 7) p.exepath = c.str('exepath');
  p.args = c.strList('args');
  p.cwd = c.str('cwd');
  p.fdlimit = c.u64('fdlimit');
  p.flags = c.u32('flags');
  p.uid = c.u32('uid');
  p.gid = c.u32('gid');
  if (ver >= 2) {
    p.vmsizeKb = c.u32('vmsize_kb');
    p.vmrssKb = c.u32('vmrss_kb');
    p.vmswapKb = c.u32('vmswap_kb');
    p.pfmajor = c.u64('pfmajor');
    p.pfminor = c.u64('pfminor');
  }
  if (ver >= 3) p.env = c.strList('env');
  if (ver >= 4) {
    p.vtid = c.i64n('vtid');
    p.vpid = c.i64n('vpid');
    p.cgroups = c.strList('cgroups');
  }
  if (ver >= 5) p.root = c.str('root');
  return p;
}

/**
 * The PL_V9 tail after `root`, interpreted like current libs: at most 29 bytes is the 2022
 * layout (loginuid, exe_writable, then caps); more is the current layout, which starts with
 * pidns_init_start_ts and tty. (sysdig 0.29.3 misreads the latter; kestrel reads it right.)
 */
function plTail(c: Cursor, p: ProcEntry): void {
  let rem = c.left();
  const current = rem > 29;
  if (current) {
    p.pidnsInitStartTs = c.u64('pidns_init_start_ts');
    c.skip(4); // tty
    rem -= 12;
  }
  if (rem >= 4) { p.loginuid = c.i32('loginuid'); rem -= 4; }
  if (rem >= 1) { p.exeWritable = c.u8('exe_writable') !== 0; rem -= 1; }
  if (rem >= 8) { p.capInheritable = c.u64('cap_inheritable'); rem -= 8; }
  if (rem >= 8) { p.capPermitted = c.u64('cap_permitted'); rem -= 8; }
  if (rem >= 8) { p.capEffective = c.u64('cap_effective'); rem -= 8; }
  if (!current) return;
  // The fields the current writer added over time, each read only when the entry has it.
  if (rem >= 1) { p.exeUpperLayer = c.u8('exe_upper_layer') !== 0; rem -= 1; }
  if (rem >= 24) { p.exeIno = c.u64('exe_ino'); p.exeInoCtime = c.u64('exe_ino_ctime'); p.exeInoMtime = c.u64('exe_ino_mtime'); rem -= 24; }
  if (rem >= 1) { p.exeFromMemfd = c.u8('exe_from_memfd') !== 0; rem -= 1; }
  if (rem >= 1) { p.exeLowerLayer = c.u8('exe_lower_layer') !== 0; rem -= 1; }
}

function pl(c: Cursor, ver: number, h: CaptureHeader): void {
  while (c.left() >= 4) {
    if (ver === 9) {
      const start = c.pos;
      const len = c.u32('entry length');
      if (len < 4 || len > c.end - start) c.fail(`process entry length ${len} does not fit`);
      const entryEnd = start + len;
      const sub = c.sub(c.pos, entryEnd);
      const p = plEntry(sub, 9);
      plTail(sub, p);
      h.procs.push(p);
      c.pos = entryEnd;
    } else {
      h.procs.push(plEntry(c, ver));
    }
  }
}

// Shared by every entry without an address: a zero-length array holds nothing to mutate, and
// allocating two per fd entry was a visible part of reading a capture's header.
const NO_ADDR = new Uint8Array(0);

function newFd(): FdEntry {
  return {
    fd: 0, ino: 0n, type: 0, name: '', openFlags: 0, dev: 0, sip: NO_ADDR, dip: NO_ADDR,
    sport: 0, dport: 0, l4proto: 0, unixSource: 0n, unixDest: 0n,
  };
}

function fdPayload(c: Cursor, f: FdEntry, hasLen: boolean): void {
  switch (f.type) {
    case FdType.IPV4_SOCK:
      f.sip = c.bytes(4, 'sip'); f.dip = c.bytes(4, 'dip');
      f.sport = c.u16('sport'); f.dport = c.u16('dport'); f.l4proto = c.u8('l4proto');
      break;
    case FdType.IPV6_SOCK:
      f.sip = c.bytes(16, 'sip'); f.dip = c.bytes(16, 'dip');
      f.sport = c.u16('sport'); f.dport = c.u16('dport'); f.l4proto = c.u8('l4proto');
      break;
    case FdType.IPV4_SERVSOCK:
      f.sip = c.bytes(4, 'ip'); f.sport = c.u16('port'); f.l4proto = c.u8('l4proto');
      break;
    case FdType.IPV6_SERVSOCK:
      f.sip = c.bytes(16, 'ip'); f.sport = c.u16('port'); f.l4proto = c.u8('l4proto');
      break;
    case FdType.UNIX_SOCK:
      f.unixSource = c.u64('source'); f.unixDest = c.u64('destination'); f.name = c.str('name');
      break;
    case FdType.FILE_V2:
      f.openFlags = c.u32('open flags');
      f.name = c.str('name');
      if (hasLen && c.left() >= 4) f.dev = c.u32('dev');
      break;
    default:
      if (f.type >= 1 && f.type <= FdType.PIDFD) f.name = c.str('name');
      else if (!hasLen) c.fail(`unknown fd type ${f.type}`);
  }
}

function fdl(c: Cursor, v2: boolean, h: CaptureHeader): void {
  const tid = c.i64n('tid');
  let list = h.fds.get(tid);
  if (!list) { list = []; h.fds.set(tid, list); }
  while (c.left() >= 4) {
    const f = newFd();
    if (v2) {
      const start = c.pos;
      const len = c.u32('fd entry length');
      if (len < 4 || len > c.end - start) c.fail(`fd entry length ${len} does not fit`);
      const sub = c.sub(c.pos, start + len);
      f.fd = sub.i64n('fd'); f.ino = sub.u64('ino'); f.type = sub.u8('type');
      fdPayload(sub, f, true);
      c.pos = start + len;
    } else {
      f.fd = c.i64n('fd'); f.ino = c.u64('ino'); f.type = c.u8('type');
      fdPayload(c, f, false);
    }
    list.push(f);
  }
}

function ilEntry(c: Cursor, h: CaptureHeader): void {
  const type = c.u16('interface type');
  const namelen = c.u16('interface name length');
  if (namelen >= 1024) c.fail(`interface name length ${namelen}`);
  let e: InterfaceEntry;
  if (type === 1 || type === 3) {
    const addr = c.bytes(4, 'addr'); const netmask = c.bytes(4, 'netmask'); const bcast = c.bytes(4, 'bcast');
    const linkspeed = type === 1 ? c.u64('linkspeed') : 0n;
    e = { family: 4, name: '', addr, netmask, bcast, linkspeed };
  } else if (type === 2 || type === 4) {
    const addr = c.bytes(16, 'addr'); const netmask = c.bytes(16, 'netmask'); const bcast = c.bytes(16, 'bcast');
    const linkspeed = type === 2 ? c.u64('linkspeed') : 0n;
    e = { family: 6, name: '', addr, netmask, bcast, linkspeed };
  } else {
    c.fail(`unknown interface type ${type}`);
  }
  c.need(namelen, 'interface name');
  e.name = c.buf.toString('utf8', c.pos, c.pos + namelen).replace(/\0+$/, '');
  c.pos += namelen;
  h.interfaces.push(e);
}

function il(c: Cursor, v2: boolean, h: CaptureHeader): void {
  while (c.left() >= 4) {
    if (v2) {
      const len = c.u32('interface entry length');
      if (len > c.left()) c.fail(`interface entry length ${len} does not fit`);
      const end = c.pos + len;
      ilEntry(c.sub(c.pos, end), h);
      c.pos = end;
    } else {
      ilEntry(c, h);
    }
  }
}

function ulEntry(c: Cursor, h: CaptureHeader): void {
  const type = c.u8('user entry type');
  if (type === 0) {
    const uid = c.u32('uid'); const gid = c.u32('gid');
    const name = c.str('user name', 255); const homedir = c.str('homedir', 255); const shell = c.str('shell', 255);
    h.users.push({ uid, gid, name, homedir, shell });
  } else if (type === 1) {
    const gid = c.u32('gid'); const name = c.str('group name', 255);
    h.groups.push({ gid, name });
  } else {
    c.fail(`unknown user entry type ${type}`);
  }
}

function ul(c: Cursor, v2: boolean, h: CaptureHeader): void {
  while (c.left() >= 4) {
    if (v2) {
      const start = c.pos;
      const len = c.u32('user entry length');
      if (len < 5 || len > c.end - start) c.fail(`user entry length ${len} does not fit`);
      ulEntry(c.sub(c.pos, start + len), h);
      c.pos = start + len;
    } else {
      ulEntry(c, h);
    }
  }
}

/**
 * Decodes one header-phase block body [bodyOff, bodyEnd) of type `type` into `h`.
 * Returns false for block types it does not know (the caller skips them).
 */
export function parseHeaderBlock(type: number, buf: Buffer, bodyOff: number, bodyEnd: number, base: number,
  h: CaptureHeader): boolean {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const c = new Cursor(buf, dv, bodyOff, bodyEnd, base, blockName(type), base + bodyOff - 8);
  const ver = plVersion(type);
  if (ver > 0) { pl(c, ver, h); return true; }
  switch (type) {
    case BT.MI: case BT.MI_INT: h.machine = mi(c); return true;
    case BT.FDL: case BT.FDL_INT: fdl(c, false, h); return true;
    case BT.FDL_V2: fdl(c, true, h); return true;
    case BT.IL: case BT.IL_INT: il(c, false, h); return true;
    case BT.IL_V2: il(c, true, h); return true;
    case BT.UL: case BT.UL_INT: ul(c, false, h); return true;
    case BT.UL_V2: ul(c, true, h); return true;
    default: return false;
  }
}
