// What a capture carries besides events: the header-phase blocks of a scap file (MI, PL, FDL,
// UL, IL), which the /proc snapshot also produces at live start. Shared by the file reader and
// writer (src/capture/scap-*.ts), the live source (src/capture/live-*.ts) and the state
// tables (src/state/), which seed themselves from it.

import type { EventView } from '../events/event-view.js';

export interface MachineInfo {
  numCpus: number;
  memorySizeBytes: bigint;
  maxPid: bigint;
  hostname: string;
  /** Boot time in ns since the epoch (current libs' reserved1), 0n if unknown. */
  bootTsEpoch: bigint;
  flags: bigint;
}

/** One thread of the process list (PL block entry, or /proc/<pid>/task/<tid>). */
export interface ProcEntry {
  tid: number;
  pid: number;
  ptid: number;
  sid: number;
  vpgid: number;
  comm: string;
  /** argv[0] */
  exe: string;
  /** Resolved executable path (/proc/<pid>/exe). */
  exepath: string;
  /** argv[1..] */
  args: string[];
  cwd: string;
  fdlimit: bigint;
  /** PPM_CL_* thread flags. */
  flags: number;
  uid: number;
  gid: number;
  vmsizeKb: number;
  vmrssKb: number;
  vmswapKb: number;
  pfmajor: bigint;
  pfminor: bigint;
  /** "K=V" strings. */
  env: string[];
  vtid: number;
  vpid: number;
  /** "subsys=path" strings, one per cgroup controller line. */
  cgroups: string[];
  root: string;
  loginuid: number;
  exeWritable: boolean;
  capInheritable: bigint;
  capPermitted: bigint;
  capEffective: bigint;
  /** Current-layout PL_V9 tails only (absent = unknown): PID namespace start, executable facts. */
  pidnsInitStartTs?: bigint;
  exeUpperLayer?: boolean;
  exeIno?: bigint;
  exeInoCtime?: bigint;
  exeInoMtime?: bigint;
  exeFromMemfd?: boolean;
  exeLowerLayer?: boolean;
  /** Process start, ns since the epoch (live /proc snapshots only; files do not carry it). */
  cloneTs?: bigint;
}

/** scap_fd_type values (FDL entries). */
export const FdType = {
  UNINITIALIZED: 0, FILE: 1, DIRECTORY: 2, IPV4_SOCK: 3, IPV6_SOCK: 4, IPV4_SERVSOCK: 5,
  IPV6_SERVSOCK: 6, FIFO: 7, UNIX_SOCK: 8, EVENT: 9, UNSUPPORTED: 10, SIGNALFD: 11,
  EVENTPOLL: 12, INOTIFY: 13, TIMERFD: 14, NETLINK: 15, FILE_V2: 16, BPF: 17, USERFAULTFD: 18,
  IOURING: 19, MEMFD: 20, PIDFD: 21,
} as const;

/** One open fd of a thread (FDL block entry, or /proc/<pid>/fd/<n>). */
export interface FdEntry {
  fd: number;
  ino: bigint;
  /** A FdType value. */
  type: number;
  /** Path or name for file-like fds; '' for sockets with tuples. */
  name: string;
  /** PPM_O_* flags (FILE_V2). */
  openFlags: number;
  dev: number;
  /** IPv4 as 4 bytes, IPv6 as 16 bytes, network order; empty when not a socket. */
  sip: Uint8Array;
  dip: Uint8Array;
  sport: number;
  dport: number;
  /** scap_l4_proto: 0 unknown, 1 n/a, 2 TCP, 3 UDP, 4 ICMP, 5 RAW. */
  l4proto: number;
  /** Unix sockets: kernel pointers of this end and the peer. */
  unixSource: bigint;
  unixDest: bigint;
}

export interface UserEntry { uid: number; gid: number; name: string; homedir: string; shell: string }
export interface GroupEntry { gid: number; name: string }

export interface InterfaceEntry {
  /** 4 for IPv4, 6 for IPv6. */
  family: 4 | 6;
  name: string;
  addr: Uint8Array;
  netmask: Uint8Array;
  bcast: Uint8Array;
  linkspeed: bigint;
}

export interface CaptureHeader {
  machine: MachineInfo | null;
  procs: ProcEntry[];
  /** tid -> fds of that thread (FDL blocks are per thread). */
  fds: Map<number, FdEntry[]>;
  users: UserEntry[];
  groups: GroupEntry[];
  interfaces: InterfaceEntry[];
}

export interface SourceStats {
  /** Events delivered to the consumer. */
  events: number;
  /** Events lost before delivery (kernel ring-buffer drops for live capture; 0 for files). */
  drops: number;
  /** Lost events by reason/category, e.g. {'file': 3, 'net': 0}. */
  dropsBy: Record<string, number>;
}

/**
 * A source of events: a capture file or the live kernel. Events are delivered in batches, each
 * event through one reused EventView (do not keep the view past the callback).
 */
export interface EventSource {
  /** Header-phase data, available once `open()` resolved. */
  readonly header: CaptureHeader;
  open(): Promise<void>;
  /** Calls `onEvent` for each event of the next batch; resolves false when the source ended. */
  nextBatch(onEvent: (ev: EventView) => void): Promise<boolean>;
  stats(): SourceStats;
  close(): Promise<void>;
  /**
   * Live sources only: reads a thread the state never saw (its clone was dropped or it was
   * purged) from the running system, as the header's snapshot would have. Null when it is gone.
   * Capture files have no such method: their state is what the file says.
   */
  lookupThread?(tid: number): ThreadLookup | null;
}

/** One process read by `EventSource.lookupThread`. */
export interface ThreadLookup {
  /** The asked thread first, then the process's main thread when that is another one. */
  procs: ProcEntry[];
  /** The process's fds (listed under its main thread, like the header's). */
  fds: FdEntry[];
}
