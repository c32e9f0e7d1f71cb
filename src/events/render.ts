// Text rendering of event parameters exactly as sysdig 0.29.3 prints them in %evt.args /
// %evt.info ("fd=3(<f>/etc/passwd) name=/etc/passwd flags=1(O_RDONLY) mode=0 dev=803 ").
//
// Each parameter renders to a value and an optional "resolved" text shown in parentheses. The
// resolved parts that need process state (fd names, thread names, cwd, user names) come from a
// RenderContext supplied by the state layer; without one, only state-free resolutions are made
// (errno, flag, syscall and signal names), which is what sysdig prints for a thread it does not
// know.
//
// Facts that shape the output (observed in sysdig 0.29.3 / libsinsp 2022-03):
//   - only the 2022 table's parameters are printed (extra appended parameters are ignored);
//   - GENERIC events (syscall ids without an event) print no arguments at all;
//   - an empty parameter prints "NULL";
//   - UINT32 and UINT64 in decimal print as *signed* (the printf format is %d / PRId64);
//   - HEX is upper case without 0x, OCT has a leading 0 (%#o);
//   - BYTEBUF bytes outside printable ASCII print as '.', and a rendering longer than 80
//     characters is cut to 80 with the last three replaced by "...";
//   - path and socket strings drop non-printable bytes.

import type { EventView } from './event-view.js';
import {
  EVENT_COUNT, EVENT_NAME, EVENT_NPARAMS_2022, PARAM_START, PARAM_TYPE, PARAM_NAME, PARAM_FMT, PARAM_INFO, DYN_TABLE,
} from './generated/event-table.js';
import {
  PT, PF, AF_INET, AF_INET6, AF_UNIX, PPM_AT_FDCWD, flagNames, ipv4ToString, ipv6ToString,
  isIpv4MappedIpv6, sysdigErrnoName, signalName, syscallName, PPM_SC_MAX,
} from './params.js';

/** Event types 0/1: generic syscall events, printed without arguments. */
const PPME_GENERIC_E = 0;
const PPME_GENERIC_X = 1;
/** sysdig's default cap on a rendered buffer (m_max_evt_output_len). */
export const MAX_BUF_OUTPUT = 80;

/**
 * What the renderer asks the process state for. Every member is optional; a missing member
 * (or an undefined answer) means "thread unknown", which is also what sysdig does then.
 */
export interface RenderContext {
  /**
   * sysdig-style name of fd `fd` of the event's thread: "<f>/etc/passwd", "<4t>1.2.3.4:5->6.7.8.9:80",
   * "<u>/run/x.sock", "<p>" ...; null when the thread is known but has no such fd; undefined
   * when the event's thread is unknown.
   */
  fdName?(ev: EventView, fd: number): string | null | undefined;
  /** comm of thread `tid` (PID parameters), null/undefined if unknown. */
  comm?(tid: number): string | null | undefined;
  /** cwd of the event's thread, ending in '/', or undefined when the thread is unknown. */
  cwd?(ev: EventView): string | undefined;
  /** Path of directory fd `fd` of the event's thread (FSRELPATH), '' if unknown. */
  dirFdPath?(ev: EventView, fd: number): string;
  /** User/group name of the event's thread's namespace; null if the id is unknown, undefined if the thread is. */
  userName?(ev: EventView, uid: number): string | null | undefined;
  groupName?(ev: EventView, gid: number): string | null | undefined;
}

/** The two parts of a rendered parameter. Reused by the caller to avoid allocations. */
export class ParamText {
  value = '';
  resolved = '';
}

const scratch = new ParamText();

/** Printable ASCII, what C isprint() accepts in the "C" locale. */
function isPrint(c: number): boolean {
  return c >= 0x20 && c < 0x7f;
}

function cstrEnd(b: Buffer, o: number, end: number): number {
  while (o < end && b[o] !== 0) o++;
  return o;
}

/** A C string with non-printable bytes removed (sysdig's sanitize_string / strcpy_sanitized). */
function sanitized(b: Buffer, o: number, end: number): string {
  const z = cstrEnd(b, o, end);
  let clean = true;
  for (let k = o; k < z; k++) if (!isPrint(b[k]!)) { clean = false; break; }
  if (clean) return b.toString('latin1', o, z);
  let s = '';
  for (let k = o; k < z; k++) if (isPrint(b[k]!)) s += String.fromCharCode(b[k]!);
  return s;
}

function hex64(b: Buffer, o: number): string {
  return b.readBigUInt64LE(o).toString(16);
}

