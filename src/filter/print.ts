// Canonical text of an AST. Re-parsing the output gives the same tree (tests rely on it), so
// it is also how the rules loader can show a condition after macro substitution.

import type { Expr, FieldRef, ListValue, Node, Transformer, Value } from './ast.js';

const BARE_OK = /^[^\s()",='\\[\]]+$/;

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      default: out += ch;
    }
  }
  return out + '"';
}

function printValue(v: Value): string {
  // A bare word is printed bare only if it would lex back as the same bare word.
  if (!v.quoted && BARE_OK.test(v.value) && !/^(and|or|not)$/.test(v.value)) return v.value;
  return quote(v.value);
}

function printArg(a: string): string {
  return /^[^\s[\]"']+$/.test(a) ? a : quote(a);
}

function printField(f: FieldRef): string {
  return f.arg === undefined ? f.name : `${f.name}[${printArg(f.arg)}]`;
}

function printList(l: ListValue): string {
  return `(${l.items.map(printValue).join(', ')})`;
}

function printTransformer(t: Transformer): string {
  const args = t.args.map((a) => printNode(a)).join(', ');
  return `${t.name}(${args})${t.arg === undefined ? '' : `[${printArg(t.arg)}]`}`;
}

export function printNode(n: Node): string {
  switch (n.kind) {
    case 'field': return printField(n);
    case 'transformer': return printTransformer(n);
    case 'val': return `val(${printField(n.field)})`;
    case 'value': return printValue(n);
    case 'list': return printList(n);
    default: return printExpr(n);
  }
}

function wrap(e: Expr, parent: 'and' | 'or' | 'not'): string {
  const needs = (e.kind === 'or' && parent !== 'or') || (e.kind === 'and' && parent === 'not');
  const s = printExpr(e);
  return needs ? `(${s})` : s;
}

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'or': return e.children.map((c) => wrap(c, 'or')).join(' or ');
    case 'and': return e.children.map((c) => wrap(c, 'and')).join(' and ');
    case 'not': return `not ${wrap(e.child, 'not')}`;
    case 'identifier': return e.name;
    case 'unary': return `${printNode(e.left)} ${e.op}`;
    case 'binary': {
      const mod = e.mod === undefined ? '' : ` ${e.mod}`;
      return `${printNode(e.left)} ${e.op}${mod} ${printNode(e.right)}`;
    }
  }
}
