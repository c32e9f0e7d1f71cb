// Enter-event synthesis for capture files written from live events.
//
// The probe writes one event per syscall: the exit, carrying what the enter knew in its
// appended parameters. sysdig 0.29.3 (and current libs' converter) expect E/X pairs, and some
// of their parsers read arguments from the enter event (e.g. close's fd, openat's flags on
// older paths). For every exit event this builds the matching 2022 enter event, filling each
// enter parameter from the exit parameter of the same name (the 2022 layouts name them
// alike: fd, dirfd, name, flags, mode, domain, addr, filename...), so files carry proper pairs.
// Parameters the exit does not carry are written empty (zero length = missing).
//
// One reused output buffer and view; a plan per exit type is computed once.

import { EVENTS } from '../../schema/events.js';
import { EventView, EVENT_HEADER_SIZE } from '../events/event-view.js';

/** For an exit type: the enter type and, per enter param, the exit param index (or -1). */
interface Plan {
  enterType: number;
  /** A process-creating call (no enter on the child's side). */
  child: boolean;
  from: Int8Array;
  /** Per enter param: an exit param to use when `from` is empty (or -1). */
  alt: Int8Array;
}

const NO_PLAN: Plan = { enterType: -1, child: false, from: new Int8Array(0), alt: new Int8Array(0) };

/**
 * Stand-ins for an enter parameter the probe could not read. execve's filename is read from
 * the caller's memory, which a non-faulting BPF read cannot reach when the page is not
 * mapped yet (a string literal of a just-forked child): the resolved executable path names
 * the same file, so readers that derive proc.exepath from the enter's filename (sysdig
 * 0.29.3) get the path instead of the cwd.
 */
const ALT: Readonly<Record<string, string>> = { filename: 'trusted_exepath' };

/** Current-table exits the probe writes for fidelity, and the 2022 pair they become in files. */
const DUP_1_X = 367, DUP2_X = 363, DUP3_X = 365, BPF_2_X = 369;
const DUP_E = 124, DUP_X = 125, BPF_E = 296, BPF_X = 297;
const EXECVEAT_X = 331;
const SENDFILE_X = 189;

/**
 * Exits of the process-creating calls: the child returns from them without having entered,
 * so its side (res 0) gets no enter event, as drivers record it. An enter there would make
 * sinsp create the child as an unknown thread before the parent's exit describes it (a vfork
 * child runs first), and the child would stay "<NA>".
 */
const CHILD_SIDE = new Set(['clone', 'fork', 'vfork', 'clone3']);

export class EnterSynth {
  private readonly legacyBuf = [Buffer.alloc(8192), Buffer.alloc(8192)];
  private readonly legacyViews = [new EventView(), new EventView()];

  /** Writes an event (header from `like`, the given type and params) into legacyBuf[slot]. */
  private build(slot: 0 | 1, like: EventView, type: number, tsDelta: bigint, params: Buffer[]): EventView | null {
    let size = EVENT_HEADER_SIZE + 2 * params.length;
    for (const p of params) size += p.length;
    const b = this.legacyBuf[slot]!;
    if (size > b.length) return null;
    b.writeBigUInt64LE(like.buf.readBigUInt64LE(like.off) - tsDelta, 0);
    like.buf.copy(b, 8, like.off + 8, like.off + 16);
    b.writeUInt32LE(size, 16);
    b.writeUInt16LE(type, 20);
    b.writeUInt32LE(params.length, 22);
    let p = EVENT_HEADER_SIZE + 2 * params.length;
    params.forEach((q, i) => { b.writeUInt16LE(q.length, EVENT_HEADER_SIZE + 2 * i); q.copy(b, p); p += q.length; });
    const v = this.legacyViews[slot]!;
    if (v.load(b, 0, size, like.cpu, 0) !== null) return null;
    v.num = like.num;
    return v;
  }

  /**
   * For the current-table exits the probe emits where the 2022 event lacks a needed
   * argument (dup family: oldfd; bpf: cmd), the 2022 E/X pair sysdig 0.29.3 reads; null for
   * every other event.
   */
  legacyPair(ev: EventView): [EventView, EventView] | null {
    const t = ev.type;
    const param = (i: number) => ev.buf.subarray(ev.poff[i]!, ev.poff[i]! + ev.plen[i]!);
    if (t === DUP_1_X || t === DUP2_X || t === DUP3_X) {
      if (ev.nparams < 2) return null;
      const e = this.build(0, ev, DUP_E, 1n, [param(1)]);
      const x = this.build(1, ev, DUP_X, 0n, [param(0)]);
      return e && x ? [e, x] : null;
    }
    if (t === BPF_2_X) {
      if (ev.nparams < 2) return null;
      const res = ev.buf.readBigInt64LE(ev.poff[0]!);
      const cmd = ev.buf.readUInt32LE(ev.poff[1]!);
      const cmdParam = Buffer.alloc(8);
      cmdParam.writeBigInt64LE(BigInt(cmd));
      // res_or_fd DYN: selector 0 = FD for a created map/program, 1 = ERRNO otherwise
      const dyn = Buffer.alloc(9);
      dyn[0] = res >= 0n && (cmd === 0 || cmd === 5) ? 0 : 1;
      dyn.writeBigInt64LE(res, 1);
      const e = this.build(0, ev, BPF_E, 1n, [cmdParam]);
      const x = this.build(1, ev, BPF_X, 0n, [dyn]);
      return e && x ? [e, x] : null;
    }
    return null;
  }

