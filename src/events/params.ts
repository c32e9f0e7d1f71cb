// Typed readers of one parameter of an EventView, by index. They read straight from the
// event's buffer (EventView.poff/plen) without copying; only strings allocate.
//
// Conventions (same as sysdig 0.29.3 / libscap 2022-03):
//   - A zero-length parameter means "missing": numeric readers return the `dflt` argument.
//   - CHARBUF/FSPATH/FSRELPATH end with a NUL that is not part of the value; the value also
//     stops at the first NUL, as sysdig prints it with %s. Bytes are decoded as UTF-8.
//   - FD/PID/ERRNO are s64 on the wire; they are returned as JS numbers (exact below 2^53,
//     which covers every real fd, pid and errno).
//   - IPv4 addresses are network order on the wire, ports host (little-endian) order.

import type { EventView } from './event-view.js';
import {
  EVENT_COUNT, EVENT_NPARAMS_2022, EVENT_NPARAMS_ALL, PARAM_START, PARAM_TYPE, PARAM_NAME,
  PARAM_INFO, FLAG_TABLE, FLAG_TABLE_NAMES, SYSCALL_NAME, DYN_TABLE,
} from './generated/event-table.js';

/** PT_* wire ids (schema/events.ts PARAM_TYPE_IDS). */
export const PT = {
  NONE: 0, INT8: 1, INT16: 2, INT32: 3, INT64: 4, UINT8: 5, UINT16: 6, UINT32: 7, UINT64: 8,
  CHARBUF: 9, BYTEBUF: 10, ERRNO: 11, SOCKADDR: 12, SOCKTUPLE: 13, FD: 14, PID: 15, FDLIST: 16,
  FSPATH: 17, SYSCALLID: 18, SIGTYPE: 19, RELTIME: 20, ABSTIME: 21, PORT: 22, L4PROTO: 23,
  SOCKFAMILY: 24, BOOL: 25, IPV4ADDR: 26, DYN: 27, FLAGS8: 28, FLAGS16: 29, FLAGS32: 30, UID: 31,
  GID: 32, DOUBLE: 33, SIGSET: 34, CHARBUFARRAY: 35, CHARBUF_PAIR_ARRAY: 36, IPV4NET: 37,
  IPV6ADDR: 38, IPV6NET: 39, IPADDR: 40, IPNET: 41, MODE: 42, FSRELPATH: 43, ENUMFLAGS8: 44,
  ENUMFLAGS16: 45, ENUMFLAGS32: 46, FD32: 47, PID32: 48,
} as const;

/** Print formats as generated in PARAM_FMT (keep in sync with FMT_IDS in scripts/gen-events.ts). */
export const PF = { NA: 0, DEC: 1, HEX: 2, PADDED_DEC: 3, ID: 4, DIR: 5, OCT: 6 } as const;

/** Socket families (PPM_AF_* = Linux AF_*). */
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
/** AT_FDCWD as the driver encodes it. */
export const PPM_AT_FDCWD = -100;

// ---------------------------------------------------------------------------------------------
// Schema lookups

/** Number of parameters the 2022 table declares for `type` (0 for unknown types). */
export function tableParamCount(type: number): number {
  return type < EVENT_COUNT ? EVENT_NPARAMS_2022[type]! : 0;
}

/** PT_* type of parameter `i` of event type `type`, or PT.NONE if the table has no such parameter. */
export function paramType(type: number, i: number): number {
  if (type >= EVENT_COUNT) return PT.NONE;
  const s = PARAM_START[type]!;
  return s + i < PARAM_START[type + 1]! ? PARAM_TYPE[s + i]! : PT.NONE;
}

export function paramName(type: number, i: number): string {
  if (type >= EVENT_COUNT) return '';
  const s = PARAM_START[type]!;
  return s + i < PARAM_START[type + 1]! ? PARAM_NAME[s + i]! : '';
}

