// Parameter lookup by name for the state parser and the fields, built once from the generated
// event table. Event versions differ in parameter order (execve_8 … execve_19, clone_11 …
// clone_20), so the parser asks "where is `cwd` in this event type" instead of hard-coding
// positions. Readers here decode straight from the EventView's buffer: no allocation for
// numbers; strings are decoded only when a caller needs one.

import { EVENT_COUNT, PARAM_START, PARAM_NAME, PARAM_TYPE, EVENT_NPARAMS_2022 } from '../events/generated/event-table.js';
import type { EventView } from '../events/event-view.js';

let indexCache: Map<string, Int8Array> | null = null;

/** Index of parameter `name` in each event type (2022 params first, then appended), -1 if absent. */
export function paramIndexTable(name: string): Int8Array {
  // Every name's table in one pass over the parameter list, on first use (the state asks for
  // ~55 names at start-up: one scan per name cost ~70k string comparisons, run cold).
  if (indexCache === null) {
    const cache = new Map<string, Int8Array>();
    for (let ty = 0; ty < EVENT_COUNT; ty++) {
      const s = PARAM_START[ty], e = PARAM_START[ty + 1];
      for (let i = s; i < e; i++) {
        const n = PARAM_NAME[i];
        let t = cache.get(n);
        if (t === undefined) { t = new Int8Array(EVENT_COUNT).fill(-1); cache.set(n, t); }
        if (t[ty] === -1) t[ty] = i - s;
      }
    }
    indexCache = cache;
  }
  let t = indexCache.get(name);
  if (t === undefined) { t = new Int8Array(EVENT_COUNT).fill(-1); indexCache.set(name, t); }
  return t;
}

/** Index of parameter `name` of event type `type`, or -1. */
export function paramIndex(type: number, name: string): number {
  return type < EVENT_COUNT ? paramIndexTable(name)[type] : -1;
}

/** Wire type (PT_*) of parameter i of event type t. */
export function paramType(type: number, i: number): number {
  return PARAM_TYPE[PARAM_START[type] + i];
}

export function paramCount2022(type: number): number {
  return type < EVENT_COUNT ? EVENT_NPARAMS_2022[type] : 0;
}

/** Whether parameter i is present (in range and non-empty). */
export function has(ev: EventView, i: number): boolean {
  return i >= 0 && i < ev.nparams && ev.plen[i] > 0;
}

/**
 * Signed integer value of parameter i whatever its width (1, 2, 4 or 8 bytes); `def` when absent.
 * 8-byte values are returned as a double (exact below 2^53, which covers fds, pids and errnos).
 */
export function int(ev: EventView, i: number, def = 0): number {
  if (i < 0 || i >= ev.nparams) return def;
  // Through the view's DataView (one load per value; Buffer.read* re-validates its offset).
  const o = ev.poff[i], dv = ev.dv;
  switch (ev.plen[i]) {
    case 8: return dv.getInt32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
    case 4: return dv.getInt32(o, true);
    case 2: return dv.getInt16(o, true);
    case 1: return dv.getInt8(o);
    default: return def;
  }
}

/** Unsigned integer value of parameter i (8-byte values as double). */
export function uint(ev: EventView, i: number, def = 0): number {
  if (i < 0 || i >= ev.nparams) return def;
  const o = ev.poff[i], dv = ev.dv;
  switch (ev.plen[i]) {
    case 8: return dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
    case 4: return dv.getUint32(o, true);
    case 2: return dv.getUint16(o, true);
    case 1: return dv.getUint8(o);
    default: return def;
  }
}

export function u64(ev: EventView, i: number): bigint {
  if (i < 0 || i >= ev.nparams || ev.plen[i] !== 8) return 0n;
  return ev.buf.readBigUInt64LE(ev.poff[i]);
}

/** A NUL-terminated string parameter (CHARBUF/FSPATH), without the NUL. */
export function str(ev: EventView, i: number): string {
  if (i < 0 || i >= ev.nparams) return '';
  const o = ev.poff[i];
  let e = o + ev.plen[i];
  const b = ev.buf;
  // Stop at the first NUL like the C string it is.
  for (let p = o; p < e; p++) if (b[p] === 0) { e = p; break; }
  return b.toString('utf8', o, e);
}

/** A NUL-separated list (args, env, cgroups); a trailing NUL ends the last item. */
export function strList(ev: EventView, i: number): string[] {
  const out: string[] = [];
  if (i < 0 || i >= ev.nparams) return out;
  const b = ev.buf;
  let s = ev.poff[i];
  const e = s + ev.plen[i];
  for (let p = s; p < e; p++) {
    if (b[p] === 0) { out.push(b.toString('utf8', s, p)); s = p + 1; }
  }
  if (s < e) out.push(b.toString('utf8', s, e));
  return out;
}
