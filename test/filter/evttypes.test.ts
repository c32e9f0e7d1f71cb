// The event-type visitor on conditions (Falco's ruleset analysis: libsinsp ppm_codes).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCondition } from '../../src/filter/parser.js';
import { eventIdsByName, evtTypeNames, evtTypesOf } from '../../src/filter/evttypes.js';
import { compileFilter } from '../../src/filter/compile.js';
import { EVENT_COUNT, EVENT_NAME } from '../../src/events/generated/event-table.js';
import { makeRegistry } from './registry.js';

const ALL_NAMES = [...new Set(EVENT_NAME)].sort();
const names = (cond: string): string[] | null => {
  const s = evtTypesOf(parseCondition(cond));
  return s === null ? null : evtTypeNames(s);
};
const allBut = (...excluded: string[]): string[] => ALL_NAMES.filter((n) => !excluded.includes(n));

test('evt.type = open gives the enter and exit ids of every event named open', () => {
  const ids = evtTypesOf(parseCondition('evt.type = open'));
  assert.ok(ids !== null);
  const expected = EVENT_NAME.map((n, i) => (n === 'open' ? i : -1)).filter((i) => i >= 0);
  assert.deepEqual([...ids].sort((a, b) => a - b), expected);
  assert.ok(expected.length >= 2, 'open has an enter and an exit event');
  assert.deepEqual(eventIdsByName('open'), expected);
  // Every version of a syscall's events shares its name: execve has several.
  assert.ok(eventIdsByName('execve').length > 2);
  assert.deepEqual(eventIdsByName('no_such_event'), []);
});

/** [condition, names or null (= every type)] */
const CASES: readonly (readonly [string, string[] | null])[] = [
  ['evt.type = open', ['open']],
  ['evt.type == open', ['open']],
  ['evt.type in (open, openat, openat2)', ['open', 'openat', 'openat2']],
  ['evt.type in (execve, execveat) and proc.name = bash', ['execve', 'execveat']],
  ['proc.name = bash and evt.type = connect', ['connect']],
  ['evt.type = open or evt.type = close', ['close', 'open']],
  ['evt.type = open or proc.name = bash', null],
  ['proc.name = bash', null],
  ['not proc.name = bash', null],
  ['proc.name exists', null],
  ['evt.type exists', null],
  ['not evt.type exists', []],
  ['evt.type = open and evt.type = close', []],
  ['evt.type in (open, close) and evt.type in (close, read)', ['close']],
  ['evt.type != open', allBut('open')],
  ['not evt.type = open', allBut('open')],
  ['not evt.type != open', ['open']],
  ['not not evt.type = open', ['open']],
  ['not evt.type in (open, close)', allBut('open', 'close')],
  ['not (evt.type = open or evt.type = close)', allBut('open', 'close')],
  ['not (evt.type = open and evt.type = close)', null],
  ['not (evt.type = open and proc.name = bash)', null],
  ['not (evt.type != open or proc.name = x)', ['open']],
  ['evt.type = open and not evt.type = close', ['open']],
  ['evt.type != open and evt.type != close', allBut('open', 'close')],
  ['evt.type != open or evt.type != close', null],
  ['(evt.type = open or evt.type = openat) and not proc.name in (a, b)', ['open', 'openat']],
  ['evt.type in (open) and (proc.name = a or (evt.type = close and fd.num = 1))', ['open']],
  ['macro_not_substituted and evt.type = open', ['open']],
  ['not macro_not_substituted', null],
  ['evt.type = no_such_event', []],
  // Syscalls with no event of their own: the generic events (named `syscall` in the table).
  ['evt.type = epoll_pwait', ['syscall']],
  ['evt.type in (open, setfsuid)', ['open', 'syscall']],
  ['evt.type != epoll_pwait', null],
  ['not evt.type in (open, epoll_pwait)', allBut('open')],
  ['evt.type = epoll_pwait and evt.type = open', []],
  // Other operators on evt.type, modifiers, computed right-hand sides: not constraining.
  ['evt.type startswith open', null],
  ['evt.type = anyof (open, close)', null],
  ['evt.type = val(proc.name)', null],
  ['tolower(evt.type) = open', null],
  ['evt.type[1] = open', null],
  ['evt.type.is.open = true', null],
];

test('event-type sets of conditions (and, or, not, !=, in, exists)', () => {
  for (const [cond, want] of CASES) assert.deepEqual(names(cond), want, cond);
});

test('complements are over the whole event table', () => {
  const s = evtTypesOf(parseCondition('evt.type != open'));
  assert.ok(s !== null);
  assert.equal(s.size, EVENT_COUNT - eventIdsByName('open').length);
  for (const id of eventIdsByName('open')) assert.ok(!s.has(id));
});

test('compileFilter reports the same set', () => {
  const f = compileFilter('evt.type in (open, openat) and proc.name = bash', makeRegistry());
  assert.deepEqual(evtTypeNames(f.evtTypes ?? []), ['open', 'openat']);
  assert.equal(compileFilter('proc.name = bash', makeRegistry()).evtTypes, null);
  // Macros are substituted before the analysis.
  const g = compileFilter('spawned and proc.name = bash', makeRegistry(), { macros: { spawned: 'evt.type in (execve, execveat)' } });
  assert.deepEqual(evtTypeNames(g.evtTypes ?? []), ['execve', 'execveat']);
});