/** printf %g with the default precision 6. */
export function formatG(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  const e = x.toExponential(5);
  const X = Number(e.slice(e.indexOf('e') + 1));
  const strip = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (X < -4 || X >= 6) {
    const mant = strip(e.slice(0, e.indexOf('e')));
    return `${mant}e${X < 0 ? '-' : '+'}${Math.abs(X) < 10 ? '0' : ''}${Math.abs(X)}`;
  }
  return strip(x.toFixed(5 - X));
}

function fmtNum(v: number | bigint, fmt: number, signedText: string): string {
  switch (fmt) {
    case PF.HEX: return (typeof v === 'bigint' ? v : BigInt(v)).toString(16).toUpperCase();
    case PF.OCT: {
      const s = (typeof v === 'bigint' ? v : BigInt(v)).toString(8);
      return s === '0' ? '0' : '0' + s;
    }
    case PF.PADDED_DEC: {
      const neg = signedText.startsWith('-');
      const digits = neg ? signedText.slice(1) : signedText;
      return (neg ? '-' : '') + digits.padStart(neg ? 8 : 9, '0');
    }
    default: return signedText;
  }
}

/**
 * sysdig's path resolution (concatenate_paths + copy_and_sanitize_path), rule for rule: the
 * relative path is appended to `base` (the cwd, ending in '/', or a dir fd's path + '/') while
 * "../" and a final ".." rewind to the previous '/', "./" and a final "." are dropped, repeated
 * '/' collapse, a trailing '/' is removed, a ".." followed by anything else is copied as is,
 * and non-printable bytes become '.'. The checks look at the source bytes, so a non-printable
 * byte shown as '.' never counts as a dot. Absolute paths resolve to '' (sysdig shows no
 * resolution for them).
 */
export function resolvePathBytes(base: string, b: Uint8Array, o: number, end: number): string {
  if (end <= o || b[o] === 47 /* / */) return '';
  const t: number[] = [];
  for (let k = 0; k < base.length; k++) t.push(base.charCodeAt(k));
  let tc = t.length;
  let pc = o;
  const at = (k: number) => (k < end ? b[k]! : 0);
  const rewind = (delta: number) => {
    if (tc > 1) {
      tc--;
      while (tc >= 1 && t[tc - 1] !== 47) tc--;
    }
    pc += delta;
  };
  for (;;) {
    const c = at(pc);
    if (c === 0) {
      if (tc > 1 && t[tc - 1] === 47) tc--;
      break;
    }
    if (!isPrint(c)) { t[tc++] = 46; pc++; continue; }
    const c1 = at(pc + 1);
    if (c === 46 /* . */ && c1 === 46 && at(pc + 2) === 47) rewind(3);
    else if (c === 46 && c1 === 46) {
      if (at(pc + 2) === 0) rewind(2);
      else { t[tc++] = 46; t[tc++] = 46; pc += 2; }
    } else if (c === 46 && c1 === 47) pc += 2;
    else if (c === 46) {
      if (c1 === 0) pc++;
      else { t[tc++] = c; pc++; }
    } else if (c === 47) {
      if (tc > 0 && t[tc - 1] === 47) pc++;
      else { t[tc++] = c; pc++; }
    } else { t[tc++] = c; pc++; }
  }
  let s = '';
  for (let k = 0; k < tc; k++) s += String.fromCharCode(t[k]!);
  return s;
}

/** resolvePathBytes() for a path held in a string (Latin-1 code units). */
export function resolvePath(base: string, path: string): string {
  return resolvePathBytes(base, Buffer.from(path, 'latin1'), 0, path.length);
}

/** Rendering of the bytes of a BYTEBUF: printable ASCII kept, others '.', capped at 80. */
function renderBytebuf(b: Buffer, o: number, len: number): string {
  let s: string;
  let clean = true;
  for (let k = o; k < o + len; k++) if (!isPrint(b[k]!)) { clean = false; break; }
  if (clean) s = b.toString('latin1', o, o + len);
  else {
    const n = len > MAX_BUF_OUTPUT + 1 ? MAX_BUF_OUTPUT + 1 : len;
    s = '';
    for (let k = o; k < o + n; k++) { const c = b[k]!; s += isPrint(c) ? String.fromCharCode(c) : '.'; }
  }
  if (len > MAX_BUF_OUTPUT) s = s.slice(0, MAX_BUF_OUTPUT - 3) + '...';
  return s;
}

