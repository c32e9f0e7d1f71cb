// Per-process file-descriptor tables. One FdInfo per open fd, fixed shape (every field set in
// the constructor) so the fd fields stay monomorphic on the hot path.

import { FdType } from '../capture/types.js';

export const ROLE_NONE = 0;
export const ROLE_CLIENT = 1;
export const ROLE_SERVER = 2;

/** scap_l4_proto values. */
export const L4 = { UNKNOWN: 0, NA: 1, TCP: 2, UDP: 3, ICMP: 4, RAW: 5 } as const;

const TYPE_CHAR: string[] = [];
const TYPE_NAME: string[] = [];
function setType(t: number, ch: string, name: string): void { TYPE_CHAR[t] = ch; TYPE_NAME[t] = name; }
// sinsp's one-letter codes and names (fd.typechar / fd.type, and the `<f>` prefix in evt.info).
setType(FdType.UNINITIALIZED, 'o', '<NA>');
setType(FdType.FILE, 'f', 'file');
setType(FdType.FILE_V2, 'f', 'file');
setType(FdType.DIRECTORY, 'd', 'directory');
setType(FdType.IPV4_SOCK, '4', 'ipv4');
setType(FdType.IPV6_SOCK, '6', 'ipv6');
setType(FdType.IPV4_SERVSOCK, '4', 'ipv4');
setType(FdType.IPV6_SERVSOCK, '6', 'ipv6');
setType(FdType.FIFO, 'p', 'pipe');
setType(FdType.UNIX_SOCK, 'u', 'unix');
setType(FdType.EVENT, 'e', 'event');
setType(FdType.UNSUPPORTED, 'X', 'unknown');
setType(FdType.SIGNALFD, 's', 'signalfd');
setType(FdType.EVENTPOLL, 'l', 'eventpoll');
setType(FdType.INOTIFY, 'i', 'inotify');
setType(FdType.TIMERFD, 't', 'timerfd');
setType(FdType.NETLINK, 'n', 'netlink');
setType(FdType.BPF, 'b', 'bpf');
setType(FdType.USERFAULTFD, 'u', 'userfaultfd');
setType(FdType.IOURING, 'r', 'io_uring');
setType(FdType.MEMFD, 'm', 'memfd');
setType(FdType.PIDFD, 'P', 'pidfd');

export function fdTypeChar(t: number): string { return TYPE_CHAR[t] ?? 'o'; }
export function fdTypeName(t: number): string { return TYPE_NAME[t] ?? '<NA>'; }

export function isSocketType(t: number): boolean {
  return t === FdType.IPV4_SOCK || t === FdType.IPV6_SOCK || t === FdType.IPV4_SERVSOCK || t === FdType.IPV6_SERVSOCK;
}

export class FdInfo {
  fd = -1;
  type: number = FdType.UNINITIALIZED;
  /** Display name (path, tuple string, pipe:[ino], …). */
  name = '';
  /** The path as the process passed it (before resolution against cwd/dirfd). */
  nameRaw = '';
  /** PPM_O_* flags the fd was opened with. */
  openFlags = 0;
  ino = 0n;
  dev = 0;
  /** Network tuple. For IPv4 the first 4 bytes are used. */
  readonly sip = new Uint8Array(16);
  readonly dip = new Uint8Array(16);
  sport = 0;
  dport = 0;
  l4proto: number = L4.UNKNOWN;
  role = ROLE_NONE;
  unixSource = 0n;
  unixDest = 0n;
  /** Set when the name changed after creation (e.g. a connect on an existing socket). */
  nameChanged = false;
  /** A connect() on this socket succeeded (sinsp keeps a connected UDP socket's peer). */
  connected = false;
  /** For a pidfd: the process it refers to (pidfd_getfd copies fds out of its table). */
  pid = 0;

  reset(): this {
    this.fd = -1; this.type = FdType.UNINITIALIZED; this.name = ''; this.nameRaw = ''; this.openFlags = 0;
    this.ino = 0n; this.dev = 0; this.sip.fill(0); this.dip.fill(0); this.sport = 0; this.dport = 0;
    this.l4proto = L4.UNKNOWN; this.role = ROLE_NONE; this.unixSource = 0n; this.unixDest = 0n; this.nameChanged = false;
    this.connected = false; this.pid = 0;
    return this;
  }

  copyFrom(o: FdInfo): this {
    this.type = o.type; this.name = o.name; this.nameRaw = o.nameRaw; this.openFlags = o.openFlags;
    this.ino = o.ino; this.dev = o.dev; this.sip.set(o.sip); this.dip.set(o.dip); this.sport = o.sport;
    this.dport = o.dport; this.l4proto = o.l4proto; this.role = o.role; this.unixSource = o.unixSource;
    this.unixDest = o.unixDest; this.nameChanged = false; this.connected = o.connected; this.pid = o.pid;
    return this;
  }

  isV4(): boolean { return this.type === FdType.IPV4_SOCK || this.type === FdType.IPV4_SERVSOCK; }
  isV6(): boolean { return this.type === FdType.IPV6_SOCK || this.type === FdType.IPV6_SERVSOCK; }
}

/** The fds of one process (threads sharing CLONE_FILES share the table). */
export class FdTable {
  readonly map = new Map<number, FdInfo>();
  get(fd: number): FdInfo | undefined { return this.map.get(fd); }
  /** Adds or replaces `fd`, returning the (reused or new) entry to fill in. */
  add(fd: number): FdInfo {
    let e = this.map.get(fd);
    if (e) e.reset(); else { e = new FdInfo(); this.map.set(fd, e); }
    e.fd = fd;
    return e;
  }
  remove(fd: number): void { this.map.delete(fd); }
  clone(): FdTable {
    const t = new FdTable();
    for (const [fd, e] of this.map) { const n = new FdInfo().copyFrom(e); n.fd = fd; t.map.set(fd, n); }
    return t;
  }
  get size(): number { return this.map.size; }
}

// ---- address formatting (what sinsp prints) ----

export function ipv4ToString(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952 text form, like inet_ntop (IPv4-mapped addresses as ::ffff:a.b.c.d). */
export function ipv6ToString(b: Uint8Array, off = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  // IPv4-mapped and IPv4-compatible forms, as glibc's inet_ntop prints them.
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && (w[5] === 0xffff || (w[5] === 0 && w[6] !== 0))) {
    return (w[5] === 0xffff ? '::ffff:' : '::') + ipv4ToString(b, off + 12);
  }
  let bestS = -1, bestL = 0;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestL && j - i >= 2) { bestS = i; bestL = j - i; }
    i = j;
  }
  const hex = (x: number): string => x.toString(16);
  if (bestS < 0) return w.map(hex).join(':');
  return w.slice(0, bestS).map(hex).join(':') + '::' + w.slice(bestS + bestL).map(hex).join(':');
}

export function ipToString(b: Uint8Array, v6: boolean): string {
  return v6 ? ipv6ToString(b) : ipv4ToString(b);
}

/** "sip:sport->dip:dport" for a socket fd. */
export function tupleName(e: FdInfo): string {
  const v6 = e.isV6();
  return `${ipToString(e.sip, v6)}:${e.sport}->${ipToString(e.dip, v6)}:${e.dport}`;
}
