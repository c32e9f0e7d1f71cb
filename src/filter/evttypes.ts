// The set of event types a condition can match, for indexing rules by event type (Falco's
// evttype_index_ruleset; libsinsp filter/ppm_codes.cpp computes it the same way).
//
// - `and` intersects its children's sets, `or` unites them.
// - A check on evt.type with =, ==, != or `in` (literal right-hand side) gives the event ids
//   whose name is one of the values: every id with that name (enter and exit, old versions).
//   `!=` takes the complement. `evt.type exists` matches every type.
// - Any other check, or an unsubstituted macro, is neutral: it matches all types.
// - Negation is pushed down to the leaves (De Morgan): under an odd number of `not`s, `and`
//   unites and `or` intersects, and a check's set is complemented, except for neutral checks,
//   which stay "all types" (`not proc.name = x` still matches every type).
//
// The result is null when the set is every event type (the condition does not constrain the
// type), otherwise the set of ids (possibly empty, e.g. `evt.type = open and evt.type = close`).

import type { Expr } from './ast.js';
import { EVENT_COUNT, EVENT_NAME, SYSCALL_NAME } from '../events/generated/event-table.js';

/** A set of event ids; null stands for "every event type" (most leaves), so it costs nothing. */
type Codes = Set<number> | null;

let ALL: readonly number[] | null = null;
function allIds(): readonly number[] {
  if (ALL === null) ALL = Array.from({ length: EVENT_COUNT }, (_, i) => i);
  return ALL;
}

let BY_NAME: Map<string, number[]> | null = null;
/** Event ids with the given name (empty for an unknown name). */
export function eventIdsByName(name: string): readonly number[] {
  if (BY_NAME === null) {
    BY_NAME = new Map();
    for (let i = 0; i < EVENT_NAME.length; i++) {
      const list = BY_NAME.get(EVENT_NAME[i]);
      if (list === undefined) BY_NAME.set(EVENT_NAME[i], [i]);
      else list.push(i);
    }
  }
  return BY_NAME.get(name) ?? [];
}

function complement(s: Codes): Codes {
  if (s === null) return new Set();
  if (s.size === 0) return null;
  const out = new Set<number>();
  for (const i of allIds()) if (!s.has(i)) out.add(i);
  return out;
}

function intersect(a: Codes, b: Codes): Codes {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Set<number>();
  for (const x of a) if (b.has(x)) out.add(x);
  return out;
}

function unite(a: Codes, b: Codes): Codes {
  if (a === null || b === null) return null;
  const out = new Set(a);
  for (const x of b) out.add(x);
  return out.size === EVENT_COUNT ? null : out;
}

let SYSCALLS: Set<string> | null = null;
/** A syscall name with no event of its own: it arrives as a generic event (evt.type = name). */
function isGenericSyscall(name: string): boolean {
  SYSCALLS ??= new Set(SYSCALL_NAME);
  return SYSCALLS.has(name) && eventIdsByName(name).length === 0;
}

/** The generic syscall events (PPME_GENERIC_E/X, named `syscall` in the event table). */
export const GENERIC_EVENT_IDS: readonly number[] = [0, 1];

function namesToCodes(names: Iterable<string>): Set<number> {
  const out = new Set<number>();
  for (const n of names) {
    for (const id of eventIdsByName(n)) out.add(id);
    // epoll_pwait, setfsuid, ...: their evt.type is the syscall's name on a generic event.
    if (isGenericSyscall(n)) for (const id of GENERIC_EVENT_IDS) out.add(id);
  }
  return out;
}

function isEvtTypeField(e: Expr): boolean {
  return (e.kind === 'binary' || e.kind === 'unary') && e.left.kind === 'field' && e.left.name === 'evt.type' && e.left.arg === undefined;
}

function visit(e: Expr, negated: boolean): Codes {
  switch (e.kind) {
    case 'and':
    case 'or': {
      const conj = (e.kind === 'and') !== negated;
      let acc: Codes = conj ? null : new Set<number>();
      for (const c of e.children) {
        const s = visit(c, negated);
        acc = conj ? intersect(acc, s) : unite(acc, s);
      }
      return acc;
    }
    case 'not':
      return visit(e.child, !negated);
    case 'unary':
      // `evt.type exists` has codes (all of them), so its negation matches none.
      if (isEvtTypeField(e) && negated) return new Set();
      return null;
    case 'binary': {
      const r = e.right;
      const op = e.op;
      if (isEvtTypeField(e) && (op === '=' || op === '==' || op === '!=' || op === 'in') && e.mod === undefined && (r.kind === 'value' || r.kind === 'list')) {
        const names = r.kind === 'value' ? [r.value] : r.items.map((i) => i.value);
        const codes = namesToCodes(names);
        const invert = (op === '!=') !== negated;
        if (!invert) return codes.size === EVENT_COUNT ? null : codes;
        // A generic event may be another syscall than the one excluded: generic events stay in.
        const rest = complement(codes);
        if (rest !== null && names.some(isGenericSyscall)) for (const id of GENERIC_EVENT_IDS) rest.add(id);
        return rest !== null && rest.size === EVENT_COUNT ? null : rest;
      }
      // Neutral. (libsinsp refuses evt.type compared with a field or a transformer; we treat
      // those, and modifiers, as not constraining the type, which is safe for indexing.)
      return null;
    }
    case 'identifier':
      return null;
  }
}

/** Event type ids the condition can match; null when it matches every type. */
export function evtTypesOf(e: Expr): Set<number> | null {
  const s = visit(e, false);
  return s !== null && s.size === EVENT_COUNT ? null : s;
}

/** Sorted distinct event names of a set of ids (for messages and comparisons with Falco). */
export function evtTypeNames(ids: Iterable<number>): string[] {
  const names = new Set<string>();
  for (const i of ids) if (i >= 0 && i < EVENT_NAME.length) names.add(EVENT_NAME[i]);
  return [...names].sort();
}
