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
  from: Int8Array;
}

const NO_PLAN: Plan = { enterType: -1, from: new Int8Array(0) };

export class EnterSynth {
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
      e.params.forEach((q, i) => { from[i] = xNames.indexOf(q.name); });
      p = { enterType: exitType - 1, from };
    }
    this.plans[exitType] = p;
    return p;
  }

  /**
   * The enter event for `exit`, as a view over an internal buffer (valid until the next
   * call), or null when the event has no enter counterpart. Its timestamp is the exit's
   * minus 1 ns, so it sorts right before the exit.
   */
  enterFor(exit: EventView): EventView | null {
    const plan = this.plan(exit.type);
    if (plan.enterType < 0) return null;
    const n = plan.from.length;
    let size = EVENT_HEADER_SIZE + 2 * n;
    for (let i = 0; i < n; i++) {
      const j = plan.from[i]!;
      if (j >= 0 && j < exit.nparams) size += exit.plen[j]!;
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
      const j = plan.from[i]!;
      const len = j >= 0 && j < exit.nparams ? exit.plen[j]! : 0;
      b.writeUInt16LE(len, EVENT_HEADER_SIZE + 2 * i);
      if (len > 0) src.copy(b, p, exit.poff[j]!, exit.poff[j]! + len);
      p += len;
    }
    const err = this.view.load(b, 0, size, exit.cpu, 0);
    if (err !== null) return null;
    this.view.num = exit.num;
    return this.view;
  }
}
