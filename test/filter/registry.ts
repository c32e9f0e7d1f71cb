// A small FieldRegistry for the filter tests: fields read from a plain Map context, keyed
// `name` or `name[arg]`. Not a test file itself (no .test. in the name).

import type { FieldDef, FieldRegistry, FieldType, FieldValue } from '../../src/filter/field-api.js';

export type Ctx = Map<string, FieldValue>;

interface Spec {
  type: FieldType;
  arg?: 'none' | 'required' | 'optional';
  argKind?: 'index' | 'key';
  isList?: boolean;
  matchAny?: boolean;
  matchAnyNe?: 'any' | 'none-equal';
  noRhs?: boolean;
  noTransformer?: boolean;
}

const SPECS: Record<string, Spec> = {
  'evt.type': { type: 'string' },
  'evt.num': { type: 'uint64' },
  'evt.res': { type: 'errno' },
  'evt.rawres': { type: 'int64' },
  'evt.arg': { type: 'string', arg: 'required', argKind: 'key' },
  'evt.rawarg': { type: 'int64', arg: 'required', argKind: 'key' },
  'evt.type.is': { type: 'bool', arg: 'required', argKind: 'key' },
  'evt.buffer': { type: 'bytebuf' },
  'evt.is_open_read': { type: 'bool' },
  'evt.rawtime': { type: 'abstime' },
  'evt.latency': { type: 'reltime' },
  'proc.name': { type: 'string' },
  'proc.pname': { type: 'string' },
  'proc.exe': { type: 'string' },
  'proc.cmdline': { type: 'string' },
  'proc.args': { type: 'string' },
  'proc.argv': { type: 'string', isList: true },
  'proc.pid': { type: 'int64' },
  'proc.vpid': { type: 'int64' },
  'proc.tty': { type: 'uint32' },
  'proc.env': { type: 'string', arg: 'optional', argKind: 'key' },
  'proc.aname': { type: 'string', arg: 'optional', argKind: 'index', matchAny: true, matchAnyNe: 'any', noRhs: true, noTransformer: true },
  'proc.cpu': { type: 'double' },
  'fd.name': { type: 'string' },
  'fd.num': { type: 'fd' },
  'fd.ip': { type: 'ipaddr', matchAny: true },
  'fd.sip': { type: 'ipaddr' },
  'fd.cip': { type: 'ipaddr' },
  'fd.net': { type: 'ipnet', matchAny: true, matchAnyNe: 'none-equal' },
  'fd.port': { type: 'port', isList: true },
  'fd.snet': { type: 'ipnet' },
  'fd.sport': { type: 'port' },
  'fd.types': { type: 'string', arg: 'optional', argKind: 'key', isList: true },
  'user.uid': { type: 'uint32' },
  'container.privileged': { type: 'bool' },
  'thread.cap_effective': { type: 'string' },
};

function levenshtein(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** How many times each field was extracted (the laziness tests read it). */
export const extractCount = new Map<string, number>();

export function makeRegistry(): FieldRegistry<Ctx> {
  const defs = new Map<string, FieldDef<Ctx>>();
  for (const [name, s] of Object.entries(SPECS)) {
    defs.set(name, {
      name,
      type: s.type,
      desc: `test field ${name}`,
      arg: s.arg ?? 'none',
      argKind: s.argKind,
      isList: s.isList,
      matchAny: s.matchAny,
      matchAnyNe: s.matchAnyNe,
      noRhs: s.noRhs,
      noTransformer: s.noTransformer,
      extract(ctx: Ctx, arg: string | number | undefined): FieldValue {
        extractCount.set(name, (extractCount.get(name) ?? 0) + 1);
        const v = ctx.get(arg === undefined ? name : `${name}[${arg}]`);
        return v === undefined ? null : v;
      },
    });
  }
  return {
    lookup: (n) => defs.get(n),
    all: () => [...defs.values()],
    suggest(n) {
      let best: string | undefined;
      let bestD = Infinity;
      for (const k of defs.keys()) {
        const dist = levenshtein(n, k);
        if (dist < bestD) { bestD = dist; best = k; }
      }
      return bestD <= 3 ? best : undefined;
    },
  };
}

export function ctx(obj: Record<string, FieldValue>): Ctx {
  return new Map(Object.entries(obj));
}