  private readonly plans: (Plan | undefined)[] = [];
  private buf = Buffer.alloc(1 << 16);
  private readonly view = new EventView();

  private plan(exitType: number): Plan {
    let p = this.plans[exitType];
    if (p !== undefined) return p;
    p = NO_PLAN;
    const x = EVENTS[exitType];
    const e = EVENTS[exitType - 1];
    // Only proper E/X pairs (odd exit id after an enter of the same name); enter-only events
    // such as procexit have no pair, and EF_UNUSED exits ("NA") are never produced.
    if (x !== undefined && e !== undefined && x.dir === 'X' && e.dir === 'E' && (exitType & 1) === 1 && x.name === e.name) {
      const xNames = [...x.params, ...x.appended].map((q) => q.name);
      const from = new Int8Array(e.params.length);
      const alt = new Int8Array(e.params.length).fill(-1);
      e.params.forEach((q, i) => {
        from[i] = xNames.indexOf(q.name);
        const a = ALT[q.name];
        if (a !== undefined) alt[i] = xNames.indexOf(a);
      });
      p = { enterType: exitType - 1, child: CHILD_SIDE.has(x.name), from, alt };
    }
    this.plans[exitType] = p;
    return p;
  }

  /**
   * execveat's enter (dirfd, pathname, AT_* flags): the exit carries none of them (its own
   * `flags` are the PPM_EXE_* bits, not AT_* ones). With the resolved executable path it is
   * written as the equivalent call execveat(AT_FDCWD, path, 0); without it, all empty.
   */
  private execveatEnter(exit: EventView): EventView | null {
    const x = EVENTS[exit.type]!;
    const ti = [...x.params, ...x.appended].findIndex((q) => q.name === 'trusted_exepath');
    const at = (i: number) => exit.buf.subarray(exit.poff[i]!, exit.poff[i]! + exit.plen[i]!);
    if (ti < 0 || ti >= exit.nparams || exit.plen[ti]! <= 1) return this.build(0, exit, EXECVEAT_X - 1, 1n, [Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(0)]);
    const dirfd = Buffer.alloc(8);
    dirfd.writeBigInt64LE(-100n);
    return this.build(0, exit, EXECVEAT_X - 1, 1n, [dirfd, Buffer.from(at(ti)), Buffer.alloc(4)]);
  }

  /** The exit parameter that fills enter parameter i (-1: none): the stand-in when empty. */
  private source(plan: Plan, i: number, exit: EventView): number {
    const j = plan.from[i]!;
    const ok = j >= 0 && j < exit.nparams;
    // an empty string is a lone NUL
    if (ok && exit.plen[j]! > 1) return j;
    const a = plan.alt[i]!;
    if (a >= 0 && a < exit.nparams && exit.plen[a]! > 1) return a;
    return ok ? j : -1;
  }

  /**
   * The enter event for `exit`, as a view over an internal buffer (valid until the next
   * call), or null when the event has no enter counterpart. Its timestamp is the exit's
   * minus 1 ns, so it sorts right before the exit.
   */
  enterFor(exit: EventView): EventView | null {
    const plan = this.plan(exit.type);
    if (plan.enterType < 0) return null;
    if (plan.child && exit.nparams > 0 && exit.plen[0] === 8 && exit.buf.readBigInt64LE(exit.poff[0]!) === 0n) return null;
    if (exit.type === EXECVEAT_X) return this.execveatEnter(exit);
    const n = plan.from.length;
    let size = EVENT_HEADER_SIZE + 2 * n;
    for (let i = 0; i < n; i++) {
      const j = this.source(plan, i, exit);
      if (j >= 0) size += exit.plen[j]!;
    }
    if (size > this.buf.length) this.buf = Buffer.alloc(size * 2);
    const b = this.buf;
    const src = exit.buf;
    // header: ts-1, same tid
    const ts = src.readBigUInt64LE(exit.off);
    b.writeBigUInt64LE(ts > 0n ? ts - 1n : 0n, 0);
    src.copy(b, 8, exit.off + 8, exit.off + 16);
    b.writeUInt32LE(size, 16);
    b.writeUInt16LE(plan.enterType, 20);
    b.writeUInt32LE(n, 22);
    let p = EVENT_HEADER_SIZE + 2 * n;
    for (let i = 0; i < n; i++) {
      const j = this.source(plan, i, exit);
      const len = j >= 0 ? exit.plen[j]! : 0;
      b.writeUInt16LE(len, EVENT_HEADER_SIZE + 2 * i);
      if (len > 0) src.copy(b, p, exit.poff[j]!, exit.poff[j]! + len);
      p += len;
    }
    const err = this.view.load(b, 0, size, exit.cpu, 0);
    if (err !== null) return null;
    // sendfile's exit offset is where the copy ended (*offset as the kernel left it); the
    // enter's is where it started: back by the bytes copied. 0 (no offset given) stays 0.
    if (exit.type === SENDFILE_X && n > 2 && this.view.plen[2] === 8 && exit.plen[0] === 8) {
      const res = src.readBigInt64LE(exit.poff[0]!);
      const end = b.readBigUInt64LE(this.view.poff[2]!);
      if (res > 0n && end >= res) b.writeBigUInt64LE(end - res, this.view.poff[2]!);
    }
    this.view.num = exit.num;
    return this.view;
  }
}
