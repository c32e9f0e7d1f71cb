// Deterministic event streams for the write-path identity tests (write-identity.test.ts): every
// exit type of the schema, each several times with the parameters the probe writes (2022 list
// plus the appended ones, sometimes cut short), parameter sizes by type, strings of random
// length, some empty (0 bytes) or a lone NUL, res 0 often enough to hit the child side of
// clone/fork. A seeded PRNG: the same stream on every run, so a hash of what the writer makes
// of it pins the bytes.

import { EVENTS, type ParamType } from '../../schema/events.js';
import { encodeEvent } from '../support/raw-event.js';

/** xorshift32: small, deterministic, no allocation. */
export class Rng {
  constructor(private s: number) { if (this.s === 0) this.s = 1; }
  next(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
  below(n: number): number { return this.next() % n; }
}

const FIXED: Partial<Record<ParamType, number>> = {
  INT8: 1, UINT8: 1, FLAGS8: 1, ENUMFLAGS8: 1, SIGTYPE: 1, L4PROTO: 1, SOCKFAMILY: 1,
  INT16: 2, UINT16: 2, PORT: 2, FLAGS16: 2, ENUMFLAGS16: 2, SYSCALLID: 2,
  INT32: 4, UINT32: 4, FLAGS32: 4, ENUMFLAGS32: 4, UID: 4, GID: 4, MODE: 4, FD32: 4, PID32: 4, BOOL: 4,
  IPV4ADDR: 4, SIGSET: 4,
  INT64: 8, UINT64: 8, ERRNO: 8, FD: 8, PID: 8, RELTIME: 8, ABSTIME: 8, DOUBLE: 8,
  DYN: 9,
};

function param(rng: Rng, type: ParamType, first: boolean): Buffer {
  const fixed = FIXED[type];
  if (fixed !== undefined) {
    const b = Buffer.alloc(fixed);
    // res (first exit parameter) is 0 a third of the time: the child side of clone/fork
    if (first && rng.below(3) === 0) return b;
    for (let i = 0; i < fixed; i++) b[i] = rng.below(256);
    return b;
  }
  const r = rng.below(10);
  if (r === 0) return Buffer.alloc(0);
  if (r === 1) return Buffer.from([0]);
  const n = 1 + rng.below(r === 2 ? 300 : 40);
  const b = Buffer.alloc(n + 1);
  for (let i = 0; i < n; i++) b[i] = 0x21 + rng.below(90);
  return b; // NUL-terminated
}

/**
 * Exit events of every exit type (ids of the 2022 and the current table), `per` of each, with
 * random parameters; timestamps increase.
 */
export function exitStream(seed: number, per = 6): Buffer[] {
  const rng = new Rng(seed);
  const out: Buffer[] = [];
  let ts = 1_700_000_000_000_000_000n;
  for (let k = 0; k < per; k++) {
    for (const e of EVENTS) {
      if (e === undefined || e.dir !== 'X' || (e.flags & (1 << 11)) !== 0) continue;
      const specs = [...e.params, ...e.appended];
      // mostly the full list, sometimes the 2022 list only, sometimes cut short
      const r = rng.below(4);
      const n = r === 0 ? e.params.length : r === 1 ? rng.below(specs.length + 1) : specs.length;
      const params: Buffer[] = [];
      for (let i = 0; i < n; i++) params.push(param(rng, specs[i]!.type, i === 0));
      out.push(encodeEvent(e.id, 1000 + rng.below(50), ts += 977n, params));
    }
  }
  return out;
}
