// The filter/format fields over kestrel's state (FieldRegistry of src/filter/field-api.ts).
// Classes: evt, proc, thread, fd, fdlist, fs.path, user, group, container. Values follow sysdig
// 0.29.3: numbers as numbers, booleans as booleans, IP addresses as their text, `null` when
// sysdig has no value (prints <NA>, or skips the line in a format without '*').

import type { FieldDef, FieldRegistry, FieldType, FieldValue } from '../filter/field-api.js';
import type { EvalContext } from './inspector.js';
import { EF_ANY_FD } from './inspector.js';
import type { ThreadInfo } from './thread.js';
import { FdType } from '../capture/types.js';
import {
  EVENT_COUNT, EVENT_NAME, EVENT_DIR, EVENT_CATEGORY, EVENT_FLAGS, EVENT_NPARAMS_2022, PARAM_START, PARAM_NAME, PARAM_TYPE,
} from '../events/generated/event-table.js';
import { renderArgs, renderParam, ParamText } from '../events/render.js';
import { sysdigErrnoName, syscallName } from '../events/params.js';
import { int, str } from './evparams.js';
import { fdTypeChar, fdTypeName, isSocketType, ipToString, L4, ROLE_CLIENT, ROLE_SERVER, type FdInfo } from './fdinfo.js';
import { capsToString } from './caps.js';
import { timeOfDay, dateTime, iso8601 } from './timefmt.js';

type C = EvalContext;
type X = (c: C, arg: string | number | undefined) => FieldValue;

interface Spec {
  name: string; type: FieldType; desc: string; x: X;
  arg?: 'none' | 'required' | 'optional'; argKind?: 'index' | 'key'; isList?: boolean; deprecated?: boolean;
  matchAny?: boolean; display?: (v: FieldValue) => string;
}

const EF_USES_FD = 1 << 2, EF_READS_FROM_FD = 1 << 3, EF_WRITES_TO_FD = 1 << 4, EF_WAITS = 1 << 7;

const CATEGORY_NAME: Record<number, string> = {
  0: 'unknown', 1: 'other', 2: 'file', 3: 'net', 4: 'IPC', 5: 'memory', 6: 'process', 7: 'sleep', 8: 'system',
  9: 'signal', 10: 'user', 11: 'time', 12: 'processing', 32: 'file', 33: 'file', 34: 'file', 64: 'wait',
  128: 'scheduler', 256: 'internal',
};
const IO_CAT = { 32: 'read', 33: 'write', 34: 'other' } as Record<number, string>;

const pt = new ParamText();

// ---- helpers ----

function isExit(c: C): boolean { return c.ev.type < EVENT_COUNT && EVENT_DIR[c.ev.type] === 'X'; }

/** Index of the named 2022 parameter of the event, or -1. */
function argIndex(c: C, name: string): number {
  const t = c.ev.type;
  if (t >= EVENT_COUNT) return -1;
  const s = PARAM_START[t], n = Math.min(EVENT_NPARAMS_2022[t], c.ev.nparams);
  for (let i = 0; i < n; i++) if (PARAM_NAME[s + i] === name) return i;
  return -1;
}

/** The return value of an exit event: its `res` parameter, or `fd` for fd-creating calls. */
function resIndex(c: C): number {
  if (!isExit(c)) return -1;
  const t = c.ev.type;
  if (t === 0 || t === 1) return -1;
  const s = PARAM_START[t];
  if (c.ev.nparams < 1) return -1;
  const n0 = PARAM_NAME[s];
  return n0 === 'res' || n0 === 'fd' ? 0 : argIndex(c, 'res');
}

function rawres(c: C): number | null {
  const i = resIndex(c);
  if (i < 0 || c.ev.plen[i] === 0) return null;
  return int(c.ev, i);
}

function main(c: C, t: ThreadInfo): ThreadInfo { return c.inspector.threads.main(t); }

function cmdline(t: ThreadInfo): string {
  let s = t.comm;
  for (let i = 0; i < t.args.length; i++) s += ' ' + t.args[i];
  return s;
}
function exeline(t: ThreadInfo): string {
  // sinsp always puts a space after the exe, even without arguments.
  return t.exe + ' ' + t.args.join(' ');
}

/**
 * The parent as sinsp 0.29.3 looks it up: a thread's parent is the thread that created it
 * (its ptid), a process's the main thread of its parent process.
 */
function parentOf(c: C, t: ThreadInfo): ThreadInfo | undefined {
  if (t.tid !== t.pid && t.ptid > 0) {
    const p = c.inspector.threads.get(t.ptid);
    if (p) return p;
  }
  return c.inspector.threads.parent(t);
}

/**
 * Ancestor n of t (0 = t itself), following the parent chain through main threads (sinsp
 * starts proc.aname/apid at the main thread, unlike proc.pname).
 */
function ancestor(c: C, t: ThreadInfo, n: number): ThreadInfo | null {
  let cur: ThreadInfo | undefined = main(c, t);
  for (let i = 0; i < n && cur; i++) {
    cur = c.inspector.threads.parent(cur);
  }
  return cur ?? null;
}

function ancestors(c: C, t: ThreadInfo, f: (a: ThreadInfo) => string | number): (string | number)[] {
  const out: (string | number)[] = [];
  let cur = c.inspector.threads.parent(main(c, t));
  for (let i = 0; cur && i < 64; i++) { out.push(f(cur)); cur = c.inspector.threads.parent(cur); }
  return out;
}

/** The fd of the event as sinsp resolves it (only for fd-using/creating/destroying events). */
function fdOf(c: C): FdInfo | null { return c.hasFdFlag ? c.fd : null; }

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '';
  return i === 0 ? '/' : p.slice(0, i);
}
function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

function isFileType(e: FdInfo): boolean { return e.type === FdType.FILE || e.type === FdType.FILE_V2 || e.type === FdType.DIRECTORY; }


function fdNameOrCreator(c: C): string | null {
  const e = fdOf(c);
  // a failed connect names the address it tried, not the fd
  if (e && !(c.ev.type === 23 && (rawres(c) ?? 0) < 0)) return e.name;
  // live failed connect: the address it tried (its `addr`), where a file's tuple says NULL
  if (e && liveFailedConnect(c, e) && c.ev.nparams > 3 && c.ev.plen[3] > 0) {
    renderParam(c.ev, 3, c.inspector.renderCtx, pt);
    return pt.value;
  }
  if (!c.hasFdFlag || c.thread === null) return null;
  return nameFromCreator(c);
}

/**
 * The fd name sysdig 0.29.3 derives from the event when the event has no fd (a failed
 * open/accept/connect): the path or address argument; "" for every other exit, nothing for
 * enters.
 */