// Per event type: parameter name -> index (2022 params and appended ones). Built once.
const NAME_INDEX: Map<string, number>[] = [];
for (let t = 0; t < EVENT_COUNT; t++) {
  const m = new Map<string, number>();
  const s = PARAM_START[t]!;
  const n = EVENT_NPARAMS_ALL[t]!;
  for (let i = 0; i < n; i++) if (!m.has(PARAM_NAME[s + i]!)) m.set(PARAM_NAME[s + i]!, i);
  NAME_INDEX.push(m);
}

/** Index of the parameter called `name` in event type `type`, or -1. */
export function paramIndex(type: number, name: string): number {
  if (type >= EVENT_COUNT) return -1;
  const i = NAME_INDEX[type]!.get(name);
  return i === undefined ? -1 : i;
}

/** Index of parameter `name` for this event if it is present in the event, else -1. */
export function paramIndexIn(ev: EventView, name: string): number {
  const i = paramIndex(ev.type, name);
  return i >= 0 && i < ev.nparams ? i : -1;
}

// ---------------------------------------------------------------------------------------------
// Raw access

/** True if parameter i exists in the event and is non-empty. */
export function hasParam(ev: EventView, i: number): boolean {
  return i < ev.nparams && ev.plen[i]! > 0;
}

/** The parameter's raw bytes (a subarray of the event buffer: no copy). */
export function pBytes(ev: EventView, i: number): Buffer {
  if (i >= ev.nparams) return ev.buf.subarray(0, 0);
  const o = ev.poff[i]!;
  return ev.buf.subarray(o, o + ev.plen[i]!);
}

// ---------------------------------------------------------------------------------------------
// Integers. Each reader checks the width so a short/odd parameter never reads a neighbour.

export function pU8(ev: EventView, i: number, dflt = 0): number {
  return i < ev.nparams && ev.plen[i]! >= 1 ? ev.buf[ev.poff[i]!]! : dflt;
}
export function pI8(ev: EventView, i: number, dflt = 0): number {
  return i < ev.nparams && ev.plen[i]! >= 1 ? ev.buf.readInt8(ev.poff[i]!) : dflt;
}
export function pU16(ev: EventView, i: number, dflt = 0): number {
  return i < ev.nparams && ev.plen[i]! >= 2 ? ev.buf.readUInt16LE(ev.poff[i]!) : dflt;
}
export function pI16(ev: EventView, i: number, dflt = 0): number {
  return i < ev.nparams && ev.plen[i]! >= 2 ? ev.buf.readInt16LE(ev.poff[i]!) : dflt;
}
export function pU32(ev: EventView, i: number, dflt = 0): number {
  return i < ev.nparams && ev.plen[i]! >= 4 ? ev.buf.readUInt32LE(ev.poff[i]!) : dflt;
}
export function pI32(ev: EventView, i: number, dflt = 0): number {
  return i < ev.nparams && ev.plen[i]! >= 4 ? ev.buf.readInt32LE(ev.poff[i]!) : dflt;
}
/** s64 as a number (exact below 2^53). */
export function pI64(ev: EventView, i: number, dflt = 0): number {
  if (i >= ev.nparams || ev.plen[i]! < 8) return dflt;
  const o = ev.poff[i]!;
  return ev.buf.readInt32LE(o + 4) * 4294967296 + ev.buf.readUInt32LE(o);
}
/** u64 as a number (exact below 2^53). */
export function pU64n(ev: EventView, i: number, dflt = 0): number {
  if (i >= ev.nparams || ev.plen[i]! < 8) return dflt;
  const o = ev.poff[i]!;
  return ev.buf.readUInt32LE(o + 4) * 4294967296 + ev.buf.readUInt32LE(o);
}
export function pU64(ev: EventView, i: number, dflt = 0n): bigint {
  return i < ev.nparams && ev.plen[i]! >= 8 ? ev.buf.readBigUInt64LE(ev.poff[i]!) : dflt;
}
export function pS64(ev: EventView, i: number, dflt = 0n): bigint {
  return i < ev.nparams && ev.plen[i]! >= 8 ? ev.buf.readBigInt64LE(ev.poff[i]!) : dflt;
}

/**
 * Any integer-like parameter as a number, by its width on the wire (1, 2, 4, 8 bytes), signed
 * for INT/FD/PID/ERRNO types and unsigned otherwise. Returns dflt when missing.
 */
