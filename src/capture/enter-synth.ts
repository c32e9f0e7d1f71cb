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
// Nothing is allocated per event: the enter is written into a reused buffer (viewed by a
// reused EventView), parameters are copied through DataViews (bytes.ts), timestamps are moved
// as two u32 halves instead of BigInts, and the 2022 pairs and execveat's enter are built
// from parameter descriptors (offset and length in the exit or in a small constants buffer)
// into two reused scratch events. A plan per exit type is computed once.

import { EVENTS } from '../../schema/events.js';
import { EventView, EVENT_HEADER_SIZE } from '../events/event-view.js';
import { copyBytes, viewOf } from './bytes.js';

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

const HDR = EVENT_HEADER_SIZE;
/** Most parameters `build` writes (execveat's enter: dirfd, pathname, flags). */
const MAX_BUILT = 3;
/** Where `build` takes a parameter from: the exit event or the constants buffer. */
const FROM_EXIT = 0, FROM_CONST = 1;
/** Layout of the constants buffer: bpf's cmd (i64), its res_or_fd (DYN), AT_FDCWD, zero flags. */
const C_CMD = 0, C_DYN = 8, C_DIRFD = 24, C_ZERO4 = 32;

/** Writes the u64 timestamp at `off` of `src` minus `delta` (0 or 1, never below 0) at `at` of `d`. */
function putTs(d: DataView, at: number, src: DataView, off: number, delta: number): void {
  let lo = src.getUint32(off, true);
  let hi = src.getUint32(off + 4, true);
  if (delta !== 0) {
    if (lo !== 0) lo -= 1;
    else if (hi !== 0) { hi -= 1; lo = 0xffffffff; }
  }
  d.setUint32(at, lo, true);
  d.setUint32(at + 4, hi, true);
}

export class EnterSynth {
  // Two scratch events for the 2022 pairs (and execveat's enter), each with its view.
  private readonly legacyBuf = [Buffer.alloc(8192), Buffer.alloc(8192)];
  private readonly legacyDv = [viewOf(this.legacyBuf[0]!), viewOf(this.legacyBuf[1]!)];
  private readonly legacyViews = [new EventView(), new EventView()];
  /** What legacyPair returns (the same array each time, valid until the next call). */
  private readonly pair: [EventView, EventView] = [this.legacyViews[0]!, this.legacyViews[1]!];
  /** The parameters of the event `build` writes next: source, offset, length. */
  private readonly pSrc = new Uint8Array(MAX_BUILT);
  private readonly pOff = new Int32Array(MAX_BUILT);
  private readonly pLen = new Int32Array(MAX_BUILT);
  private pN = 0;
  /** Parameter bytes no exit carries as such (see C_*); C_ZERO4 stays zero. */
  private readonly consts = Buffer.alloc(40);
  private readonly cdv = viewOf(this.consts);
  /** execveat's trusted_exepath among its exit parameters (-2: not looked up yet). */
  private execveatTrusted = -2;

  constructor() {
    // AT_FDCWD (-100) as an i64
    this.cdv.setInt32(C_DIRFD, -100, true);
    this.cdv.setInt32(C_DIRFD + 4, -1, true);
  }

  private param(i: number, src: number, off: number, len: number): void {
    this.pSrc[i] = src;
    this.pOff[i] = off;
    this.pLen[i] = len;
  }