function nameFromCreator(c: C): string | null {
  const ev = c.ev, type = ev.type;
  if ((type & 1) === 0) return null;
  switch (type) {
    case 3: case 59: case 27: case 57: case 247: case 249: case 23:
      // open/creat (name), accept (tuple), connect (tuple): parameter 1 as rendered
      if (ev.nparams < 2) return '';
      renderParam(ev, 1, c.inspector.renderCtx, pt);
      return pt.resolved !== '' ? pt.resolved : pt.value;
    case 307: {
      // openat (current layout): the name resolved against dirfd / cwd
      if (ev.nparams < 3 || c.thread === null) return '';
      const dirfd = int(ev, 1);
      return c.inspector.resolvePath(c.thread, dirfd, str(ev, 2));
    }
    default: return '';
  }
}

/** sinsp's directory of a name: up to the last '/', "/" at the root or without one. */
function creatorDir(n: string): string {
  const pos = n.lastIndexOf('/');
  if (pos <= 0) return '/';
  return pos < n.length - 1 ? n.slice(0, pos) : n;
}

/** fd.typechar for an event without an fd: sinsp guesses from the creating call. */
function creatorTypeChar(type: number): string {
  switch (type & ~1) {
    case 2: case 102: case 306: case 326: case 58: return 'f';
    case 18: case 26: case 56: case 246: case 248: return '4';
    case 60: return 'p';
    case 62: return 'e';
    case 126: return 's';
    case 136: return 't';
    case 138: return 'i';
    default: return 'o';
  }
}

/** A socket whose addresses and ports are still all zero (created, not yet used). */
function noTuple(e: FdInfo): boolean {
  if (e.sport !== 0 || e.dport !== 0) return false;
  for (let i = 0; i < 16; i++) if (e.sip[i] !== 0 || e.dip[i] !== 0) return false;
  return true;
}

/** A socket with no role and no source end yet (connect() entered, nothing known locally). */
function unsourced(e: FdInfo): boolean {
  if (e.role !== 0 || e.sport !== 0) return false;
  for (let i = 0; i < 16; i++) if (e.sip[i] !== 0) return false;
  return true;
}

/**
 * A live (exit-only) connect() that failed without a tuple: the state took the destination
 * from the exit's `addr`, and the server/remote end fields name it, so rules on the target
 * (e.g. the cloud metadata address) see attempts that never left the machine. Files keep
 * sysdig 0.29.3's answer (<NA>: the socket has no role yet), which their enter/exit pair gets.
 */
function liveFailedConnect(c: C, e: FdInfo): boolean {
  if (c.ev.type !== 23 || c.enterValid || e.dport === 0) return false;
  const r = rawres(c);
  return r !== null && r < 0 && r !== -115;
}

function sockIp(c: C, which: 'c' | 's' | 'l' | 'r'): string | null {
  const e = fdOf(c);
  if (e && (which === 's' || which === 'r') && (e.type === FdType.IPV4_SOCK || e.type === FdType.IPV6_SOCK) && liveFailedConnect(c, e)) return ipToString(e.dip, e.type === FdType.IPV6_SOCK);
  if (e && (noTuple(e) || unsourced(e)) && (e.type === FdType.IPV4_SOCK || e.type === FdType.IPV6_SOCK)) return null;
  if (!e || !(e.type === FdType.IPV4_SOCK || e.type === FdType.IPV6_SOCK)) {
    if (e && (which === 's' || which === 'l') && (e.type === FdType.IPV4_SERVSOCK || e.type === FdType.IPV6_SERVSOCK)) return ipToString(e.sip, e.type === FdType.IPV6_SERVSOCK);
    return null;
  }
  const v6 = e.type === FdType.IPV6_SOCK;
  if (which === 'c') return ipToString(e.sip, v6);
  if (which === 's') return ipToString(e.dip, v6);
  if (e.role === 0) return null;
  // sinsp decides local/remote by whether the client address is on this machine (not by
  // the fd's role): on loopback the client side is "local" even for the accepting server.
  const local = v6 ? isLocalV6(c, e.sip) : isLocalV4(c, e.sip);
  return ipToString((which === 'l') === local ? e.sip : e.dip, v6);
}

/**
 * fd.ip / fd.net compare both ends of a socket whatever its role (sinsp's compare_ip): a
 * socket whose connect() is still pending already matches its destination.
 */
function bothIps(c: C): string[] | null {
  const e = fdOf(c);
  if (e && unsourced(e) && (e.type === FdType.IPV4_SOCK || e.type === FdType.IPV6_SOCK)) {
    const v6 = e.type === FdType.IPV6_SOCK;
    return [ipToString(e.sip, v6), ipToString(e.dip, v6)];
  }
  const a = sockIp(c, 'c'), b = sockIp(c, 's');
  return a === null ? null : [a, b ?? a];
}

function sockPort(c: C, which: 'c' | 's' | 'l' | 'r'): number | null {
  const e = fdOf(c);
  if (!e) return null;
  if ((which === 's' || which === 'r') && (e.type === FdType.IPV4_SOCK || e.type === FdType.IPV6_SOCK) && liveFailedConnect(c, e)) return e.dport;
  // what sysdig 0.29.3 prints: 0 once connect/accept gave the unix socket a role
  if (e.type === FdType.UNIX_SOCK) return which === 'c' && e.role !== 0 ? 0 : null;
  if ((noTuple(e) || unsourced(e)) && (e.type === FdType.IPV4_SOCK || e.type === FdType.IPV6_SOCK)) return null;
  if (e.type === FdType.IPV4_SERVSOCK || e.type === FdType.IPV6_SERVSOCK) return which === 's' || which === 'l' ? e.sport : null;
  if (!(e.type === FdType.IPV4_SOCK || e.type === FdType.IPV6_SOCK)) return null;
  if (which === 'c') return e.sport;
  if (which === 's') return e.dport;
  if (e.role === 0) return null;
  const local = e.type === FdType.IPV6_SOCK ? isLocalV6(c, e.sip) : isLocalV4(c, e.sip);
  return (which === 'l') === local ? e.sport : e.dport;
}

const L4_NAME = ['<NA>', '<NA>', 'tcp', 'udp', 'icmp', 'raw'];

function isLocalV4(c: C, b: Uint8Array): boolean {
  if (b[0] === 127) return true;
  for (const ifc of c.inspector.interfaces) {
    if (ifc.family === 4 && ifc.addr[0] === b[0] && ifc.addr[1] === b[1] && ifc.addr[2] === b[2] && ifc.addr[3] === b[3]) return true;
  }
  return false;
}

/** sinsp's IPv6 test: an interface of this machine on the same /64 (::1 is lo's). */
function isLocalV6(c: C, b: Uint8Array): boolean {
  for (const ifc of c.inspector.interfaces) {
    if (ifc.family !== 6) continue;
    let same = true;
    for (let i = 0; i < 8 && same; i++) same = ifc.addr[i] === b[i];
    if (same) return true;
  }
  return false;
}

function evArgValue(c: C, arg: string | number | undefined, raw: boolean): FieldValue {
  let i: number;
  if (typeof arg === 'number') i = arg < Math.min(c.ev.nparams, EVENT_NPARAMS_2022[c.ev.type] ?? 0) ? arg : -1;
  else if (typeof arg === 'string') {
    i = argIndex(c, arg);
    if (i < 0 && /^[0-9]+$/.test(arg)) i = Number(arg) < c.ev.nparams ? Number(arg) : -1;
  } else i = -1;
  if (i < 0) return null;
  if (raw) return rawParam(c, i);
  renderParam(c.ev, i, c.inspector.renderCtx, pt);
  return pt.resolved !== '' ? pt.resolved : pt.value;
}

