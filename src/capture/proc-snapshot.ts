// The /proc snapshot taken when live capture starts: what a capture file's header blocks
// (MI, PL, FDL, UL, IL) carry, built from /proc, /etc/passwd and /etc/group, so the state
// tables know the processes and fds that existed before the first event.
//
// Sockets are resolved by inode against /proc/<pid>/net/{tcp,tcp6,udp,udp6,raw,unix}, read
// once per network namespace (containers have their own). Threads of one process share the fd
// table; fds are listed under the process's main thread.

import { closeSync, lstatSync, openSync, readSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { hostname, networkInterfaces, totalmem, cpus, uptime } from 'node:os';
import type { CaptureHeader, FdEntry, GroupEntry, InterfaceEntry, MachineInfo, ProcEntry, ThreadLookup, UserEntry } from './types.js';
import { FdType } from './types.js';

// /proc files report size 0, so readFileSync fstat()s, then grows a fresh buffer per file: a
// snapshot reads a dozen files per process. One scratch buffer, grown when a file fills it,
// and no fstat make the snapshot (and the start-up window it leaves open) shorter.
let scratch = Buffer.allocUnsafe(64 * 1024);
function readText(path: string): string | null {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch { return null; }
  try {
    let n = 0;
    for (;;) {
      if (n === scratch.length) { const bigger = Buffer.allocUnsafe(scratch.length * 2); scratch.copy(bigger, 0, 0, n); scratch = bigger; }
      const got = readSync(fd, scratch, n, scratch.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return scratch.toString('latin1', 0, n);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
function readLink(path: string): string {
  try { return readlinkSync(path); } catch { return ''; }
}
function nulList(s: string | null): string[] {
  if (s === null || s === '') return [];
  const parts = s.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function machineInfo(): MachineInfo {
  const pidMax = Number((readText('/proc/sys/kernel/pid_max') ?? '32768').trim());
  const bootMs = Date.now() - uptime() * 1000;
  return {
    numCpus: cpus().length,
    memorySizeBytes: BigInt(totalmem()),
    maxPid: BigInt(pidMax),
    hostname: hostname(),
    bootTsEpoch: BigInt(Math.round(bootMs)) * 1000000n,
    flags: 0n,
  };
}

export function readUsers(path = '/etc/passwd'): UserEntry[] {
  const out: UserEntry[] = [];
  for (const line of (readText(path) ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#')) continue;
    out.push({ uid: Number(f[2]), gid: Number(f[3]), name: f[0]!, homedir: f[5]!, shell: f[6]! });
  }
  return out;
}

export function readGroups(path = '/etc/group'): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of (readText(path) ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || line.startsWith('#')) continue;
    out.push({ gid: Number(f[2]), name: f[0]! });
  }
  return out;
}

function ipBytes(addr: string, family: 4 | 6): Uint8Array {
  if (family === 4) return Uint8Array.from(addr.split('.').map(Number));
  // expand :: and parse 8 groups
  const [head, tail] = addr.split('%')[0]!.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { const v = parseInt(g, 16) || 0; out[i * 2] = v >> 8; out[i * 2 + 1] = v & 0xff; });
  return out;
}

export function readInterfaces(): InterfaceEntry[] {
  const out: InterfaceEntry[] = [];
  for (const [name, list] of Object.entries(networkInterfaces())) {
    for (const a of list ?? []) {
      const family = a.family === 'IPv4' ? 4 : 6;
      const addr = ipBytes(a.address, family);
      const mask = ipBytes(a.netmask, family);
      const bcast = new Uint8Array(addr.length);
      if (family === 4) for (let i = 0; i < 4; i++) bcast[i] = (addr[i]! | (~mask[i]! & 0xff)) & 0xff;
      out.push({ family, name, addr, netmask: mask, bcast, linkspeed: 0n });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// sockets by inode

interface SockInfo {
  type: number;
  sip: Uint8Array; dip: Uint8Array; sport: number; dport: number; l4proto: number;
  name: string; unixSource: bigint;
}

const EMPTY = new Uint8Array(0);
const L4 = { TCP: 2, UDP: 3, RAW: 5 } as const;

/** /proc/net/tcp stores an IPv4 address as a host-order (little-endian here) u32 in hex. */
function hexIp4(h: string): Uint8Array {
  const v = parseInt(h, 16);
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}
/** IPv6: four such u32 words. */
function hexIp6(h: string): Uint8Array {
  const out = new Uint8Array(16);
  for (let w = 0; w < 4; w++) out.set(hexIp4(h.slice(w * 8, w * 8 + 8)), w * 4);
  return out;
}

function parseInet(text: string | null, v6: boolean, l4: number, into: Map<string, SockInfo>): void {
  if (text === null) return;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [la, lp] = f[1]!.split(':');
    const [ra, rp] = f[2]!.split(':');
    const inode = f[9]!;
    if (inode === '0') continue;
    const listen = l4 === L4.TCP ? f[3] === '0A' : rp === '0000' && /^0+$/.test(ra!);
    const sip = v6 ? hexIp6(la!) : hexIp4(la!);
    const dip = v6 ? hexIp6(ra!) : hexIp4(ra!);
    const sport = parseInt(lp!, 16);
    const dport = parseInt(rp!, 16);
    if (listen) {
      into.set(inode, { type: v6 ? FdType.IPV6_SERVSOCK : FdType.IPV4_SERVSOCK, sip, dip: EMPTY, sport, dport: 0, l4proto: l4, name: '', unixSource: 0n });
    } else {
      into.set(inode, { type: v6 ? FdType.IPV6_SOCK : FdType.IPV4_SOCK, sip, dip, sport, dport, l4proto: l4, name: '', unixSource: 0n });
    }
  }
}

function parseUnix(text: string | null, into: Map<string, SockInfo>): void {
  if (text === null) return;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 7) continue;
    const addr = BigInt('0x' + f[0]!.replace(/:$/, ''));
    into.set(f[6]!, { type: FdType.UNIX_SOCK, sip: EMPTY, dip: EMPTY, sport: 0, dport: 0, l4proto: 0, name: f[7] ?? '', unixSource: addr });
  }
}

function socketTable(pid: number, cache: Map<string, Map<string, SockInfo>>): Map<string, SockInfo> {
  const ns = readLink(`/proc/${pid}/ns/net`);
  let t = cache.get(ns);
  if (t) return t;
  t = new Map();
  const base = `/proc/${pid}/net`;
  parseInet(readText(`${base}/tcp`), false, L4.TCP, t);
  parseInet(readText(`${base}/tcp6`), true, L4.TCP, t);
  parseInet(readText(`${base}/udp`), false, L4.UDP, t);
  parseInet(readText(`${base}/udp6`), true, L4.UDP, t);
  parseInet(readText(`${base}/raw`), false, L4.RAW, t);
  parseUnix(readText(`${base}/unix`), t);
  cache.set(ns, t);
  return t;
}

// ---------------------------------------------------------------------------------------
// fds

/** Linux open flags (octal, from fdinfo) → PPM_O_* (file_flags). */
export function ppmOpenFlags(f: number): number {
  let r = 0;
  const acc = f & 3;
  r |= acc === 0 ? 1 : acc === 1 ? 2 : 3;
  if (f & 0o100) r |= 4;
  if (f & 0o2000) r |= 8;
  if (f & 0o10000) r |= 16;
  if (f & 0o200) r |= 32;
  if (f & 0o4000) r |= 64;
  if ((f & 0o4010000) === 0o4010000) r |= 128;
  if (f & 0o1000) r |= 256;
  if (f & 0o40000) r |= 512;
  if (f & 0o200000) r |= 1024;
  if (f & 0o100000) r |= 2048;
  if (f & 0o2000000) r |= 4096;
  return r;
}

function blankFd(fd: number): FdEntry {
  return { fd, ino: 0n, type: FdType.UNSUPPORTED, name: '', openFlags: 0, dev: 0, sip: EMPTY, dip: EMPTY, sport: 0, dport: 0, l4proto: 0, unixSource: 0n, unixDest: 0n };
}

function encodeDev(dev: number): number {
  // st_dev from Node is already the user-space encoding; keep its low 32 bits
  return dev >>> 0;
}

function readFds(pid: number, netCache: Map<string, Map<string, SockInfo>>): FdEntry[] {
  let names: string[];
  try { names = readdirSync(`/proc/${pid}/fd`); } catch { return []; }
  const out: FdEntry[] = [];
  for (const n of names) {
    const fd = Number(n);
    const link = readLink(`/proc/${pid}/fd/${n}`);
    if (link === '') continue;
    const e = blankFd(fd);
    const info = readText(`/proc/${pid}/fdinfo/${n}`) ?? '';
    const fm = /flags:\s*([0-7]+)/.exec(info);
    const lflags = fm ? parseInt(fm[1]!, 8) : 0;
    e.openFlags = ppmOpenFlags(lflags);
    const im = /ino:\s*(\d+)/.exec(info);
    if (im) e.ino = BigInt(im[1]!);
    let m: RegExpExecArray | null;
    if ((m = /^socket:\[(\d+)\]$/.exec(link))) {
      e.ino = BigInt(m[1]!);
      const s = socketTable(pid, netCache).get(m[1]!);
      if (!s) { e.type = FdType.UNSUPPORTED; e.name = link; } else {
        e.type = s.type; e.sip = s.sip; e.dip = s.dip; e.sport = s.sport; e.dport = s.dport; e.l4proto = s.l4proto;
        e.name = s.name; e.unixSource = s.unixSource;
      }
    } else if ((m = /^pipe:\[(\d+)\]$/.exec(link))) {
      e.type = FdType.FIFO; e.ino = BigInt(m[1]!); e.name = link;
    } else if (link.startsWith('anon_inode:')) {
      const k = link.slice(11).replace(/^\[|\]$/g, '');
      e.name = link;
      e.type = k === 'eventfd' ? FdType.EVENT : k === 'signalfd' ? FdType.SIGNALFD : k === 'eventpoll' ? FdType.EVENTPOLL
        : k === 'inotify' ? FdType.INOTIFY : k === 'timerfd' ? FdType.TIMERFD : k.startsWith('bpf') ? FdType.BPF
        : k === 'userfaultfd' ? FdType.USERFAULTFD : k === 'io_uring' ? FdType.IOURING : k === 'pidfd' ? FdType.PIDFD : FdType.UNSUPPORTED;
    } else if (link.startsWith('/memfd:')) {
      e.type = FdType.MEMFD; e.name = link;
    } else if (link.startsWith('/')) {
      e.name = link.replace(/ \(deleted\)$/, '');
      try {
        const st = statSync(`/proc/${pid}/fd/${n}`);
        e.type = st.isDirectory() ? FdType.DIRECTORY : FdType.FILE_V2;
        e.dev = encodeDev(st.dev);
        e.ino = BigInt(st.ino);
      } catch { e.type = FdType.FILE_V2; }
    } else {
      e.name = link;
    }
    out.push(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// the executable file

/** The executable facts the execve event carries, for a process already running. */
export interface ExeFacts {
  exeIno?: bigint;
  exeInoCtime?: bigint;
  exeInoMtime?: bigint;
  exeWritable: boolean;
  exeUpperLayer?: boolean;
  exeLowerLayer?: boolean;
  exeFromMemfd?: boolean;
}

interface Mount { point: string; fstype: string; upperdir: string }

/** "\040" and friends in mountinfo paths. */
function unescapeMount(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** The mounts of a process's mount namespace (mount point as the process sees it). */
function mountsOf(pid: number, cache: Map<string, Mount[]>): Mount[] {
  const ns = readLink(`/proc/${pid}/ns/mnt`);
  let m = cache.get(ns);
  if (m) return m;
  m = [];
  for (const line of (readText(`/proc/${pid}/mountinfo`) ?? '').split('\n')) {
    // id parent major:minor root point options [optional...] - fstype source superopts
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    if (left.length < 5 || right.length < 3) continue;
    const up = /(?:^|,)upperdir=([^,]*)/.exec(right[2]!);
    m.push({ point: unescapeMount(left[4]!), fstype: right[0]!, upperdir: up ? unescapeMount(up[1]!) : '' });
  }
  cache.set(ns, m);
  return m;
}

/**
 * What the probe reports at execve, from /proc for a process that was already running: the
 * inode and its times (stat through /proc/PID/exe, which reaches the file in the process's
 * own mount namespace), memfd executables, write access for the process's user (owner, or
 * the mode bits for its uid/gid; root may write), and for overlayfs the layer: upper when the
 * file exists in the upper directory (written or copied up), lower otherwise.
 */
export function exeFacts(pid: number, exepath: string, uid: number, gid: number, mounts: Map<string, Mount[]>): ExeFacts {
  const f: ExeFacts = { exeWritable: false };
  if (exepath.startsWith('/memfd:')) f.exeFromMemfd = true;
  let st;
  try { st = statSync(`/proc/${pid}/exe`, { bigint: true }); } catch { return f; }
  f.exeIno = st.ino;
  f.exeInoCtime = st.ctimeNs;
  f.exeInoMtime = st.mtimeNs;
  f.exeFromMemfd = f.exeFromMemfd === true;
  const mode = Number(st.mode);
  f.exeWritable = Number(st.uid) === uid || uid === 0 || (mode & 0o002) !== 0 || ((mode & 0o020) !== 0 && Number(st.gid) === gid);
  f.exeUpperLayer = false;
  f.exeLowerLayer = false;
  if (!exepath.startsWith('/') || f.exeFromMemfd) return f;
  let best: Mount | null = null;
  for (const m of mountsOf(pid, mounts)) {
    const p = m.point === '/' ? '/' : m.point + '/';
    if ((exepath.startsWith(p) || exepath === m.point) && (best === null || m.point.length >= best.point.length)) best = m;
  }
  if (best === null || best.fstype !== 'overlay' || best.upperdir === '') return f;
  const rel = best.point === '/' ? exepath : exepath.slice(best.point.length);
  try {
    // the upper directory path is the mounter's; a whiteout (char device 0:0) hides a file
    const u = lstatSync(best.upperdir + rel);
    if (u.isCharacterDevice() && u.rdev === 0) f.exeLowerLayer = true;
    else f.exeUpperLayer = true;
  } catch {
    f.exeLowerLayer = true;
  }
  return f;
}

// ---------------------------------------------------------------------------------------
// threads

function statusField(status: string, key: string): string {
  const i = status.indexOf('\n' + key + ':');
  if (i < 0) return '';
  const end = status.indexOf('\n', i + 1);
  return status.slice(i + key.length + 2, end < 0 ? undefined : end).trim();
}

function fdLimit(pid: number): bigint {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readText(`/proc/${pid}/limits`) ?? '');
  if (!m) return 0n;
  return m[1] === 'unlimited' ? -1n : BigInt(m[1]!);
}

function cgroupsOf(text: string | null): string[] {
  const out: string[] = [];
  for (const line of (text ?? '').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const path = m[2]!;
    if (m[1] === '') { out.push(`unified=${path}`); continue; }
    for (const ss of m[1]!.split(',')) out.push(`${ss.replace(/^name=/, '')}=${path}`);
  }
  return out;
}

/**
 * A thread's start as ns since the epoch: /proc's starttime counts USER_HZ (100 per second on
 * Linux, whatever the kernel's HZ) ticks since boot.
 */
let bootNs = -1n;
function startNs(ticks: string | undefined): bigint | undefined {
  if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined;
  if (bootNs < 0n) bootNs = BigInt(Math.round((Date.now() - uptime() * 1000) * 1e6));
  return bootNs + BigInt(ticks) * 10000000n;
}

function threadEntry(pid: number, tid: number, proc: ProcessFacts, mounts: Map<string, Mount[]>): ProcEntry | null {
  const base = pid === tid ? `/proc/${pid}` : `/proc/${pid}/task/${tid}`;
  const stat = readText(`${base}/stat`);
  const status = readText(`${base}/status`);
  if (stat === null || status === null) return null;
  // comm may contain spaces and parens: fields start after the last ')'
  const rp = stat.lastIndexOf(')');
  const f = stat.slice(rp + 2).split(' ');
  const comm = (readText(`${base}/comm`) ?? '').replace(/\n$/, '');
  const uids = statusField(status, 'Uid').split(/\s+/);
  const gids = statusField(status, 'Gid').split(/\s+/);
  const nstgid = statusField(status, 'NStgid').split(/\s+/);
  const nspid = statusField(status, 'NSpid').split(/\s+/);
  const kb = (k: string) => Number(statusField(status, k).split(/\s+/)[0] || 0);
  const hex = (k: string) => { const v = statusField(status, k); return v ? BigInt('0x' + v) : 0n; };
  const args = proc.args;
  // the executable is the process's: looked at once, for its first thread
  const uid = Number(uids[1] ?? 0), gid = Number(gids[1] ?? 0);
  if (proc.exe === null) proc.exe = exeFacts(pid, proc.exepath, uid, gid, mounts);
  const x = proc.exe;
  return {
    tid, pid,
    ptid: Number(statusField(status, 'PPid') || 0),
    sid: Number(f[3] ?? 0),
    vpgid: Number(f[2] ?? 0),
    comm,
    exe: args[0] ?? comm,
    exepath: proc.exepath,
    args: args.slice(1),
    cwd: proc.cwd,
    fdlimit: proc.fdlimit,
    flags: 0,
    uid: Number(uids[1] ?? 0),
    gid: Number(gids[1] ?? 0),
    vmsizeKb: kb('VmSize'),
    vmrssKb: kb('VmRSS'),
    vmswapKb: kb('VmSwap'),
    pfmajor: BigInt(f[9] ?? 0),
    pfminor: BigInt(f[7] ?? 0),
    env: proc.env,
    vtid: Number(nspid[nspid.length - 1] || tid),
    vpid: Number(nstgid[nstgid.length - 1] || pid),
    cgroups: proc.cgroups,
    root: proc.root,
    loginuid: proc.loginuid,
    exeWritable: x.exeWritable,
    exeIno: x.exeIno, exeInoCtime: x.exeInoCtime, exeInoMtime: x.exeInoMtime,
    exeUpperLayer: x.exeUpperLayer, exeLowerLayer: x.exeLowerLayer, exeFromMemfd: x.exeFromMemfd,
    capInheritable: hex('CapInh'),
    capPermitted: hex('CapPrm'),
    capEffective: hex('CapEff'),
    cloneTs: startNs(f[19]),
  };
}

type ProcessFacts = { args: string[]; env: string[]; exepath: string; cwd: string; root: string; fdlimit: bigint; cgroups: string[]; loginuid: number; exe: ExeFacts | null };

/** What the threads of process `pid` share; null when the process is gone. */
function processFacts(pid: number, opts: SnapshotOptions): ProcessFacts | null {
  const cmdline = readText(`/proc/${pid}/cmdline`);
  if (cmdline === null) return null;
  const loginuidText = readText(`/proc/${pid}/loginuid`);
  return {
    args: nulList(cmdline),
    env: opts.env === false ? [] : nulList(readText(`/proc/${pid}/environ`)),
    exepath: readLink(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, ''),
    cwd: readLink(`/proc/${pid}/cwd`),
    root: readLink(`/proc/${pid}/root`),
    fdlimit: fdLimit(pid),
    cgroups: cgroupsOf(readText(`/proc/${pid}/cgroup`)),
    loginuid: loginuidText === null ? -1 : Number(loginuidText.trim()) | 0,
    exe: null,
  };
}

/** Socket tables by network namespace, shared by lookups for a short while (see below). */
const lookupNet = new Map<string, Map<string, SockInfo>>();
let lookupNetAt = 0;

/**
 * Reads one thread (any tid: /proc/<tid> answers for threads too) and its process from the
 * live /proc, the way the start-up snapshot does: what the state asks for when an event names
 * a thread it never saw (its clone was dropped, or it was purged). Null when it has exited.
 */
export function lookupThread(tid: number, opts: SnapshotOptions = {}): ThreadLookup | null {
  if (!Number.isInteger(tid) || tid <= 0) return null;
  const status = readText(`/proc/${tid}/status`);
  if (status === null) return null;
  const pid = Number(statusField(status, 'Tgid'));
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const proc = processFacts(pid, opts);
  if (proc === null) return null;
  const mounts = new Map<string, Mount[]>();
  const self = threadEntry(pid, tid, proc, mounts);
  if (self === null) return null;
  const procs = [self];
  if (pid !== tid) {
    const main = threadEntry(pid, pid, proc, mounts);
    if (main !== null) procs.push(main);
  }
  if (opts.fds === false) return { procs, fds: [] };
  // The network namespace's socket tables are the costly part of a lookup: a burst of lookups
  // (after drops) shares them for a quarter second. A socket newer than the tables shows up as
  // a socket of unknown address until the process's next connect/accept/bind event.
  const now = performance.now();
  if (now - lookupNetAt > 250) { lookupNet.clear(); lookupNetAt = now; }
  return { procs, fds: readFds(pid, lookupNet) };
}

export interface SnapshotOptions {
  /** Include environments (default true). */
  env?: boolean;
  /** Include fds (default true). */
  fds?: boolean;
}

/** Snapshot of the whole system from /proc. Processes that vanish midway are skipped. */
export async function snapshotProc(opts: SnapshotOptions = {}): Promise<CaptureHeader> {
  const procs: ProcEntry[] = [];
  const fds = new Map<number, FdEntry[]>();
  const netCache = new Map<string, Map<string, SockInfo>>();
  const mountCache = new Map<string, Mount[]>();
  let pids: number[];
  try { pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number); } catch { pids = []; }
  for (const pid of pids) {
    const proc = processFacts(pid, opts);
    if (proc === null) continue;
    let tids: number[];
    try { tids = readdirSync(`/proc/${pid}/task`).map(Number); } catch { tids = [pid]; }
    let any = false;
    for (const tid of tids) {
      const e = threadEntry(pid, tid, proc, mountCache);
      if (e !== null) { procs.push(e); any = true; }
    }
    if (any && opts.fds !== false) fds.set(pid, readFds(pid, netCache));
    // yield now and then so a big /proc does not stall the event loop
    if (procs.length % 256 === 0) await new Promise<void>((r) => setImmediate(r));
  }
  return { machine: machineInfo(), procs, fds, users: readUsers(), groups: readGroups(), interfaces: readInterfaces() };
}