function renderTyped(ev: EventView, i: number, ptype: number, fmt: number, info: number, o: number, len: number,
  ctx: RenderContext | undefined, out: ParamText): void {
  const b = ev.buf;
  switch (ptype) {
    case PT.INT8: out.value = fmtNum(b.readInt8(o), fmt, String(b.readInt8(o))); return;
    case PT.INT16: out.value = len >= 2 ? fmtNum(b.readInt16LE(o), fmt, String(b.readInt16LE(o))) : ''; return;
    case PT.INT32: out.value = len >= 4 ? fmtNum(b.readInt32LE(o), fmt, String(b.readInt32LE(o))) : ''; return;
    case PT.INT64: {
      if (len < 8) { out.value = ''; return; }
      const v = b.readBigInt64LE(o);
      out.value = fmtNum(fmt === PF.HEX || fmt === PF.OCT ? BigInt.asUintN(64, v) : v, fmt, v.toString());
      return;
    }
    case PT.UINT8: out.value = fmtNum(b[o]!, fmt, String(b[o]!)); return;
    case PT.UINT16: out.value = len >= 2 ? fmtNum(b.readUInt16LE(o), fmt, String(b.readUInt16LE(o))) : ''; return;
    case PT.UINT32: {
      if (len < 4) { out.value = ''; return; }
      // sysdig prints UINT32 with %d: values >= 2^31 come out negative.
      out.value = fmtNum(b.readUInt32LE(o), fmt, String(b.readInt32LE(o)));
      return;
    }
    case PT.UINT64: {
      if (len < 8) { out.value = ''; return; }
      out.value = fmtNum(b.readBigUInt64LE(o), fmt, b.readBigInt64LE(o).toString());
      return;
    }
    case PT.FD: case PT.FD32: {
      const fd = len >= 8 ? b.readInt32LE(o + 4) * 4294967296 + b.readUInt32LE(o) : len >= 4 ? b.readInt32LE(o) : 0;
      out.value = String(fd);
      const name = ctx?.fdName ? ctx.fdName(ev, fd) : undefined;
      if (name === undefined) return;
      if (fd >= 0) { if (name !== null) out.resolved = name; }
      else if (fd === PPM_AT_FDCWD) out.resolved = 'AT_FDCWD';
      else out.resolved = sysdigErrnoName(fd | 0);
      return;
    }
    case PT.PID: case PT.PID32: {
      const pid = len >= 8 ? b.readInt32LE(o + 4) * 4294967296 + b.readUInt32LE(o) : len >= 4 ? b.readInt32LE(o) : 0;
      out.value = String(pid);
      const c = ctx?.comm ? ctx.comm(pid) : undefined;
      if (c !== undefined && c !== null) out.resolved = c;
      return;
    }
    case PT.ERRNO: {
      if (len < 8) { out.value = ''; return; }
      const v = b.readInt32LE(o + 4) * 4294967296 + b.readUInt32LE(o);
      out.value = String(v);
      if (v < 0) out.resolved = sysdigErrnoName(b.readInt32LE(o));
      return;
    }
    case PT.CHARBUF:
      out.value = b.toString('utf8', o, cstrEnd(b, o, o + len));
      return;
    case PT.FSPATH: case PT.FSRELPATH: {
      out.value = sanitized(b, o, o + len);
      const cwd = ctx?.cwd ? ctx.cwd(ev) : undefined;
      if (cwd === undefined || out.value === '<NA>') return;
      let base = cwd;
      if (ptype === PT.FSRELPATH && info >= 0 && info < ev.nparams && ev.plen[info]! >= 8) {
        const dirfd = b.readInt32LE(ev.poff[info]! + 4) * 4294967296 + b.readUInt32LE(ev.poff[info]!);
        if (dirfd !== PPM_AT_FDCWD) {
          const p = ctx?.dirFdPath ? ctx.dirFdPath(ev, dirfd) : '';
          base = p === '' ? '' : p + '/';
        }
      }
      // Resolved from the raw bytes: non-printable bytes show as '.', the value drops them.
      out.resolved = resolvePathBytes(base, b, o, cstrEnd(b, o, o + len));
      return;
    }
    case PT.BYTEBUF:
      out.value = renderBytebuf(b, o, len);
      return;
    case PT.SOCKADDR: {
      const fam = b.readInt8(o);
      if (fam === AF_UNIX) out.value = sanitized(b, o + 1, o + len);
      else if (fam === AF_INET) out.value = len === 7 ? `${ipv4ToString(b, o + 1)}:${b.readUInt16LE(o + 5)}` : 'INVALID IPv4';
      else if (fam === AF_INET6) out.value = len === 19 ? `${ipv6ToString(b, o + 1)}:${b.readUInt16LE(o + 17)}` : 'INVALID IPv6';
      else out.value = `family ${fam}`;
      return;
    }
    case PT.SOCKTUPLE: {
      const fam = b.readInt8(o);
      if (fam === AF_INET) {
        out.value = len === 13
          ? `${ipv4ToString(b, o + 1)}:${b.readUInt16LE(o + 5)}->${ipv4ToString(b, o + 7)}:${b.readUInt16LE(o + 11)}`
          : 'INVALID IPv4';
      } else if (fam === AF_INET6) {
        if (len !== 37) { out.value = 'INVALID IPv6'; return; }
        if (isIpv4MappedIpv6(b, o + 1) && isIpv4MappedIpv6(b, o + 19)) {
          out.value = `${ipv4ToString(b, o + 13)}:${b.readUInt16LE(o + 17)}->${ipv4ToString(b, o + 31)}:${b.readUInt16LE(o + 35)}`;
        } else {
          out.value = `${ipv6ToString(b, o + 1)}:${b.readUInt16LE(o + 17)}->${ipv6ToString(b, o + 19)}:${b.readUInt16LE(o + 35)}`;
        }
      } else if (fam === AF_UNIX && len >= 17) {
        out.value = `${hex64(b, o + 1)}->${hex64(b, o + 9)} ${sanitized(b, o + 17, o + len)}`;
      } else out.value = `family ${fam}`;
      return;
    }
    case PT.FDLIST: {
      // sysdig renders fd lists only for a known thread.
      if (!ctx?.fdName || len < 2) { out.value = ''; return; }
      let n = b.readUInt16LE(o);
      const fit = Math.floor((len - 2) / 10);
      if (n > fit) n = fit;
      let s = '';
      for (let k = 0; k < n; k++) {
        const p = o + 2 + k * 10;
        const fd = b.readInt32LE(p + 4) * 4294967296 + b.readUInt32LE(p);
        const name = ctx.fdName(ev, fd);
        if (name === undefined) { out.value = ''; return; }
        const tch = name !== null && name.length > 1 ? name[1] : '?';
        // fd printed with PRIu64, flags as the sign-extended s16 in hex.
        const fdText = fd < 0 ? BigInt.asUintN(64, BigInt(fd)).toString() : String(fd);
        s += `${k > 0 ? ' ' : ''}${fdText}:${tch}${(b.readInt16LE(p + 8) >>> 0).toString(16)}`;
      }
      out.value = s;
      return;
    }
    case PT.SYSCALLID: {
      const id = len >= 2 ? b.readUInt16LE(o) : b[o]!;
      if (id >= PPM_SC_MAX) { out.value = '<unknown syscall>'; return; }
      out.value = String(id);
      // PPM_SC 0 (and unnamed ids) resolve to "<unknown>", as sysdig prints evt.arg[0].
      const n = syscallName(id);
      out.resolved = n === '' || n === 'unknown' ? '<unknown>' : n;
      return;
    }
    case PT.SIGTYPE: {
      const v = b[o]!;
      out.value = String(v);
      out.resolved = signalName(v);
      return;
    }
    case PT.RELTIME: {
      if (len < 8) { out.value = ''; return; }
      const v = b.readBigUInt64LE(o);
      if (v === 0xffffffffffffffffn) { out.value = 'none'; return; }
      out.value = v.toString();
      out.resolved = formatG(Number(v) / 1e9) + 's';
      return;
    }
    case PT.ABSTIME: {
      if (len < 8) { out.value = ''; return; }
      const v = b.readBigUInt64LE(o);
      // Rendered in UTC (kestrel's tests and sysdig's oracle runs use TZ=UTC).
      const d = new Date(Number(v / 1000000n));
      const p2 = (x: number) => String(x).padStart(2, '0');
      out.value = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:` +
        `${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(v % 1000000000n).padStart(9, '0')} +0000`;
      return;
    }
    case PT.FLAGS8: case PT.FLAGS16: case PT.FLAGS32:
    case PT.ENUMFLAGS8: case PT.ENUMFLAGS16: case PT.ENUMFLAGS32: {
      const v = len >= 4 ? b.readUInt32LE(o) : len >= 2 ? b.readUInt16LE(o) : b[o]!;
      out.value = String(v);
      const exact = ptype === PT.ENUMFLAGS8 || ptype === PT.ENUMFLAGS16 || ptype === PT.ENUMFLAGS32;
      out.resolved = flagNames(info, v, exact);
      return;
    }
    case PT.MODE: {
      const v = len >= 4 ? b.readUInt32LE(o) : 0;
      out.value = fmtNum(v, fmt, String(v | 0));
      out.resolved = flagNames(info, v, false);
      return;
    }
    case PT.UID: case PT.GID: {
      const v = len >= 4 ? b.readUInt32LE(o) : 0;
      if (v === 0xffffffff) { out.value = '-1'; out.resolved = '<NONE>'; return; }
      out.value = String(v | 0);
      const fn = ptype === PT.UID ? ctx?.userName : ctx?.groupName;
      const name = fn ? fn.call(ctx, ev, v) : undefined;
      if (name !== undefined) out.resolved = name === null ? '<NA>' : name;
      return;
    }
    case PT.SIGSET: {
      const v = len >= 4 ? b.readUInt32LE(o) : 0;
      let s = '';
      for (let sig = 0; sig < 32; sig++) {
        if ((v >>> sig) & 1) {
          const nm = signalName(sig + 1);
          if (nm !== '') s += s === '' ? nm : ' ' + nm;
        }
      }
      out.value = s;
      return;
    }
    case PT.DYN:
      out.value = 'INVALID DYNAMIC PARAMETER';
      return;
    default:
      out.value = '(n.a.)';
  }
}

/**
 * Renders parameter i of the event into `out` (value + resolved). Parameter types come from the
 * schema; an empty parameter renders as "NULL".
 */
export function renderParam(ev: EventView, i: number, ctx?: RenderContext, out: ParamText = scratch): ParamText {
  out.value = '';
  out.resolved = '';
  const type = ev.type;
  if (type >= EVENT_COUNT || i >= ev.nparams) return out;
  const k = PARAM_START[type]! + i;
  if (k >= PARAM_START[type + 1]!) return out;
  let o = ev.poff[i]!;
  let len = ev.plen[i]!;
  let ptype = PARAM_TYPE[k]!;
  // An empty buffer is an empty string in sysdig (execve "args="); other empty params are "NULL".
  if (len === 0) { out.value = ptype === PT.BYTEBUF ? '' : 'NULL'; return out; }
  const fmt = PARAM_FMT[k]!;
  let info = PARAM_INFO[k]!;
  if (ptype === PT.DYN && info >= 0) {
    const table = DYN_TABLE[info]!;
    const idx = ev.buf[o]!;
    if (idx < table.length) {
      ptype = table[idx]![0];
      info = -1;
      o++;
      len--;
      if (len === 0 && ptype !== PT.BYTEBUF) { out.value = ''; return out; }
    }
  }
  renderTyped(ev, i, ptype, fmt, info, o, len, ctx, out);
  return out;
}

/**
 * evt.type as sysdig prints it: the event name, except for generic events (types 0/1), which
 * are named after the syscall in their ID parameter.
 */
export function eventTypeName(ev: EventView): string {
  const t = ev.type;
  if ((t === PPME_GENERIC_E || t === PPME_GENERIC_X) && ev.nparams > 0 && ev.plen[0]! >= 2) {
    const id = ev.buf.readUInt16LE(ev.poff[0]!);
    const n = syscallName(id);
    // PPM_SC 0 is "unknown"; sysdig prints it (and out-of-range ids) as <unknown>.
    return n === '' || n === 'unknown' || id >= PPM_SC_MAX ? '<unknown>' : n;
  }
  return t < EVENT_COUNT ? EVENT_NAME[t]! : 'unknown';
}

/** Name of parameter i in the schema. */
export function renderParamName(type: number, i: number): string {
  if (type >= EVENT_COUNT) return '';
  const k = PARAM_START[type]! + i;
  return k < PARAM_START[type + 1]! ? PARAM_NAME[k]! : '';
}

/**
 * The whole argument list as %evt.args prints it: "name=value(resolved) " for each parameter,
 * each followed by one space; "" for generic events. `all` also renders parameters appended
 * after the 2022 list (sysdig never shows those).
 */
export function renderArgs(ev: EventView, ctx?: RenderContext, all = false): string {
  const type = ev.type;
  if (type === PPME_GENERIC_E || type === PPME_GENERIC_X || type >= EVENT_COUNT) return '';
  let n = ev.nparams;
  if (!all && n > EVENT_NPARAMS_2022[type]!) n = EVENT_NPARAMS_2022[type]!;
  const tableN = PARAM_START[type + 1]! - PARAM_START[type]!;
  if (n > tableN) n = tableN;
  let s = '';
  const base = PARAM_START[type]!;
  for (let i = 0; i < n; i++) {
    renderParam(ev, i, ctx, scratch);
    s += PARAM_NAME[base + i]! + '=' + scratch.value + (scratch.resolved === '' ? ' ' : '(' + scratch.resolved + ') ');
  }
  return s;
}