function rawParam(c: C, i: number): FieldValue {
  const ev = c.ev;
  if (ev.plen[i] === 0) return null;
  const ty = PARAM_TYPE[PARAM_START[ev.type] + i];
  switch (ty) {
    case 9: case 17: case 43: return str(ev, i); // CHARBUF, FSPATH, FSRELPATH
    case 10: return ev.buf.subarray(ev.poff[i], ev.poff[i] + ev.plen[i]);
    case 5: case 6: case 7: case 8: case 28: case 29: case 30: case 31: case 32: case 42: case 20: case 21: {
      const o = ev.poff[i];
      switch (ev.plen[i]) {
        case 1: return ev.buf[o];
        case 2: return ev.buf.readUInt16LE(o);
        case 4: return ev.buf.readUInt32LE(o);
        case 8: return ev.buf.readBigUInt64LE(o);
        default: return null;
      }
    }
    default: {
      if (ev.plen[i] <= 8) return int(ev, i);
      renderParam(ev, i, c.inspector.renderCtx, pt);
      return pt.value;
    }
  }
}

function fdList(c: C, f: (e: FdInfo | undefined, fd: number) => string | null): string | null {
  const ev = c.ev;
  const t = c.thread;
  const i = argIndex(c, 'fds');
  if (i < 0 || t === null || ev.plen[i] < 2) return null;
  const o = ev.poff[i], n = ev.buf.readUInt16LE(o);
  const parts: string[] = [];
  for (let k = 0; k < n && o + 2 + k * 10 + 10 <= o + ev.plen[i]; k++) {
    const fd = ev.buf.readInt32LE(o + 2 + k * 10 + 4) * 4294967296 + ev.buf.readUInt32LE(o + 2 + k * 10);
    const v = f(t.fds.get(fd), fd);
    if (v !== null) parts.push(v);
  }
  return parts.join(',');
}

// ---- path fields (fs.path.*) for file-changing syscalls ----
const FSPATH_SPEC: Record<string, [string, string]> = {
  mkdir: ['path', ''], rmdir: ['path', ''], unlink: ['path', ''], unlinkat: ['name', ''], mkdirat: ['path', ''],
  open: ['name', ''], openat: ['name', ''], openat2: ['name', ''], creat: ['name', ''], chmod: ['filename', ''],
  fchmodat: ['filename', ''], rename: ['oldpath', 'newpath'], renameat: ['oldpath', 'newpath'], renameat2: ['oldpath', 'newpath'],
  link: ['oldpath', 'newpath'], linkat: ['oldpath', 'newpath'], symlink: ['target', 'linkpath'], symlinkat: ['target', 'linkpath'],
};
function fsPath(c: C, which: 0 | 1 | 2, raw: boolean): string | null {
  if (!isExit(c)) return null;
  const spec = FSPATH_SPEC[EVENT_NAME[c.ev.type]];
  if (!spec) return null;
  const name = which === 0 ? (spec[1] === '' ? spec[0] : null) : which === 1 ? (spec[1] !== '' ? spec[0] : null) : (spec[1] !== '' ? spec[1] : null);
  if (name === null) return null;
  const i = argIndex(c, name);
  if (i < 0 || c.ev.plen[i] === 0) return null;
  const v = str(c.ev, i);
  if (raw || c.thread === null) return v;
  if (v.startsWith('/')) return v;
  const dirName = name === 'oldpath' ? 'olddirfd' : name === 'newpath' ? 'newdirfd' : name === 'linkpath' ? 'linkdirfd' : 'dirfd';
  let di = argIndex(c, dirName);
  if (di < 0 && name === 'oldpath') di = argIndex(c, 'olddir');
  if (di < 0 && name === 'newpath') di = argIndex(c, 'newdir');
  const dirfd = di >= 0 ? int(c.ev, di, -100) : -100;
  return c.inspector.resolvePath(c.thread, dirfd, v);
}

function ts(c: C): bigint { return c.ev.ts(); }

/** sysdig prints these times zero-padded to 9 digits. */
const PAD9 = { display: (v: FieldValue): string => { const s = String(v); return s.length >= 9 ? s : '000000000'.slice(s.length) + s; } };

// ---- the table ----

const S: Spec[] = [];
function f(name: string, type: FieldType, desc: string, x: X, extra: Partial<Spec> = {}): void {
  S.push({ name, type, desc, x, ...extra });
}
const T = (x: (c: C, t: ThreadInfo, arg: string | number | undefined) => FieldValue): X => (c, a) => (c.thread === null ? null : x(c, c.thread, a));

