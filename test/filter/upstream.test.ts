// The parser and the event-type visitor on every condition of the upstream Falco rules files
// (shared/data/rules, compatibility data), against the evt_types Falco computes
// (shared/reference/upstream-rules-per-rule.tsv).
//
// The rules loader proper lives in src/rules; this test does just enough of Falco's list and
// macro handling (textual list substitution, then AST macro substitution) to reach the
// conditions, so the filter layer is checked on its own.

import { test } from 'node:test';
import { SHARED_DIR } from '../support/shared-dir.js';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseCondition } from '../../src/filter/parser.js';
import { expandMacros } from '../../src/filter/macros.js';
import { evtTypeNames, evtTypesOf } from '../../src/filter/evttypes.js';
import type { Expr, Node } from '../../src/filter/ast.js';

const SHARED = SHARED_DIR;
const RULES = join(SHARED, 'data', 'rules');
const TSV = join(SHARED, 'reference', 'upstream-rules-per-rule.tsv');

interface Item { list?: string; items?: string[]; macro?: string; rule?: string; condition?: string; append?: boolean; override?: Record<string, string> }

const DELIMS = ' \t\n\r(),=';

/** Falco's resolve_list: textual, at delimiter boundaries, items with a space quoted. */
function substituteList(cond: string, name: string, items: readonly string[]): string {
  let out = '';
  let i = 0;
  for (;;) {
    const j = cond.indexOf(name, i);
    if (j < 0) return out + cond.slice(i);
    const end = j + name.length;
    const bounded = (j === 0 || DELIMS.includes(cond[j - 1])) && (end === cond.length || DELIMS.includes(cond[end]));
    if (!bounded) {
      out += cond.slice(i, end);
      i = end;
      continue;
    }
    out += cond.slice(i, j);
    i = end;
    if (items.length > 0) {
      // quote_item: an item with a space gets quotes unless it already starts with one.
      out += items.map((x) => (x.includes(' ') && x[0] !== '"' && x[0] !== "'" ? `"${x}"` : x)).join(', ');
    } else {
      // An empty list drops one neighbouring comma.
      const rest = cond.slice(i);
      const m = /^\s*,/.exec(rest);
      if (m) i += m[0].length;
      else out = out.replace(/,\s*$/, '');
    }
  }
}

const yamlCache = new Map<string, Item[]>();

function load(files: readonly string[]): { rules: Map<string, string>; macros: Map<string, string> } {
  const lists = new Map<string, string[]>();
  const macros = new Map<string, string>();
  const rules = new Map<string, string>();
  for (const f of files) {
    let doc = yamlCache.get(f);
    if (doc === undefined) {
      doc = parseYaml(readFileSync(join(RULES, f), 'utf8')) as Item[];
      yamlCache.set(f, doc);
    }
    for (const it of doc) {
      const appending = it.append === true || it.override !== undefined;
      if (it.list !== undefined) {
        const items: string[] = [];
        for (const x of it.items ?? []) {
          const sub = lists.get(String(x));
          if (sub !== undefined) items.push(...sub); else items.push(String(x));
        }
        lists.set(it.list, appending ? [...(lists.get(it.list) ?? []), ...items] : items);
      } else if (it.macro !== undefined) {
        macros.set(it.macro, appending ? `${macros.get(it.macro) ?? ''} ${it.condition ?? ''}` : String(it.condition));
      } else if (it.rule !== undefined && it.condition !== undefined) {
        rules.set(it.rule, appending ? `${rules.get(it.rule) ?? ''} ${it.condition}` : it.condition);
      }
    }
  }
  const withLists = (c: string): string => {
    let out = c;
    for (const [name, items] of lists) out = substituteList(out, name, items);
    return out;
  };
  const m2 = new Map<string, string>();
  for (const [k, v] of macros) m2.set(k, withLists(v));
  const r2 = new Map<string, string>();
  for (const [k, v] of rules) r2.set(k, withLists(v));
  return { rules: r2, macros: m2 };
}

function fieldsOf(e: Node, out: Set<string>): void {
  switch (e.kind) {
    case 'and': case 'or': for (const c of e.children) fieldsOf(c, out); break;
    case 'not': fieldsOf(e.child, out); break;
    case 'unary': fieldsOf(e.left, out); break;
    case 'binary': fieldsOf(e.left, out); fieldsOf(e.right, out); break;
    case 'field': out.add(e.name.replace(/^(evt\.(?:raw)?arg)\..*$/, '$1')); break;
    case 'val': fieldsOf(e.field, out); break;
    case 'transformer': for (const a of e.args) fieldsOf(a, out); break;
    default: break;
  }
}

function parseNamed(what: string, text: string): Expr {
  try {
    return parseCondition(text);
  } catch (e) {
    const line = (e as { pos?: { line: number } }).pos?.line ?? 1;
    throw new Error(`${what}: ${(e as Error).message}: ${JSON.stringify(text.split(/\r?\n/)[line - 1])}`);
  }
}

const SETS: Record<string, readonly string[]> = {
  stable: ['falco_rules.yaml'],
  incubating: ['falco_rules.yaml', 'falco-incubating_rules.yaml'],
  sandbox: ['falco_rules.yaml', 'falco-sandbox_rules.yaml'],
};

test('upstream rule conditions parse and give Falco\'s event types and fields', { skip: !existsSync(TSV) && 'shared/ data not present' }, () => {
  const rows = readFileSync(TSV, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const loaded = new Map(Object.entries(SETS).map(([k, files]) => [k, load(files)]));
  const parsedMacros = new Map<string, Map<string, Expr>>();
  let checked = 0;
  for (const [ruleset, rule, , , , evtTypes, , fields] of rows) {
    const set = loaded.get(ruleset);
    assert.ok(set, ruleset);
    let pm = parsedMacros.get(ruleset);
    if (pm === undefined) {
      pm = new Map();
      for (const [k, v] of set.macros) pm.set(k, parseNamed(`macro ${k}`, v));
      parsedMacros.set(ruleset, pm);
    }
    const text = set.rules.get(rule);
    assert.ok(text !== undefined, `${ruleset}: ${rule} not found`);
    const macrosOf = pm;
    const ast = expandMacros(parseNamed(`rule ${rule}`, text), (n) => macrosOf.get(n));
    const types = evtTypesOf(ast);
    assert.ok(types !== null, `${rule}: no event types`);
    assert.deepEqual(evtTypeNames(types), evtTypes.split(',').sort(), `${ruleset}: ${rule}`);
    const fs = new Set<string>();
    fieldsOf(ast, fs);
    assert.deepEqual([...fs].sort(), fields.split(',').sort(), `${ruleset}: ${rule} fields`);
    checked++;
  }
  assert.equal(checked, 93);
});
