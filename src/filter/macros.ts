// Macro substitution on the AST (Falco's filter_macro_resolver): every Identifier in check
// position is replaced by the macro's own AST. The rules loader owns visibility (a macro may
// only use macros defined before it); here we get a resolver and do the substitution.

import type { Expr, Identifier, Node, Pos } from './ast.js';
import { FilterError } from './errors.js';

/** Returns the AST of a macro's condition, or undefined if no such macro is visible. */
export type MacroResolver = (name: string) => Expr | undefined;

export interface MacroRef {
  readonly name: string;
  readonly pos: Pos;
  /** Set when the reference itself sits inside another macro's body. */
  readonly macro?: string;
}

export interface SubstituteResult {
  readonly expr: Expr;
  /** References that the resolver did not know, in source order. */
  readonly undefinedRefs: readonly MacroRef[];
  /** Names of the macros that were substituted (for Falco's "unused macro" warning). */
  readonly used: ReadonlySet<string>;
}

/** Every macro reference in the tree, in source order. */
export function macroRefs(e: Expr): MacroRef[] {
  const out: MacroRef[] = [];
  const visit = (n: Expr): void => {
    switch (n.kind) {
      case 'and': case 'or': for (const c of n.children) visit(c); break;
      case 'not': visit(n.child); break;
      case 'identifier': out.push(n.macro === undefined ? { name: n.name, pos: n.pos } : { name: n.name, pos: n.pos, macro: n.macro }); break;
      default: break;
    }
  };
  visit(e);
  return out;
}

/** Deep copy of a macro body, every node tagged with the macro it came from (unless already tagged). */
function tag<T extends Node>(n: T, macro: string): T {
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(n)) {
    const v = (n as unknown as Record<string, unknown>)[k];
    if (Array.isArray(v)) copy[k] = v.map((x: unknown) => (x !== null && typeof x === 'object' && 'kind' in x ? tag(x as Node, macro) : x));
    else if (v !== null && typeof v === 'object' && 'kind' in v) copy[k] = tag(v as Node, macro);
    else copy[k] = v;
  }
  if (copy.macro === undefined) copy.macro = macro;
  return copy as T;
}

/**
 * Replace macro references using `resolve`. Bodies returned by the resolver are expanded in
 * turn (a body that is already expanded is left as is); a macro that reaches itself is an
 * error (KES_FILTER_PARSE), as the expansion would not end. Undefined macros are reported in
 * `undefinedRefs` and left in place as Identifiers.
 */
export function substituteMacros(e: Expr, resolve: MacroResolver): SubstituteResult {
  const undefinedRefs: MacroRef[] = [];
  const used = new Set<string>();
  const stack: string[] = [];
  const visit = (n: Expr): Expr => {
    switch (n.kind) {
      case 'and': case 'or': {
        let changed = false;
        const children = n.children.map((c) => {
          const r = visit(c);
          if (r !== c) changed = true;
          return r;
        });
        return changed ? { ...n, children } : n;
      }
      case 'not': {
        const child = visit(n.child);
        return child === n.child ? n : { ...n, child };
      }
      case 'identifier': {
        const body = resolve(n.name);
        if (body === undefined) {
          undefinedRefs.push(n.macro === undefined ? { name: n.name, pos: n.pos } : { name: n.name, pos: n.pos, macro: n.macro });
          return n;
        }
        if (stack.includes(n.name)) {
          throw new FilterError('KES_FILTER_PARSE', `macro '${n.name}' refers to itself (${[...stack, n.name].join(' -> ')})`, n.pos, n.macro);
        }
        used.add(n.name);
        stack.push(n.name);
        const expanded = visit(tag(body, n.name));
        stack.pop();
        return expanded;
      }
      default:
        return n;
    }
  };
  const expr = visit(e);
  return { expr, undefinedRefs, used };
}

/** substituteMacros, but the first undefined macro is an error (Falco's message). */
export function expandMacros(e: Expr, resolve: MacroResolver): Expr {
  const r = substituteMacros(e, resolve);
  const u = r.undefinedRefs[0];
  if (u !== undefined) throw new FilterError('KES_FILTER_PARSE', `undefined macro '${u.name}' used in filter`, u.pos, u.macro);
  return r.expr;
}

export type { Identifier };