// evt
f('evt.num', 'uint64', 'event number', (c) => c.ev.num);
f('evt.time', 'string', 'event timestamp as a time string with nanoseconds', (c) => timeOfDay(ts(c), true));
f('evt.time.s', 'string', 'event timestamp as a time string with no nanoseconds', (c) => timeOfDay(ts(c), false));
f('evt.time.iso8601', 'string', 'event timestamp in ISO 8601 format, including nanoseconds and time zone offset (in UTC)', (c) => iso8601(ts(c)));
f('evt.datetime', 'string', 'event timestamp as a time string that includes the date', (c) => dateTime(ts(c), true));
f('evt.datetime.s', 'string', 'event timestamp as a datetime string with no nanoseconds', (c) => dateTime(ts(c), false));
f('evt.rawtime', 'abstime', 'absolute event timestamp, i.e. nanoseconds from epoch', (c) => ts(c));
f('evt.rawtime.s', 'abstime', 'integer part of the event timestamp (seconds since epoch)', (c) => ts(c) / 1000000000n);
f('evt.rawtime.ns', 'abstime', 'fractional part of the absolute event timestamp', (c) => ts(c) % 1000000000n, PAD9);
f('evt.reltime', 'reltime', 'number of nanoseconds from the beginning of the capture', (c) => ts(c) - c.inspector.firstTs, PAD9);
f('evt.reltime.s', 'reltime', 'number of seconds from the beginning of the capture', (c) => (ts(c) - c.inspector.firstTs) / 1000000000n);
f('evt.reltime.ns', 'reltime', 'fractional part (in ns) of the time from the beginning of the capture', (c) => (ts(c) - c.inspector.firstTs) % 1000000000n, PAD9);
f('evt.outputtime', 'string', 'the event time as printed by the default output (like evt.time)', (c) => timeOfDay(ts(c), true));
f('evt.deltatime', 'reltime', 'delta between this event and the previous event, in nanoseconds', (c) => (c.inspector.prevTs === 0n ? 0n : ts(c) - c.inspector.prevTs));
f('evt.deltatime.s', 'reltime', 'integer part of the delta between this event and the previous event', (c) => (c.inspector.prevTs === 0n ? 0n : (ts(c) - c.inspector.prevTs) / 1000000000n));
f('evt.deltatime.ns', 'reltime', 'fractional part of the delta between this event and the previous event', (c) => (c.inspector.prevTs === 0n ? 0n : (ts(c) - c.inspector.prevTs) % 1000000000n), PAD9);
f('evt.dir', 'string', "event direction, '>' for enter events and '<' for exit events", (c) => (c.ev.type < EVENT_COUNT ? (EVENT_DIR[c.ev.type] === 'E' ? '>' : '<') : null));
f('evt.type', 'string', "the name of the event (e.g. 'open')", (c) => evtTypeName(c));
f('evt.type.is', 'uint32', 'returns 1 for events of the type given as argument (evt.type.is.open)', (c, a) => (evtTypeName(c) === a ? 1 : 0), { arg: 'required', argKind: 'key' });
f('syscall.type', 'string', 'for system call events, the name of the system call', (c) => {
  const t = c.ev.type;
  if (t >= EVENT_COUNT) return null;
  const cat = EVENT_CATEGORY[t];
  if (cat === 128 || cat === 256 || t === 152 || t === 234 || t === 232) return null;
  return evtTypeName(c);
});
f('evt.category', 'string', "the event category, e.g. 'file', 'net', 'memory'", (c) => {
  if (c.ev.type >= EVENT_COUNT) return null;
  const cat = EVENT_CATEGORY[c.ev.type];
  if ((cat & 32) === 0) return CATEGORY_NAME[cat] ?? 'unknown';
  // I/O events are named after the kind of fd they use.
  const e = fdOf(c);
  if (e === null) return 'unknown';
  switch (e.type) {
    case FdType.FILE: case FdType.FILE_V2: case FdType.DIRECTORY: return 'file';
    case FdType.IPV4_SOCK: case FdType.IPV6_SOCK: case FdType.IPV4_SERVSOCK: case FdType.IPV6_SERVSOCK: return 'net';
    case FdType.FIFO: case FdType.UNIX_SOCK: case FdType.EVENT: case FdType.SIGNALFD: case FdType.INOTIFY: return 'ipc';
    case FdType.UNINITIALIZED: return 'unknown';
    default: return 'other';
  }
});
f('evt.cpu', 'int32', 'number of the CPU where this event happened', (c) => c.ev.cpu);
f('evt.args', 'string', 'all the event arguments, aggregated into a single string', (c) => evtArgs(c));
f('evt.info', 'string', "the event arguments as a string (same as evt.args for system calls)", (c) => evtArgs(c));
f('evt.arg', 'string', "one of the event arguments by name or number, rendered (e.g. 'evt.arg.fd', 'evt.arg[0]')", (c, a) => evArgValue(c, a, false), { arg: 'required' });
f('evt.rawarg', 'string', "one of the event arguments by name, as its raw value (e.g. 'evt.rawarg.fd')", (c, a) => evArgValue(c, a, true), { arg: 'required', argKind: 'key' });
f('evt.buffer', 'bytebuf', 'the binary data buffer of I/O events (read, recvfrom, …)', (c) => {
  const i = argIndex(c, 'data');
  if (i < 0 || !isExit(c) && c.ev.type !== 30) return null;
  return c.ev.buf.subarray(c.ev.poff[i], c.ev.poff[i] + c.ev.plen[i]);
});
f('evt.buflen', 'uint64', 'the length of the binary data buffer of I/O events', (c) => {
  // sinsp: exit events of the I/O categories that have an fd, with a non-negative result.
  const e = fdOf(c);
  if (!isExit(c) || (EVENT_CATEGORY[c.ev.type] & 32) === 0 || e === null || e.type === FdType.UNINITIALIZED) return null;
  const r = rawres(c);
  return r === null || r < 0 ? null : r;
});
f('evt.res', 'string', "event return value as a string: 'SUCCESS' or an error code (e.g. 'ENOENT')", (c) => {
  const r = rawres(c);
  if (r === null) return null;
  return r >= 0 ? 'SUCCESS' : sysdigErrnoName(r) || String(r);
});
f('evt.rawres', 'int64', 'event return value, as a number (e.g. -2)', (c) => rawres(c));
f('evt.failed', 'bool', "'true' for events that returned an error status", (c) => { const r = rawres(c); return r !== null && r < 0; });
f('evt.is_io', 'bool', "'true' for events that read or write to FDs", (c) => (c.ev.type < EVENT_COUNT && (EVENT_FLAGS[c.ev.type] & (EF_READS_FROM_FD | EF_WRITES_TO_FD)) !== 0));
f('evt.is_io_read', 'bool', "'true' for events that read from FDs", (c) => (c.ev.type < EVENT_COUNT && (EVENT_FLAGS[c.ev.type] & EF_READS_FROM_FD) !== 0));
f('evt.is_io_write', 'bool', "'true' for events that write to FDs", (c) => (c.ev.type < EVENT_COUNT && (EVENT_FLAGS[c.ev.type] & EF_WRITES_TO_FD) !== 0));
f('evt.io_dir', 'string', "'r' for events that read from FDs, 'w' for events that write to FDs", (c) => {
  const fl = c.ev.type < EVENT_COUNT ? EVENT_FLAGS[c.ev.type] : 0;
  return fl & EF_READS_FROM_FD ? 'read' : fl & EF_WRITES_TO_FD ? 'write' : null;
});
f('evt.is_wait', 'bool', "'true' for events that make the thread wait", (c) => (c.ev.type < EVENT_COUNT && (EVENT_FLAGS[c.ev.type] & EF_WAITS) !== 0));
f('evt.is_syslog', 'bool', "'true' for events that are writes to /dev/log", (c) => { const e = fdOf(c); return e !== null && e.name === '/dev/log' && (EVENT_FLAGS[c.ev.type] & EF_WRITES_TO_FD) !== 0; });
f('evt.count', 'uint32', 'always 1', () => 1);
f('evt.count.error', 'uint32', '1 for events that returned with an error', (c) => { const r = rawres(c); return r !== null && r < 0 ? 1 : 0; });
f('evt.count.exit', 'uint32', '1 for exit events', (c) => (isExit(c) ? 1 : 0));
f('evt.is_open_read', 'bool', "'true' for open/openat/openat2/creat events where the path was opened for reading", (c) => openFlagTest(c, 1));
f('evt.is_open_write', 'bool', "'true' for open/openat/openat2/creat events where the path was opened for writing", (c) => openFlagTest(c, 2));
f('evt.is_open_exec', 'bool', "'true' for open/openat/openat2/creat events where a file is created with execute permissions", (c) => {
  const i = argIndex(c, 'mode'), fi = argIndex(c, 'flags');
  if (!isOpenExit(c) || i < 0 || fi < 0) return false;
  return (int(c.ev, fi) & 4) !== 0 && (int(c.ev, i) & 0o111) !== 0;
});
f('evt.is_open_create', 'bool', "'true' for open/openat/openat2/creat events where a file is created", (c) => {
  const fi = argIndex(c, 'flags');
  if (!isOpenExit(c)) return false;
  return c.ev.type === 59 || (fi >= 0 && (int(c.ev, fi) & 4) !== 0);
});
f('evt.latency', 'reltime', 'delta between an exit event and the corresponding enter event, in nanoseconds', (c) => (c.thread ? c.thread.latency : 0));
f('evt.hostname', 'string', 'the hostname of the machine the event comes from', (c) => c.inspector.hostname || null);
f('evt.source', 'string', "the event source ('syscall')", () => 'syscall');
f('evt.abspath', 'string', 'absolute path computed from dirfd and name (evt.abspath.src / .dst for two-path calls)', (c, a) => fsPath(c, a === 'dst' ? 2 : a === 'src' ? 1 : 0, false), { arg: 'optional', argKind: 'key' });