  /**
   * Writes an event into legacyBuf[slot]: header from `like` (timestamp minus `tsDelta`), the
   * given type, and the pN parameters described by pSrc/pOff/pLen.
   */
  private build(slot: 0 | 1, like: EventView, type: number, tsDelta: number): EventView | null {
    const n = this.pN;
    let size = HDR + 2 * n;
    for (let i = 0; i < n; i++) size += this.pLen[i]!;
    const b = this.legacyBuf[slot]!;
    if (size > b.length) return null;
    const d = this.legacyDv[slot]!;
    const sdv = like.dv;
    putTs(d, 0, sdv, like.off, tsDelta);
    d.setUint32(8, sdv.getUint32(like.off + 8, true), true);
    d.setUint32(12, sdv.getUint32(like.off + 12, true), true);
    d.setUint32(16, size, true);
    d.setUint16(20, type, true);
    d.setUint32(22, n, true);
    let p = HDR + 2 * n;
    for (let i = 0; i < n; i++) {
      const len = this.pLen[i]!;
      d.setUint16(HDR + 2 * i, len, true);
      if (len > 0) {
        if (this.pSrc[i] === FROM_CONST) copyBytes(this.consts, this.cdv, this.pOff[i]!, b, d, p, len);
        else copyBytes(like.buf, sdv, this.pOff[i]!, b, d, p, len);
      }
      p += len;
    }
    const v = this.legacyViews[slot]!;
    if (v.load(b, 0, size, like.cpu, 0) !== null) return null;
    v.num = like.num;
    return v;
  }

  /**
   * For the current-table exits the probe emits where the 2022 event lacks a needed
   * argument (dup family: oldfd; bpf: cmd), the 2022 E/X pair sysdig 0.29.3 reads; null for
   * every other event. The array and its views are reused: valid until the next call.
   */
  legacyPair(ev: EventView): readonly [EventView, EventView] | null {
    const t = ev.type;
    if (t === DUP_1_X || t === DUP2_X || t === DUP3_X) {
      if (ev.nparams < 2) return null;
      const off = ev.poff, len = ev.plen;
      this.pN = 1;
      this.param(0, FROM_EXIT, off[1]!, len[1]!);
      const e = this.build(0, ev, DUP_E, 1);
      this.param(0, FROM_EXIT, off[0]!, len[0]!);
      const x = this.build(1, ev, DUP_X, 0);
      return e && x ? this.pair : null;
    }
    if (t === BPF_2_X) {
      if (ev.nparams < 2) return null;
      const dv = ev.dv;
      const r = ev.poff[0]!;
      const resHi = dv.getInt32(r + 4, true);
      const cmd = dv.getUint32(ev.poff[1]!, true);
      const c = this.cdv;
      c.setUint32(C_CMD, cmd, true);
      c.setUint32(C_CMD + 4, 0, true);
      // res_or_fd DYN: selector 0 = FD for a created map/program, 1 = ERRNO otherwise
      c.setUint8(C_DYN, resHi >= 0 && (cmd === 0 || cmd === 5) ? 0 : 1);
      c.setUint32(C_DYN + 1, dv.getUint32(r, true), true);
      c.setInt32(C_DYN + 5, resHi, true);
      this.pN = 1;
      this.param(0, FROM_CONST, C_CMD, 8);
      const e = this.build(0, ev, BPF_E, 1);
      this.param(0, FROM_CONST, C_DYN, 9);
      const x = this.build(1, ev, BPF_X, 0);
      return e && x ? this.pair : null;
    }
    return null;
  }

  private readonly plans: (Plan | undefined)[] = [];
  private buf = Buffer.alloc(1 << 16);
  private dv = viewOf(this.buf);
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
    if (this.execveatTrusted === -2) {
      const x = EVENTS[EXECVEAT_X]!;
      this.execveatTrusted = [...x.params, ...x.appended].findIndex((q) => q.name === 'trusted_exepath');
    }
    const ti = this.execveatTrusted;
    this.pN = 3;
    if (ti < 0 || ti >= exit.nparams || exit.plen[ti]! <= 1) {
      for (let i = 0; i < 3; i++) this.param(i, FROM_CONST, 0, 0);
    } else {
      this.param(0, FROM_CONST, C_DIRFD, 8);
      this.param(1, FROM_EXIT, exit.poff[ti]!, exit.plen[ti]!);
      this.param(2, FROM_CONST, C_ZERO4, 4);
    }
    return this.build(0, exit, EXECVEAT_X - 1, 1);
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

  private readonly partsOut: EventView[] = [];

