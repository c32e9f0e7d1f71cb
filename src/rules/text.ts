// The textual parts of compiling a rule, done before the condition is parsed, exactly as Falco
// does them (rule_loader_compiler.cpp): exceptions become condition text, and lists are
// substituted into condition text by name. Both are textual on purpose: upstream rules rely on
// the exact behaviour (e.g. a list name inside an exception value is substituted too).
import { isListComp } from './collector.js';
import type { ExceptionInfo, ListInfo } from './types.js';

/** Double-quote an item that contains a space (and is not already quoted). Falco's quote_item. */
export function quoteItem(e: string): string {
  if (e.includes(' ') && e[0] !== '"' && e[0] !== "'") return '"' + e + '"';
  return e;
}

function parenItem(e: string): string {
  return e[0] !== '(' ? '(' + e + ')' : e;
}

/**
 * `(<cond>) and not <exc1> and not <exc2> ...` (build_rule_exception_infos). Returns an error
 * message instead of text when a values row does not fit the fields.
 */
export function buildExceptionCondition(cond: string, exceptions: readonly ExceptionInfo[]): { text: string } | { error: string; ex: ExceptionInfo } {
  let condition = '(' + cond + ')';
  for (const ex of exceptions) {
    const fields = ex.fields!;
    const comps = ex.comps!;
    let icond = '';
    if (!fields.isList) {
      for (const val of ex.values) {
        if (val.isList) return { error: 'Expected values array to contain a list of strings', ex };
        icond += icond === '' ? '(' + fields.item + ' ' + comps.item + ' (' : ', ';
        icond += quoteItem(val.item);
      }
      if (icond !== '') icond += '))';
    } else {
      icond = '(';
      for (const row of ex.values) {
        if (!row.isList || row.items.length !== fields.items.length) {
          return { error: 'Fields and values lists must have equal length', ex };
        }
        icond += icond === '(' ? '' : ' or ';
        icond += '(';
        for (let k = 0; k < fields.items.length; k++) {
          const v = row.items[k];
          let istr: string;
          if (v.isList) {
            istr = '(' + v.items.map((x) => quoteItem(x.item)).join(', ') + ')';
          } else {
            istr = isListComp(comps.items[k].item) ? parenItem(v.item) : quoteItem(v.item);
          }
          icond += (k === 0 ? '' : ' and ') + ' ' + fields.items[k].item + ' ' + comps.items[k].item + ' ' + istr;
        }
        icond += ')';
      }
      icond += ')';
      if (icond === '()') icond = '';
    }
    if (icond !== '') condition += ' and not ' + icond;
  }
  return { text: condition };
}

/** Lists with inner list names expanded, visibility by index (compile_list_infos). */
export interface ExpandedList {
  name: string;
  items: string[];
  used: boolean;
}

export function expandLists(lists: readonly ListInfo[], byName: ReadonlyMap<string, ListInfo>): ExpandedList[] {
  const out: ExpandedList[] = [];
  const usedNames: string[] = [];
  for (const l of lists) {
    const items: string[] = [];
    for (const it of l.items) {
      const ref = byName.get(it);
      if (ref && ref.index < l.visibility) {
        usedNames.push(ref.name);
        items.push(...ref.items);
      } else {
        items.push(it);
      }
    }
    out.push({ name: l.name, items, used: false });
  }
  const idx = new Map(out.map((l) => [l.name, l]));
  for (const n of usedNames) idx.get(n)!.used = true;
  return out;
}

const BLANKS = ' \t\n\r';
const DELIMS = BLANKS + '(),=';

/**
 * Substitute one list into condition text (resolve_list): the name must be delimited by start/end
 * or one of ` \t\n\r(),=`; it becomes its items joined by ", "; an empty list removes one
 * neighbouring comma. Returns null when the list is not referenced.
 */
export function resolveList(cnd: string, name: string, items: readonly string[]): string | null {
  let used = false;
  let start = cnd.indexOf(name);
  while (start !== -1) {
    let end = start + name.length;
    if ((start === 0 || DELIMS.includes(cnd[start - 1])) && (end >= cnd.length || DELIMS.includes(cnd[end]))) {
      while (start > 0 && BLANKS.includes(cnd[start - 1])) start--;
      while (end < cnd.length && BLANKS.includes(cnd[end])) end++;
      const sub = items.map(quoteItem).join(', ');
      if (sub === '') {
        if (start > 0 && cnd[start - 1] === ',') start--;
        else if (end < cnd.length && cnd[end] === ',') end++;
      }
      let next = '';
      if (start > 0) next += cnd.substring(0, start) + ' ';
      next += sub + ' ';
      if (end <= cnd.length) next += cnd.substring(end);
      cnd = next;
      start += sub.length + 1;
      used = true;
    }
    start = cnd.indexOf(name, start + 1);
  }
  return used ? cnd : null;
}

/** Apply every list to a condition; marks the lists it used. No visibility order here (as Falco). */
export function substituteLists(cond: string, lists: readonly ExpandedList[]): string {
  for (const l of lists) {
    const r = resolveList(cond, l.name, l.items);
    if (r !== null) {
      cond = r;
      l.used = true;
    }
  }
  return cond;
}