// proc / thread
f('proc.pid', 'int64', 'the id of the process generating the event', T((c, t) => t.pid));
f('proc.exe', 'string', 'the first command line argument (usually the executable name or a custom one)', T((c, t) => t.exe));
f('proc.name', 'string', 'the name (excluding the path) of the executable generating the event', T((c, t) => t.comm));
f('proc.args', 'string', 'the arguments passed on the command line when starting the process', T((c, t) => t.args.join(' ')));
f('proc.env', 'string', 'the environment variables of the process, or the value of one (proc.env[NAME])', T((c, t, a) => envOf(c, t, a)), { arg: 'optional', argKind: 'key' });
f('proc.cmdline', 'string', 'full process command line, i.e. proc.name + proc.args', T((c, t) => cmdline(t)));
f('proc.exeline', 'string', 'full process command line, with exe as first argument, i.e. proc.exe + proc.args', T((c, t) => exeline(t)));
f('proc.cwd', 'string', 'the current working directory of the event', T((c, t) => main(c, t).cwd));
f('proc.ppid', 'int64', 'the pid of the parent of the process generating the event', T((c, t) => main(c, t).ptid));
f('proc.pname', 'string', 'the name (excluding the path) of the parent of the process', T((c, t) => parentOf(c, t)?.comm ?? null));
f('proc.pcmdline', 'string', 'the full command line (proc.name + proc.args) of the parent of the process', T((c, t) => { const p = parentOf(c, t); return p ? cmdline(p) : null; }));
f('proc.pexe', 'string', 'the first command line argument of the parent process', T((c, t) => parentOf(c, t)?.exe ?? null));
f('proc.pexepath', 'string', 'the full executable path of the parent process', T((c, t) => parentOf(c, t)?.exepath ?? null));
f('proc.apid', 'int64', 'the pid of one of the process ancestors (proc.apid[1] = parent); without index: any ancestor', T((c, t, a) => (typeof a === 'number' ? ancestor(c, t, a)?.pid ?? null : ancestors(c, t, (x) => x.pid))), { arg: 'optional', argKind: 'index' });
f('proc.aname', 'string', 'the name of one of the process ancestors (proc.aname[1] = parent); without index: any ancestor', T((c, t, a) => (typeof a === 'number' ? ancestor(c, t, a)?.comm ?? null : ancestors(c, t, (x) => x.comm))), { arg: 'optional', argKind: 'index' });
f('proc.aexe', 'string', 'the first command line argument of one of the process ancestors', T((c, t, a) => (typeof a === 'number' ? ancestor(c, t, a)?.exe ?? null : ancestors(c, t, (x) => x.exe))), { arg: 'optional', argKind: 'index' });
f('proc.aexepath', 'string', 'the full executable path of one of the process ancestors', T((c, t, a) => (typeof a === 'number' ? ancestor(c, t, a)?.exepath ?? null : ancestors(c, t, (x) => x.exepath))), { arg: 'optional', argKind: 'index' });
f('proc.acmdline', 'string', 'the full command line of one of the process ancestors', T((c, t, a) => { if (typeof a === 'number') { const x = ancestor(c, t, a); return x ? cmdline(x) : null; } return ancestors(c, t, (x) => cmdline(x)); }), { arg: 'optional', argKind: 'index' });
f('proc.loginshellid', 'int64', 'the pid of the oldest shell among the ancestors of the current process', T((c, t) => {
  let id: number | null = null;
  for (let cur: ThreadInfo | undefined = main(c, t), i = 0; cur && i < 64; cur = c.inspector.threads.parent(cur), i++) {
    if (/sh$/.test(cur.comm)) id = cur.pid;
  }
  return id;
}));
f('proc.duration', 'reltime', 'number of nanoseconds since the process started', T((c, t) => (t.cloneTs === 0n ? null : ts(c) - t.cloneTs))); // the thread's own start (sinsp)
f('proc.fdopencount', 'uint64', 'number of open FDs for the process', T((c, t) => t.fds.size));
f('proc.fdlimit', 'int64', 'maximum number of FDs the process can open', T((c, t) => main(c, t).fdlimit));
f('proc.fdusage', 'double', 'the ratio between open FDs and maximum available FDs for the process', T((c, t) => { const m = main(c, t); return m.fdlimit > 0 ? (t.fds.size * 100) / m.fdlimit : null; }));
// sinsp 0.29.3 reads these from the event's thread (a thread's own last reading)
f('proc.vmsize', 'uint64', 'total virtual memory for the process (as kb)', T((c, t) => t.vmsizeKb));
f('proc.vmrss', 'uint64', 'resident non-swapped memory for the process (as kb)', T((c, t) => t.vmrssKb));
f('proc.vmswap', 'uint64', 'swapped memory for the process (as kb)', T((c, t) => t.vmswapKb));
f('proc.sid', 'int64', 'the session id of the process generating the event', T((c, t) => t.sid));
f('proc.sname', 'string', 'the name of the current process\'s session leader', T((c, t) => c.inspector.threads.get(t.sid)?.comm ?? null));
f('proc.is_sid_leader', 'bool', 'true if this process is the leader of the process session', T((c, t) => t.sid === t.pid));
f('proc.tty', 'uint32', "the controlling terminal of the process (0 for processes without a terminal)", T((c, t) => t.tty));
f('proc.exepath', 'string', 'the full executable path of the process', T((c, t) => t.exepath));
f('proc.vpgid', 'int64', 'the process group id of the process, as seen from its current PID namespace', T((c, t) => t.vpgid));
f('proc.is_vpgid_leader', 'bool', 'true if this process is the leader of the process group', T((c, t) => t.vpid === t.vpgid));
f('proc.vpid', 'int64', 'the id of the process generating the event as seen from its current PID namespace', T((c, t) => (t.vpid === -1 ? null : t.vpid)));
f('proc.pvpid', 'int64', 'the id of the parent process as seen from its current PID namespace', T((c, t) => c.inspector.threads.parent(t)?.vpid ?? null));
f('proc.is_exe_writable', 'bool', "true if this process' executable file is writable by the same user that spawned the process", T((c, t) => t.exeWritable));
f('proc.is_exe_upper_layer', 'bool', "true if this process' executable file is in the upper layer of an overlayfs (written after the container started)", T((c, t) => t.exeUpperLayer));
f('proc.is_exe_lower_layer', 'bool', "true if this process' executable file is in a lower layer of an overlayfs (from the image)", T((c, t) => t.exeLowerLayer));
f('proc.is_exe_from_memfd', 'bool', "true if the executable is an anonymous memory file (memfd_create) executed through its fd", T((c, t) => t.exeFromMemfd));
// The exe_ino fields come from execve's appended parameters: 2022 captures lack them (0 = unknown,
// shown as 0 as libsinsp does); the durations are null unless both times are known and ordered.
f('proc.exe_ino', 'int64', 'the inode number of the executable file on disk', T((c, t) => t.exeIno));
f('proc.exe_ino.ctime', 'abstime', 'last status change time (ctime) of the executable file, ns since the epoch', T((c, t) => t.exeInoCtime));
f('proc.exe_ino.mtime', 'abstime', 'last modification time (mtime) of the executable file, ns since the epoch', T((c, t) => t.exeInoMtime));
f('proc.exe_ino.ctime_duration_proc_start', 'abstime', 'nanoseconds between the ctime of the executable file and the start (clone) of the process', T((c, t) => (t.cloneTs !== 0n && t.exeInoCtime !== 0n && t.cloneTs > t.exeInoCtime ? t.cloneTs - t.exeInoCtime : null)));
f('proc.exe_ino.ctime_duration_pidns_start', 'abstime', 'nanoseconds between the start of the PID namespace and the ctime of the executable file, when the namespace started first', T((c, t) => (t.pidnsInitStartTs !== 0n && t.exeInoCtime !== 0n && t.exeInoCtime > t.pidnsInitStartTs ? t.exeInoCtime - t.pidnsInitStartTs : null)));
f('proc.pidns_init_start_ts', 'uint64', 'start time (ns since the epoch) of the init process of the PID namespace of the process', T((c, t) => t.pidnsInitStartTs));
f('proc.cmdnargs', 'uint64', 'the number of command line args (proc.args)', T((c, t) => t.args.length));
f('proc.cmdlenargs', 'uint64', 'the total count of characters in the command line args (proc.args), without separators', T((c, t) => t.args.reduce((n, a) => n + a.length, 0)));
f('proc.nthreads', 'uint64', 'the number of alive threads of the process generating the event', T((c, t) => { let n = 0; for (const x of c.inspector.threads.map.values()) if (x.pid === t.pid) n++; return n; }));
f('proc.nchilds', 'uint64', 'the number of alive (not leader) threads of the process', T((c, t) => { let n = 0; for (const x of c.inspector.threads.map.values()) if (x.pid === t.pid && x.tid !== x.pid) n++; return n; }));
f('thread.tid', 'int64', 'the id of the thread generating the event', (c) => c.ev.tid);
f('thread.ismain', 'bool', "'true' if the thread generating the event is the main one in the process", T((c, t) => t.tid === t.pid));
f('thread.vtid', 'int64', 'the id of the thread generating the event as seen from its current PID namespace', T((c, t) => (t.vtid === -1 ? null : t.vtid)));
f('thread.cgroups', 'string', 'all the cgroups the thread belongs to, aggregated into a single string', T((c, t) => (t.cgroups.length ? t.cgroups.join(' ') : null)));
f('thread.cgroup', 'string', 'the cgroup the thread belongs to, for a specific subsystem (thread.cgroup.cpuacct)', T((c, t, a) => {
  for (const cg of t.cgroups) { const eq = cg.indexOf('='); if (eq > 0 && cg.slice(0, eq) === a) return cg.slice(eq + 1); }
  return null;
}), { arg: 'required', argKind: 'key' });
f('thread.vmsize', 'uint64', 'for the process main thread, total virtual memory of the process (kb)', T((c, t) => (t.tid === t.pid ? t.vmsizeKb : 0)));
f('thread.vmrss', 'uint64', 'for the process main thread, resident non-swapped memory of the process (kb)', T((c, t) => (t.tid === t.pid ? t.vmrssKb : 0)));
f('thread.pfmajor', 'uint64', 'number of major page faults since thread start', T((c, t) => t.pfmajor));
f('thread.pfminor', 'uint64', 'number of minor page faults since thread start', T((c, t) => t.pfminor));
f('thread.cap_permitted', 'string', 'the permitted capabilities set', T((c, t) => capsToString(t.capPermitted)));
f('thread.cap_inheritable', 'string', 'the inheritable capabilities set', T((c, t) => capsToString(t.capInheritable)));
f('thread.cap_effective', 'string', 'the effective capabilities set', T((c, t) => capsToString(t.capEffective)));

