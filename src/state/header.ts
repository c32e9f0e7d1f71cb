// The state tables as a capture header (PL, FDL, UL, IL, MI): what a scap file must start with
// so that a reader knows the processes, fds and users that its first events refer to. Capture
// recording on alerts (src/engine/capture-recorder.ts) writes it at the alert, so a recording
// taken in the middle of a long run is self-contained, as `kestrel inspect -w` files are with
// their /proc snapshot.
//
// Everything is copied: the header is written once the file is open (asynchronously), by which
// time the live tables have moved on (fd tuples are updated in place, for one).

import type { CaptureHeader, FdEntry, MachineInfo, ProcEntry } from '../capture/types.js';
import { FdType } from '../capture/types.js';
import type { FdInfo, FdTable } from './fdinfo.js';
import type { Inspector } from './inspector.js';
import type { ThreadInfo } from './thread.js';

const EMPTY = new Uint8Array(0);
/** The state names a unix socket "<source>-><dest> <path>" once it saw a tuple; FDL wants the path. */
const UNIX_TUPLE = /^[0-9a-f]+->[0-9a-f]+ /;

function procOf(t: ThreadInfo): ProcEntry {
  return {
    tid: t.tid, pid: t.pid, ptid: t.ptid, sid: t.sid, vpgid: t.vpgid, comm: t.comm, exe: t.exe, exepath: t.exepath,
    args: t.args.slice(), cwd: t.cwd, fdlimit: BigInt(Math.max(0, Math.trunc(t.fdlimit))), flags: t.flags,
    uid: t.uid, gid: t.gid, vmsizeKb: t.vmsizeKb, vmrssKb: t.vmrssKb, vmswapKb: t.vmswapKb,
    pfmajor: BigInt(Math.max(0, Math.trunc(t.pfmajor))), pfminor: BigInt(Math.max(0, Math.trunc(t.pfminor))),
    env: t.env.slice(), vtid: t.vtid, vpid: t.vpid, cgroups: t.cgroups.slice(), root: t.root, loginuid: t.loginuid,
    exeWritable: t.exeWritable, capInheritable: t.capInheritable, capPermitted: t.capPermitted, capEffective: t.capEffective,
  };
}

function fdOf(e: FdInfo, fd: number): FdEntry {
  const v4 = e.type === FdType.IPV4_SOCK || e.type === FdType.IPV4_SERVSOCK;
  const v6 = e.type === FdType.IPV6_SOCK || e.type === FdType.IPV6_SERVSOCK;
  let name = e.name;
  if (e.type === FdType.UNIX_SOCK && UNIX_TUPLE.test(name)) name = name.slice(name.indexOf(' ') + 1);
  if (v4 || v6) name = '';
  return {
    fd,
    ino: e.ino,
    // The state keeps files as FILE; FILE_V2 is the FDL entry that carries open flags and dev.
    type: e.type === FdType.FILE ? FdType.FILE_V2 : e.type,
    name, openFlags: e.openFlags, dev: e.dev,
    sip: v4 ? e.sip.slice(0, 4) : v6 ? e.sip.slice(0, 16) : EMPTY,
    dip: v4 ? e.dip.slice(0, 4) : v6 ? e.dip.slice(0, 16) : EMPTY,
    sport: e.sport, dport: e.dport, l4proto: e.l4proto, unixSource: e.unixSource, unixDest: e.unixDest,
  };
}

/**
 * The inspector's current threads, fds, users and interfaces as a CaptureHeader (deep copies).
 * Placeholder threads (tids seen only in an event, nothing known) are left out: a reader makes
 * the same placeholder on sight. Each process's fd table is listed once, under its main thread
 * when the table knows it, else under the first of its threads listed.
 */
export function headerFromState(insp: Inspector, machine: MachineInfo | null): CaptureHeader {
  const procs: ProcEntry[] = [];
  const fds = new Map<number, FdEntry[]>();
  const listed = new Set<FdTable>();
  const threads = insp.threads;
  for (const t of threads.map.values()) {
    if (t.placeholder) continue;
    procs.push(procOf(t));
  }
  // Main threads first, so a process's table goes under its main thread.
  for (const pass of [true, false]) {
    for (const t of threads.map.values()) {
      if (t.placeholder || (t.tid === t.pid) !== pass || listed.has(t.fds)) continue;
      listed.add(t.fds);
      if (t.fds.size === 0) continue;
      const list: FdEntry[] = [];
      for (const [fd, e] of t.fds.map) list.push(fdOf(e, fd));
      fds.set(t.tid, list);
    }
  }
  return {
    machine: machine === null ? null : { ...machine },
    procs,
    fds,
    users: [...insp.users.values()].map((u) => ({ ...u })),
    groups: [...insp.groups.values()].map((g) => ({ ...g })),
    interfaces: insp.interfaces.map((i) => ({ ...i })),
  };
}