export function pInt(ev: EventView, i: number, dflt = 0): number {
  if (i >= ev.nparams) return dflt;
  const len = ev.plen[i]!;
  const t = paramType(ev.type, i);
  const signed = t === PT.INT8 || t === PT.INT16 || t === PT.INT32 || t === PT.INT64 || t === PT.FD ||
    t === PT.PID || t === PT.ERRNO || t === PT.FD32 || t === PT.PID32;
  const o = ev.poff[i]!;
  const b = ev.buf;
  // Byte arithmetic instead of Buffer.read*: those validate the offset on every call, and this
  // runs for most parameters of most events (EventView.load checked the bounds).
  switch (len) {
    case 1: return signed ? (b[o]! << 24) >> 24 : b[o]!;
    case 2: { const v = b[o]! | (b[o + 1]! << 8); return signed ? (v << 16) >> 16 : v; }
    case 4: { const v = b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24); return signed ? v : v >>> 0; }
    case 8: {
      const hi = b[o + 4]! | (b[o + 5]! << 8) | (b[o + 6]! << 16) | (b[o + 7]! << 24);
      const lo = (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
      return (signed ? hi : hi >>> 0) * 4294967296 + lo;
    }
    default: return dflt;
  }
}

/** FD (s64) or FD32 (s32). */
export function pFd(ev: EventView, i: number, dflt = -1): number {
  if (i >= ev.nparams) return dflt;
  const l = ev.plen[i]!;
  if (l >= 8) return pI64(ev, i, dflt);
  if (l === 4) return ev.buf.readInt32LE(ev.poff[i]!);
  return dflt;
}
/** PID (s64) or PID32. */
export const pPid = pFd;
/** ERRNO: s64, negative errno on failure. */
export function pErrno(ev: EventView, i: number, dflt = 0): number {
  return pI64(ev, i, dflt);
}

// ---------------------------------------------------------------------------------------------
// Strings and buffers

/** End (exclusive) of a C string inside [o, end): the first NUL or end. */
function cstrEnd(b: Buffer, o: number, end: number): number {
  // A plain loop: Buffer.indexOf would scan past `end` to the end of a multi-MB chunk when the
  // parameter has no NUL.
  while (o < end && b[o] !== 0) o++;
  return o;
}

/** CHARBUF / FSPATH / FSRELPATH as a string, without the NUL (stops at the first NUL). */
export function pStr(ev: EventView, i: number, dflt = ''): string {
  if (i >= ev.nparams || ev.plen[i]! === 0) return dflt;
  const o = ev.poff[i]!;
  return ev.buf.toString('utf8', o, cstrEnd(ev.buf, o, o + ev.plen[i]!));
}

/** BYTEBUF as a subarray (no copy). */
export function pBuf(ev: EventView, i: number): Buffer {
  return pBytes(ev, i);
}