// fd
f('fd.num', 'int64', 'the unique number identifying the file descriptor', (c) => (c.hasFdFlag && c.thread !== null ? c.fdNum : null));
f('fd.type', 'string', "type of FD: 'file', 'directory', 'ipv4', 'ipv6', 'unix', 'pipe', 'event', 'signalfd', 'eventpoll', 'inotify', 'timerfd', 'netlink', …", (c) => { const e = fdOf(c); return e ? fdTypeName(e.type) : null; });
f('fd.typechar', 'string', "type of FD as a single character: 'f' file, '4' IPv4 socket, '6' IPv6 socket, 'u' unix socket, 'p' pipe, 'e' eventfd, …", (c) => {
  const e = fdOf(c);
  if (e) return fdTypeChar(e.type);
  if (!c.hasFdFlag || c.thread === null) return null;
  // No fd yet: sinsp derives the kind from the creating call, 'o' (unknown) otherwise.
  return creatorTypeChar(c.ev.type);
});
f('fd.name', 'string', 'FD full name: the file path for files, the connection tuple for sockets', (c) => fdNameOrCreator(c));
f('fd.directory', 'string', 'if the fd is a file, the directory that contains it', (c) => {
  const e = fdOf(c);
  if (!e) { const n = c.hasFdFlag && c.thread !== null ? nameFromCreator(c) : null; return n === null ? null : creatorDir(n); }
  if (e.type === FdType.UNINITIALIZED) return e.name === '' ? '/' : dirname(e.name);
  return isFileType(e) ? (e.type === FdType.DIRECTORY ? e.name : dirname(e.name)) : null;
});
f('fd.filename', 'string', 'if the fd is a file, the filename without the path', (c) => { const e = fdOf(c); return e && isFileType(e) && e.type !== FdType.DIRECTORY ? basename(e.name) : null; });
f('fd.ip', 'ipaddr', 'matches the ip address (client or server) of the fd', (c) => bothIps(c), { matchAny: true });
f('fd.cip', 'ipaddr', 'client IP address', (c) => sockIp(c, 'c'));
f('fd.sip', 'ipaddr', 'server IP address', (c) => sockIp(c, 's'));
f('fd.lip', 'ipaddr', 'local IP address', (c) => sockIp(c, 'l'));
f('fd.rip', 'ipaddr', 'remote IP address', (c) => sockIp(c, 'r'));
f('fd.port', 'port', 'matches the port (client or server) of the fd', (c) => { const a = sockPort(c, 'c'), b = sockPort(c, 's'); return a === null && b === null ? null : [a ?? b!, b ?? a!]; }, { matchAny: true });
f('fd.cport', 'port', 'for TCP/UDP FDs, the client port', (c) => sockPort(c, 'c'));
f('fd.sport', 'port', 'for TCP/UDP FDs, server port', (c) => sockPort(c, 's'));
f('fd.lport', 'port', 'for TCP/UDP FDs, the local port', (c) => sockPort(c, 'l'));
f('fd.rport', 'port', 'for TCP/UDP FDs, the remote port', (c) => sockPort(c, 'r'));
f('fd.l4proto', 'string', "the IP protocol of a socket: 'tcp', 'udp', 'icmp' or 'raw'", (c) => {
  const e = fdOf(c);
  // every fd has a protocol in sinsp: '<NA>' for non-IP ones (a value, not a missing field)
  return e ? (isSocketType(e.type) ? L4_NAME[e.l4proto] ?? '<NA>' : '<NA>') : null;
});
f('fd.sockfamily', 'string', "the socket family for socket events: 'ip' or 'unix'", (c) => { const e = fdOf(c); return e ? (isSocketType(e.type) ? 'ip' : e.type === FdType.UNIX_SOCK ? 'unix' : null) : null; });
f('fd.is_server', 'bool', "'true' if the process owning this FD is the server endpoint in the connection", (c) => {
  const e = fdOf(c);
  if (!e || e.type === FdType.UNINITIALIZED) return null;
  // sinsp: the server end (dip) is an address of this machine
  if (e.type === FdType.IPV4_SOCK) return isLocalV4(c, e.dip);
  if (e.type === FdType.IPV6_SOCK || e.type === FdType.IPV4_SERVSOCK || e.type === FdType.IPV6_SERVSOCK) return true;
  return false;
});
f('fd.containername', 'string', 'chaining of the container ID and the FD name', (c) => { const n = fdNameOrCreator(c); return n === null ? null : rawContainerId(c) + ':' + n; });
f('fd.containerdirectory', 'string', 'chaining of the container ID and the directory name', (c) => {
  const e = fdOf(c);
  if (!e) { const n = c.hasFdFlag && c.thread !== null ? nameFromCreator(c) : null; return n === null ? null : rawContainerId(c) + ':' + creatorDir(n); }
  if (e.type === FdType.UNINITIALIZED) return rawContainerId(c) + ':' + (e.name === '' ? '/' : dirname(e.name));
  // a directory fd is its own directory (as fd.directory)
  return isFileType(e) ? rawContainerId(c) + ':' + (e.type === FdType.DIRECTORY ? e.name : dirname(e.name)) : null;
});
f('fd.net', 'ipnet', 'matches the IP network (client or server) of the fd', (c) => bothIps(c), { matchAny: true });
f('fd.cnet', 'ipnet', 'matches the client IP network of the fd', (c) => sockIp(c, 'c'));
f('fd.snet', 'ipnet', 'matches the server IP network of the fd', (c) => sockIp(c, 's'));
f('fd.lnet', 'ipnet', 'matches the local IP network of the fd', (c) => sockIp(c, 'l'));
f('fd.rnet', 'ipnet', 'matches the remote IP network of the fd', (c) => sockIp(c, 'r'));
f('fd.connected', 'bool', "for TCP/UDP FDs, 'true' if the socket is connected", (c) => { const e = fdOf(c); return e ? isSocketType(e.type) && e.role !== 0 : null; });
f('fd.name_changed', 'bool', "true when an event changes the name of an fd used by this event (e.g. a connect)", (c) => { const e = fdOf(c); return e ? e.nameChanged : null; });
f('fd.cip.name', 'string', 'domain name associated with the client IP address', () => null);
f('fd.sip.name', 'string', 'domain name associated with the server IP address', () => null);
f('fd.lip.name', 'string', 'domain name associated with the local IP address', () => null);
f('fd.rip.name', 'string', 'domain name associated with the remote IP address', () => null);
f('fd.dev', 'int32', 'device number (major/minor) containing the referenced file', (c) => { const e = fdOf(c); return e ? e.dev : null; });
f('fd.dev.major', 'int32', 'major device number containing the referenced file', (c) => { const e = fdOf(c); return e ? e.dev >>> 20 : null; });
f('fd.dev.minor', 'int32', 'minor device number containing the referenced file', (c) => { const e = fdOf(c); return e ? e.dev & 0xfffff : null; });
f('fd.ino', 'int64', 'inode number of the referenced file', (c) => { const e = fdOf(c); return e ? e.ino : null; });
f('fd.nameraw', 'string', 'FD name without any path normalisation', (c) => { const e = fdOf(c); return e ? e.nameRaw || e.name : null; });