  /**
   * What a scap file gets for the live exit `ev`, in order: its 2022 E/X pair (legacyPair),
   * else its synthesized enter and `ev`, else `ev` alone. The array and the views in it are
   * reused: valid until the next call.
   */
  fileEvents(ev: EventView): readonly EventView[] {
    const out = this.partsOut;
    out.length = 0;
    const legacy = this.legacyPair(ev);
    if (legacy !== null) {
      out.push(legacy[0], legacy[1]);
      return out;
    }
    const enter = this.enterFor(ev);
    if (enter !== null) out.push(enter);
    out.push(ev);
    return out;
  }

  /**
   * The enter event for `exit`, as a view over an internal buffer (valid until the next
   * call), or null when the event has no enter counterpart. Its timestamp is the exit's
   * minus 1 ns, so it sorts right before the exit.
   */
  enterFor(exit: EventView): EventView | null {
    const plan = this.plan(exit.type);
    if (plan.enterType < 0) return null;
    if (plan.child && exit.nparams > 0 && exit.plen[0] === 8) {
      const r = exit.poff[0]!;
      if (exit.dv.getUint32(r, true) === 0 && exit.dv.getUint32(r + 4, true) === 0) return null;
    }
    if (exit.type === EXECVEAT_X) return this.execveatEnter(exit);
    const n = plan.from.length;
    const plen = exit.plen, poff = exit.poff;
    let size = HDR + 2 * n;
    for (let i = 0; i < n; i++) {
      const j = this.source(plan, i, exit);
      if (j >= 0) size += plen[j]!;
    }
    if (size > this.buf.length) { this.buf = Buffer.alloc(size * 2); this.dv = viewOf(this.buf); }
    const b = this.buf, d = this.dv;
    const src = exit.buf, sdv = exit.dv, off = exit.off;
    // header: ts-1, same tid
    putTs(d, 0, sdv, off, 1);
    d.setUint32(8, sdv.getUint32(off + 8, true), true);
    d.setUint32(12, sdv.getUint32(off + 12, true), true);
    d.setUint32(16, size, true);
    d.setUint16(20, plan.enterType, true);
    d.setUint32(22, n, true);
    let p = HDR + 2 * n;
    for (let i = 0; i < n; i++) {
      const j = this.source(plan, i, exit);
      const len = j >= 0 ? plen[j]! : 0;
      d.setUint16(HDR + 2 * i, len, true);
      if (len > 0) copyBytes(src, sdv, poff[j]!, b, d, p, len);
      p += len;
    }
    const v = this.view;
    if (v.load(b, 0, size, exit.cpu, 0) !== null) return null;
    // sendfile's exit offset is where the copy ended (*offset as the kernel left it); the
    // enter's is where it started: back by the bytes copied. 0 (no offset given) stays 0.
    if (exit.type === SENDFILE_X && n > 2 && v.plen[2] === 8 && plen[0] === 8) sendfileStart(sdv, poff[0]!, d, v.poff[2]!);
    v.num = exit.num;
    return v;
  }
}

/**
 * sendfile's enter offset at `ep` of `d` (u64, as the exit left it) minus the bytes copied,
 * res at `rp` of `s` (i64), when res > 0 and the offset is at least res; in u32 halves.
 */
function sendfileStart(s: DataView, rp: number, d: DataView, ep: number): void {
  const rLo = s.getUint32(rp, true), rHi = s.getInt32(rp + 4, true);
  const eLo = d.getUint32(ep, true), eHi = d.getUint32(ep + 4, true);
  if (!(rHi > 0 || (rHi === 0 && rLo > 0))) return;
  if (!(eHi > rHi || (eHi === rHi && eLo >= rLo))) return;
  let lo = eLo - rLo, hi = eHi - rHi;
  if (lo < 0) { lo += 0x100000000; hi -= 1; }
  d.setUint32(ep, lo, true);
  d.setUint32(ep + 4, hi, true);
}