/** NUL-separated list (execve args/env/cgroups BYTEBUF) as strings; empty items dropped at the end. */
export function pStrList(ev: EventView, i: number): string[] {
  const out: string[] = [];
  if (i >= ev.nparams) return out;
  const b = ev.buf;
  let o = ev.poff[i]!;
  const end = o + ev.plen[i]!;
  while (o < end) {
    const z = cstrEnd(b, o, end);
    out.push(b.toString('utf8', o, z));
    o = z + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Addresses

export function ipv4ToString(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

/** IPv6 text as glibc inet_ntop prints it (longest zero run ≥ 2 as "::", IPv4-mapped/compat tails). */
export function ipv6ToString(b: Uint8Array, o: number): string {
  const w: number[] = [];
  for (let k = 0; k < 8; k++) w.push((b[o + 2 * k]! << 8) | b[o + 2 * k + 1]!);
  let bestS = -1, bestL = 0, curS = -1, curL = 0;
  for (let k = 0; k < 8; k++) {
    if (w[k] === 0) {
      if (curS < 0) { curS = k; curL = 1; } else curL++;
      if (curL > bestL) { bestS = curS; bestL = curL; }
    } else curS = -1;
  }
  if (bestL < 2) bestS = -1;
  let s = '';
  for (let k = 0; k < 8; k++) {
    if (bestS >= 0 && k >= bestS && k < bestS + bestL) {
      if (k === bestS) s += '::';
      continue;
    }
    if (k > 0 && !(bestS >= 0 && k === bestS + bestL)) s += ':';
    // IPv4-compatible (::a.b.c.d) or mapped (::ffff:a.b.c.d) tail.
    if (k === 6 && bestS === 0 && (bestL === 6 || (bestL === 5 && w[5] === 0xffff))) {
      s += ipv4ToString(b, o + 12);
      break;
    }
    s += w[k]!.toString(16);
  }
  return s;
}

export function isIpv4MappedIpv6(b: Uint8Array, o: number): boolean {
  for (let k = 0; k < 10; k++) if (b[o + k] !== 0) return false;
  return b[o + 10] === 0xff && b[o + 11] === 0xff;
}

/** A decoded SOCKADDR: family 0 when missing or unknown. */
export class SockAddr {
  family = 0;
  /** Address text ("1.2.3.4", "::1") or the unix path. */
  addr = '';
  port = 0;
}

/** Decodes a SOCKADDR into `out` (reused); returns false if the parameter is empty or malformed. */
export function pSockAddr(ev: EventView, i: number, out: SockAddr): boolean {
  out.family = 0; out.addr = ''; out.port = 0;
  if (i >= ev.nparams) return false;
  const len = ev.plen[i]!;
  if (len < 1) return false;
  const b = ev.buf;
  const o = ev.poff[i]!;
  const fam = b[o]!;
  out.family = fam;
  if (fam === AF_INET && len >= 7) {
    out.addr = ipv4ToString(b, o + 1);
    out.port = b.readUInt16LE(o + 5);
    return true;
  }
  if (fam === AF_INET6 && len >= 19) {
    out.addr = ipv6ToString(b, o + 1);
    out.port = b.readUInt16LE(o + 17);
    return true;
  }
  if (fam === AF_UNIX) {
    out.addr = b.toString('utf8', o + 1, cstrEnd(b, o + 1, o + len));
    return true;
  }
  return false;
}

/** A decoded SOCKTUPLE: s = client side (see scap-format.md §5.3). */
export class SockTuple {
  family = 0;
  sip = '';
  sport = 0;
  dip = '';
  dport = 0;
  /** AF_UNIX: kernel socket pointers and the path. */
  src = 0n;
  dst = 0n;
  path = '';
}

/** Decodes a SOCKTUPLE into `out` (reused); IPv4-mapped IPv6 pairs are reported as IPv4. */
export function pSockTuple(ev: EventView, i: number, out: SockTuple): boolean {
  out.family = 0; out.sip = ''; out.dip = ''; out.sport = 0; out.dport = 0; out.src = 0n; out.dst = 0n; out.path = '';
  if (i >= ev.nparams) return false;
  const len = ev.plen[i]!;
  if (len < 1) return false;
  const b = ev.buf;
  const o = ev.poff[i]!;
  const fam = b[o]!;
  out.family = fam;
  if (fam === AF_INET && len >= 13) {
    out.sip = ipv4ToString(b, o + 1);
    out.sport = b.readUInt16LE(o + 5);
    out.dip = ipv4ToString(b, o + 7);
    out.dport = b.readUInt16LE(o + 11);
    return true;
  }
  if (fam === AF_INET6 && len >= 37) {
    out.sport = b.readUInt16LE(o + 17);
    out.dport = b.readUInt16LE(o + 35);
    if (isIpv4MappedIpv6(b, o + 1) && isIpv4MappedIpv6(b, o + 19)) {
      out.family = AF_INET;
      out.sip = ipv4ToString(b, o + 13);
      out.dip = ipv4ToString(b, o + 31);
    } else {
      out.sip = ipv6ToString(b, o + 1);
      out.dip = ipv6ToString(b, o + 19);
    }
    return true;
  }
  if (fam === AF_UNIX && len >= 17) {
    out.src = b.readBigUInt64LE(o + 1);
    out.dst = b.readBigUInt64LE(o + 9);
    out.path = b.toString('utf8', o + 17, cstrEnd(b, o + 17, o + len));
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// FDLIST, DYN, flags, syscall ids

/** Number of entries of an FDLIST parameter (u16 count, each s64 fd + u16 flags), bounded by its length. */
export function fdListCount(ev: EventView, i: number): number {
  if (i >= ev.nparams || ev.plen[i]! < 2) return 0;
  const n = ev.buf.readUInt16LE(ev.poff[i]!);
  const fit = Math.floor((ev.plen[i]! - 2) / 10);
  return n < fit ? n : fit;
}
export function fdListFd(ev: EventView, i: number, k: number): number {
  const o = ev.poff[i]! + 2 + k * 10;
  return ev.buf.readInt32LE(o + 4) * 4294967296 + ev.buf.readUInt32LE(o);
}
export function fdListFlags(ev: EventView, i: number, k: number): number {
  return ev.buf.readUInt16LE(ev.poff[i]! + 2 + k * 10 + 8);
}

/** The selector byte of a DYN parameter, or -1 when empty. The value starts one byte later. */
export function pDynIndex(ev: EventView, i: number): number {
  return i < ev.nparams && ev.plen[i]! >= 1 ? ev.buf[ev.poff[i]!]! : -1;
}

/** PT_* type a DYN parameter's selector picks (from its DYN table), or -1 if empty/unknown. */
export function pDynType(ev: EventView, i: number): number {
  const idx = pDynIndex(ev, i);
  if (idx < 0 || ev.type >= EVENT_COUNT) return -1;
  const k = PARAM_START[ev.type]! + i;
  if (k >= PARAM_START[ev.type + 1]! || PARAM_TYPE[k] !== PT.DYN) return -1;
  const t = PARAM_INFO[k]!;
  if (t < 0 || t >= DYN_TABLE.length) return -1;
  const table = DYN_TABLE[t]!;
  return idx < table.length ? table[idx]![0] : -1;
}

/** A DYN parameter's integer value (1/2/4/8 bytes after the selector; s64 types signed). */
export function pDynInt(ev: EventView, i: number, dflt = 0): number {
  if (i >= ev.nparams || ev.plen[i]! < 2) return dflt;
  const o = ev.poff[i]! + 1;
  const b = ev.buf;
  const t = pDynType(ev, i);
  switch (ev.plen[i]! - 1) {
    case 1: return b[o]!;
    case 2: return b.readUInt16LE(o);
    case 4: return b.readUInt32LE(o);
    case 8: return (t === PT.FD || t === PT.ERRNO || t === PT.INT64 ? b.readInt32LE(o + 4) : b.readUInt32LE(o + 4)) * 4294967296 + b.readUInt32LE(o);
    default: return dflt;
  }
}

/** Index of a flag table by name (FLAG_TABLE_NAMES), -1 if unknown. */
export function flagTableIndex(name: string): number {
  return FLAG_TABLE_NAMES.indexOf(name);
}

/** FLAG_TABLE index attached to parameter i of `type` (flags/mode parameters), or -1. */
export function paramFlagTable(type: number, i: number): number {
  if (type >= EVENT_COUNT) return -1;
  const t = paramType(type, i);
  if (t !== PT.FLAGS8 && t !== PT.FLAGS16 && t !== PT.FLAGS32 && t !== PT.MODE &&
      t !== PT.ENUMFLAGS8 && t !== PT.ENUMFLAGS16 && t !== PT.ENUMFLAGS32) return -1;
  return PARAM_INFO[PARAM_START[type]! + i]!;
}

/**
 * Names of the bits set in `val`, joined by '|', the way sysdig resolves flags: walk the table in
 * driver order, take each entry whose bits are all set (removing them, so O_RDWR does not also
 * print O_WRONLY), and stop at an entry equal to the original value, which is printed last.
 * `exact` is the ENUMFLAGS behaviour (only an exact match is named).
 */
export function flagNames(table: number, val: number, exact = false): string {
  if (table < 0 || table >= FLAG_TABLE.length) return '';
  const t = FLAG_TABLE[table]!;
  const initial = val >>> 0;
  let v = initial;
  let out = '';
  let k = 0;
  for (; k < t.length; k++) {
    const fv = t[k]![1];
    if (fv === initial) break;
    if (exact) continue;
    if ((fv === 0 && initial === 0) || (fv !== 0 && ((v & fv) >>> 0) === fv && v !== 0)) {
      out += out === '' ? t[k]![0] : '|' + t[k]![0];
      v = (v & ~fv) >>> 0;
    }
  }
  if (k < t.length) out += out === '' ? t[k]![0] : '|' + t[k]![0];
  return out;
}

/** FLAGS8/16/32 (or ENUMFLAGS) value by its width. */
export function pFlags(ev: EventView, i: number, dflt = 0): number {
  if (i >= ev.nparams) return dflt;
  switch (ev.plen[i]) {
    case 1: return ev.buf[ev.poff[i]!]!;
    case 2: return ev.buf.readUInt16LE(ev.poff[i]!);
    case 4: return ev.buf.readUInt32LE(ev.poff[i]!);
    default: return dflt;
  }
}

/** Flag names of flags parameter i, from its schema table ('' if none). */
export function pFlagNames(ev: EventView, i: number): string {
  const t = paramType(ev.type, i);
  const exact = t === PT.ENUMFLAGS8 || t === PT.ENUMFLAGS16 || t === PT.ENUMFLAGS32;
  return flagNames(paramFlagTable(ev.type, i), pFlags(ev, i), exact);
}

/** PPM_SC_* syscall name ('' when out of range): generic events carry these. */
export function syscallName(code: number): string {
  return code >= 0 && code < SYSCALL_NAME.length ? SYSCALL_NAME[code]! : '';
}
/** Number of PPM_SC_* codes of the 2022 table (PPM_SC_MAX). */
export const PPM_SC_MAX = SYSCALL_NAME.length - 1;

// ---------------------------------------------------------------------------------------------
// errno and signal names

const ERRNO_NAMES: readonly string[] = [
  '', 'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF', 'ECHILD',
  'EAGAIN', 'ENOMEM', 'EACCES', 'EFAULT', 'ENOTBLK', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV', 'ENOTDIR',
  'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE', 'ENOTTY', 'ETXTBSY', 'EFBIG', 'ENOSPC', 'ESPIPE', 'EROFS',
  'EMLINK', 'EPIPE', 'EDOM', 'ERANGE', 'EDEADLK', 'ENAMETOOLONG', 'ENOLCK', 'ENOSYS', 'ENOTEMPTY', 'ELOOP',
  '', 'ENOMSG', 'EIDRM', 'ECHRNG', 'EL2NSYNC', 'EL3HLT', 'EL3RST', 'ELNRNG', 'EUNATCH', 'ENOCSI',
  'EL2HLT', 'EBADE', 'EBADR', 'EXFULL', 'ENOANO', 'EBADRQC', 'EBADSLT', '', 'EBFONT', 'ENOSTR',
  'ENODATA', 'ETIME', 'ENOSR', 'ENONET', 'ENOPKG', 'EREMOTE', 'ENOLINK', 'EADV', 'ESRMNT', 'ECOMM',
  'EPROTO', 'EMULTIHOP', 'EDOTDOT', 'EBADMSG', 'EOVERFLOW', 'ENOTUNIQ', 'EBADFD', 'EREMCHG', 'ELIBACC', 'ELIBBAD',
  'ELIBSCN', 'ELIBMAX', 'ELIBEXEC', 'EILSEQ', 'ERESTART', 'ESTRPIPE', 'EUSERS', 'ENOTSOCK', 'EDESTADDRREQ', 'EMSGSIZE',
  'EPROTOTYPE', 'ENOPROTOOPT', 'EPROTONOSUPPORT', 'ESOCKTNOSUPPORT', 'EOPNOTSUPP', 'EPFNOSUPPORT', 'EAFNOSUPPORT', 'EADDRINUSE', 'EADDRNOTAVAIL', 'ENETDOWN',
  'ENETUNREACH', 'ENETRESET', 'ECONNABORTED', 'ECONNRESET', 'ENOBUFS', 'EISCONN', 'ENOTCONN', 'ESHUTDOWN', 'ETOOMANYREFS', 'ETIMEDOUT',
  'ECONNREFUSED', 'EHOSTDOWN', 'EHOSTUNREACH', 'EALREADY', 'EINPROGRESS', 'ESTALE', 'EUCLEAN', 'ENOTNAM', 'ENAVAIL', 'EISNAM',
  'EREMOTEIO', 'EDQUOT', 'ENOMEDIUM', 'EMEDIUMTYPE', 'ECANCELED', 'ENOKEY', 'EKEYEXPIRED', 'EKEYREVOKED', 'EKEYREJECTED', 'EOWNERDEAD',
  'ENOTRECOVERABLE', 'ERFKILL', 'EHWPOISON',
];
// Kernel-internal codes that leak to user space through syscall return values (512+).
const ERRNO_KERNEL: readonly string[] = [
  'ERESTARTSYS', 'ERESTARTNOINTR', 'ERESTARTNOHAND', 'ENOIOCTLCMD', 'ERESTART_RESTARTBLOCK',
  'EPROBE_DEFER', 'EOPENSTALE', 'ENOPARAM', '', 'EBADHANDLE', 'ENOTSYNC', 'EBADCOOKIE', 'ENOTSUPP',
  'ETOOSMALL', 'ESERVERFAULT', 'EBADTYPE', 'EJUKEBOX', 'EIOCBQUEUED', 'EIOCBRETRY',
];

/** Linux errno name of a positive or negative errno ('' when unknown). */
export function errnoName(code: number): string {
  const e = code < 0 ? -code : code;
  if (e < ERRNO_NAMES.length) return ERRNO_NAMES[e]!;
  if (e >= 512 && e < 512 + ERRNO_KERNEL.length) return ERRNO_KERNEL[e - 512]!;
  return '';
}

/**
 * The errno names sysdig 0.29.3 knows (its table stops at ECANCELED and lacks 517-520): used
 * for rendering so output matches it; errnoName() is the complete Linux table.
 */
export function sysdigErrnoName(code: number): string {
  const e = code < 0 ? -code : code;
  if (e > 125 && e < 512) return '';
  if (e >= 517 && e <= 520) return '';
  return errnoName(e);
}

const SIGNAL_NAMES: readonly string[] = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/** Signal name for a Linux signal number ('' when unknown). */
export function signalName(sig: number): string {
  return sig >= 0 && sig < SIGNAL_NAMES.length ? SIGNAL_NAMES[sig]! : '';
}

// ---------------------------------------------------------------------------------------------
// Whole-event decode (benchmarks, `kestrel inspect -q`)

/**
 * Decodes every parameter of the event by its schema type (numbers read, strings decoded,
 * addresses formatted) and returns a checksum so the work cannot be optimised away. This is
 * the per-event cost a consumer touching every field pays.
 */
export function decodeAll(ev: EventView, tuple: SockTuple, addr: SockAddr): number {
  const type = ev.type;
  if (type >= EVENT_COUNT) return 0;
  const s = PARAM_START[type]!;
  let n = PARAM_START[type + 1]! - s;
  if (n > ev.nparams) n = ev.nparams;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    switch (PARAM_TYPE[s + i]!) {
      case PT.CHARBUF: case PT.FSPATH: case PT.FSRELPATH:
        acc += pStr(ev, i).length; break;
      case PT.BYTEBUF:
        acc += ev.plen[i]!; break;
      case PT.SOCKADDR:
        if (pSockAddr(ev, i, addr)) acc += addr.port + addr.addr.length; break;
      case PT.SOCKTUPLE:
        if (pSockTuple(ev, i, tuple)) acc += tuple.sport + tuple.dport + tuple.sip.length; break;
      case PT.FDLIST: {
        const c = fdListCount(ev, i);
        for (let k = 0; k < c; k++) acc += fdListFd(ev, i, k) + fdListFlags(ev, i, k);
        break;
      }
      default:
        acc += pInt(ev, i);
    }
  }
  return acc;
}