// fdlist (poll/select events)
f('fdlist.nums', 'string', 'for poll events, the comma-separated list of fd numbers', (c) => fdList(c, (e, fd) => String(fd)));
f('fdlist.names', 'string', 'for poll events, the comma-separated list of fd names', (c) => fdList(c, (e) => (e ? e.name : null)));
f('fdlist.cips', 'string', 'for poll events, the comma-separated list of client IPs', (c) => fdList(c, (e) => (e && (e.type === FdType.IPV4_SOCK || e.type === FdType.IPV6_SOCK) ? ipToString(e.sip, e.type === FdType.IPV6_SOCK) : null)));
f('fdlist.sips', 'string', 'for poll events, the comma-separated list of server IPs', (c) => fdList(c, (e) => (e && (e.type === FdType.IPV4_SOCK || e.type === FdType.IPV6_SOCK) ? ipToString(e.dip, e.type === FdType.IPV6_SOCK) : null)));
f('fdlist.cports', 'string', 'for poll events, the comma-separated list of client ports', (c) => fdList(c, (e) => (e && isSocketType(e.type) ? String(e.sport) : null)));
f('fdlist.sports', 'string', 'for poll events, the comma-separated list of server ports', (c) => fdList(c, (e) => (e && isSocketType(e.type) ? String(e.dport) : null)));

// fs.path
f('fs.path.name', 'string', 'for any event type that deals with a filesystem path, the path the file syscall is operating on (resolved)', (c) => fsPath(c, 0, false));
f('fs.path.nameraw', 'string', 'the path the file syscall is operating on, as passed', (c) => fsPath(c, 0, true));
f('fs.path.source', 'string', 'for syscalls with a source and target path (rename, link), the source path (resolved)', (c) => fsPath(c, 1, false));
f('fs.path.sourceraw', 'string', 'the source path, as passed', (c) => fsPath(c, 1, true));
f('fs.path.target', 'string', 'for syscalls with a source and target path, the target path (resolved)', (c) => fsPath(c, 2, false));
f('fs.path.targetraw', 'string', 'the target path, as passed', (c) => fsPath(c, 2, true));

// user / group
f('user.uid', 'uint32', 'user ID', T((c, t) => (t.uid < 0 ? 4294967295 : t.uid)));
f('user.name', 'string', 'user name', T((c, t) => c.inspector.users.get(t.uid)?.name ?? (t.uid === 0 ? 'root' : null)));
f('user.homedir', 'string', 'home directory of the user', T((c, t) => c.inspector.users.get(t.uid)?.homedir ?? (t.uid === 0 ? '/root' : null)));
f('user.shell', 'string', "user's shell", T((c, t) => c.inspector.users.get(t.uid)?.shell ?? null));
f('user.loginuid', 'int64', 'audit user id (auid)', T((c, t) => (t.loginuid === 4294967295 ? -1 : t.loginuid)));
f('user.loginname', 'string', 'audit user name (auid)', T((c, t) => (t.loginuid < 0 || t.loginuid === 4294967295 ? null : c.inspector.users.get(t.loginuid)?.name ?? (t.loginuid === 0 ? 'root' : null))));
f('group.gid', 'uint32', 'group ID', T((c, t) => (t.gid < 0 ? 4294967295 : t.gid)));
f('group.name', 'string', 'group name', T((c, t) => c.inspector.groups.get(t.gid)?.name ?? (t.gid === 0 ? 'root' : null)));

// container (until src/containers provides the full set)
f('container.id', 'string', "the container id ('host' for processes on the host)", (c) => (c.thread === null ? null : containerIdOf(c)));

// ---- helpers needing the table ----

/** The thread's container id as sinsp stores it: '' on the host. */
function rawContainerId(c: C): string {
  return c.thread === null ? '' : c.inspector.containerId(c.thread);
}

function containerIdOf(c: C): string {
  const t = c.thread;
  if (t === null) return 'host';
  return c.inspector.containerId(t) || 'host';
}

function envOf(c: C, t: ThreadInfo, a: string | number | undefined): FieldValue {
  const env = main(c, t).env.length ? main(c, t).env : t.env;
  if (a === undefined) return env.join(' ');
  const key = String(a) + '=';
  for (const e of env) if (e.startsWith(key)) return e.slice(key.length);
  return null;
}

function evtTypeName(c: C): string | null {
  const t = c.ev.type;
  if (t >= EVENT_COUNT) return null;
  if ((t === 0 || t === 1) && c.ev.nparams > 0) {
    const n = syscallName(c.ev.buf.readUInt16LE(c.ev.poff[0]));
    return n === '' || n === 'unknown' ? '<unknown>' : n;
  }
  return EVENT_NAME[t];
}

function evtArgs(c: C): string {
  if (c.memoNum === c.ev.num && c.memoArgs !== null) return c.memoArgs;
  const r = c.inspector.argsRenderer;
  const s = r === null ? renderArgs(c.ev, c.inspector.renderCtx) : r(c.ev, c.inspector.renderCtx);
  c.memoNum = c.ev.num;
  c.memoArgs = s;
  return s;
}

const OPEN_EXIT = new Set([3, 103, 307, 327, 59]);
function isOpenExit(c: C): boolean { return OPEN_EXIT.has(c.ev.type); }
function openFlagTest(c: C, bit: number): boolean {
  if (!isOpenExit(c)) return false;
  const i = argIndex(c, 'flags');
  // creat has no flags parameter: sysdig 0.29.3 says false (seen on a live capture)
  if (i < 0) return false;
  return (int(c.ev, i) & bit) !== 0;
}

// ---- registry ----

class Field implements FieldDef<C> {
  readonly name: string; readonly type: FieldType; readonly desc: string;
  readonly arg: 'none' | 'required' | 'optional'; readonly argKind?: 'index' | 'key';
  readonly isList?: boolean; readonly deprecated?: boolean;
  readonly display?: (v: FieldValue) => string;
  readonly matchAny?: boolean;
  readonly extract: X;
  constructor(s: Spec) {
    this.name = s.name; this.type = s.type; this.desc = s.desc; this.arg = s.arg ?? 'none';
    this.argKind = s.argKind; this.isList = s.isList ?? false; this.deprecated = s.deprecated ?? false;
    this.extract = s.x;
    if (s.display) this.display = s.display;
    if (s.matchAny) this.matchAny = true;
  }
}

export interface ResolvedField { def: FieldDef<C>; arg: string | number | undefined }

export class StateFieldRegistry implements FieldRegistry<C> {
  private readonly byName = new Map<string, FieldDef<C>>();
  private readonly list: FieldDef<C>[] = [];

  constructor(extra: readonly FieldDef<C>[] = []) {
    for (const s of S) this.add(new Field(s));
    for (const d of extra) this.add(d);
  }

  /** Adds or replaces a field (the containers module registers container.* this way). */
  add(d: FieldDef<C>): void {
    const had = this.byName.has(d.name);
    this.byName.set(d.name, d);
    if (had) { const i = this.list.findIndex((x) => x.name === d.name); this.list[i] = d; } else this.list.push(d);
  }

  lookup(name: string): FieldDef<C> | undefined { return this.byName.get(name); }
  all(): readonly FieldDef<C>[] { return this.list; }

  suggest(name: string): string | undefined {
    let best: string | undefined, bestD = Infinity;
    for (const d of this.list) {
      const dist = editDistance(name, d.name);
      if (dist < bestD) { bestD = dist; best = d.name; }
    }
    return bestD <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
  }

  /**
   * Resolves a field reference as written in a filter or format: "proc.name", "proc.aname[2]",
   * "evt.arg.fd", "evt.arg[0]", "proc.env[HOME]", "evt.type.is.open". Returns undefined when
   * no field matches or a required argument is missing/invalid.
   */
  resolve(text: string): ResolvedField | undefined {
    const br = text.indexOf('[');
    if (br >= 0) {
      if (!text.endsWith(']')) return undefined;
      const d = this.byName.get(text.slice(0, br));
      if (!d || d.arg === 'none') return undefined;
      const raw = text.slice(br + 1, -1);
      if (raw === '') return undefined;
      if (d.argKind === 'index' || (d.argKind === undefined && /^[0-9]+$/.test(raw))) {
        if (!/^[0-9]+$/.test(raw)) return undefined;
        return { def: d, arg: Number(raw) };
      }
      return { def: d, arg: raw };
    }
    const exact = this.byName.get(text);
    if (exact) return exact.arg === 'required' ? undefined : { def: exact, arg: undefined };
    // "evt.arg.fd": the longest field name followed by ".key" where the field takes a key.
    for (let i = text.lastIndexOf('.'); i > 0; i = text.lastIndexOf('.', i - 1)) {
      const d = this.byName.get(text.slice(0, i));
      if (d && d.arg !== 'none' && d.argKind !== 'index') return { def: d, arg: text.slice(i + 1) };
    }
    return undefined;
  }
}

function editDistance(a: string, b: string): number {
  const m = a.length, n = b.length;
  let prev = new Array<number>(n + 1), cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    [prev, cur] = [cur, prev];
  }
  return prev[n];
}

/** Shared default registry. */
let shared: StateFieldRegistry | null = null;
export function stateFields(): StateFieldRegistry {
  if (shared === null) shared = new StateFieldRegistry();
  return shared;
}
