// Parser for Falco's condition language (libsinsp filter/parser.h, extended with what libs
// 0.17-0.25 added: val(), transformers, regex, iglob, the oneof/anyof/allof modifiers).
//
// Grammar (EBNF). Blanks (space, \t, \n, \r, \b, \f, \v) may appear between any two tokens.
//
//   Expr        ::= OrExpr
//   OrExpr      ::= AndExpr ( 'or' Sep AndExpr )*
//   AndExpr     ::= NotExpr ( 'and' Sep NotExpr )*
//   NotExpr     ::= ( 'not' Sep )* Check                  (each further 'not' toggles)
//   Sep         ::= Blank+ | &'('                          (a keyword needs a blank or '(' after it)
//   Check       ::= '(' Expr ')'
//                 | Lhs Condition
//                 | Identifier                             (a macro reference)
//   Lhs         ::= Field | Transformer
//   Field       ::= FieldName ( '[' FieldArg ']' )?
//   FieldArg    ::= QuotedStr | FieldArgBareStr
//   Transformer ::= TransformerName '(' TArg ( ',' TArg )* ')' ( '[' FieldArg ']' )?
//   TArg        ::= Transformer | ListValue | QuotedStr | Field | BareStr
//   Condition   ::= 'exists'
//                 | NumOp ( Computed | NumValue )
//                 | StrOp Modifier ListValue
//                 | StrOp ( Computed | StrValue )
//                 | ListOp ( Computed | ListValue )
//   Computed    ::= Transformer | 'val(' Field ')'
//   Modifier    ::= ( 'oneof' | 'anyof' | 'allof' ) &( Blank* '(' )
//   ListValue   ::= '(' ( StrValue ( ',' StrValue )* )? ')' | Identifier
//   StrValue    ::= QuotedStr | BareStr
//   NumValue    ::= HexNumber | Number
//
//   NumOp       ::= '<=' | '<' | '>=' | '>'
//   StrOp       ::= '==' | '=' | '!=' | 'glob' | 'iglob' | 'contains' | 'icontains' | 'bcontains'
//                 | 'startswith' | 'bstartswith' | 'endswith' | 'regex'
//   ListOp      ::= 'in' | 'intersects' | 'pmatch'
//   TransformerName ::= 'tolower' | 'toupper' | 'b64' | 'basename' | 'len' | 'join' | 'concat' | 'getopt'
//                                                          (immediately followed by '(')
// Tokens:
//   Identifier      ::= [a-zA-Z][a-zA-Z0-9_]*
//   FieldName       ::= Identifier ( '.' Identifier )+
//   FieldArgBareStr ::= [^ \b\t\n\r\[\]"']+
//   HexNumber       ::= 0[xX][0-9a-zA-Z]+
//   Number          ::= [+-]?[0-9]+[.]?[0-9]*([eE][+-]?[0-9]+)?
//   QuotedStr       ::= "..." | '...'   escapes: \b \f \n \r \t \\ \/ \" (in "") \' (in '')
//   BareStr         ::= [^ \b\t\n\r(),="']+
//
// Word operators end at a blank (string operators also at a quote, list operators also at
// '('). One parseX() per production; each counts against a recursion-depth cap (Falco sets
// 1000), so a hostile condition is a clean error, not a stack overflow.

import {
  MODIFIABLE_OPS, TRANSFORMERS, type CmpOp, type Expr, type FieldRef, type Lhs, type ListValue,
  type Modifier, type Pos, type Rhs, type Transformer, type TransformerArg, type TransformerName,
  type Value, type ValRef,
} from './ast.js';
import { Ch, OPERATOR_NAMES, OPERATORS, Scanner, isBlank } from './lexer.js';

export interface ParseOptions {
  /** Recursion cap; default 1000 (what Falco configures). */
  maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 1000;

const MODIFIERS: readonly Modifier[] = ['oneof', 'anyof', 'allof'];
const KEYWORDS = new Set(['and', 'or', 'not']);

/** Parse a condition. Throws FilterError('KES_FILTER_PARSE') with a position. */
export function parseCondition(text: string, opts: ParseOptions = {}): Expr {
  return new Parser(text, opts).parseTop();
}

/**
 * Parse a value expression as used in output formats and exceptions: a field or a
 * transformer, e.g. `proc.aname[2]` or `tolower(proc.name)`. The whole text must be consumed.
 */
export function parseValueExpr(text: string, opts: ParseOptions = {}): Lhs {
  return new Parser(text, opts).parseTopValue();
}

class Parser {
  private readonly s: Scanner;
  private readonly maxDepth: number;
  private depth = 0;

  constructor(text: string, opts: ParseOptions) {
    if (typeof text !== 'string') throw new TypeError('condition must be a string');
    this.s = new Scanner(text);
    this.maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  parseTop(): Expr {
    const s = this.s;
    s.blank();
    if (s.eof()) throw s.error('empty condition');
    const e = this.parseOr();
    s.blank();
    if (!s.eof()) throw s.error(`unexpected ${this.describeNext()}, expecting 'and', 'or' or the end of the condition`);
    return e;
  }

  parseTopValue(): Lhs {
    const s = this.s;
    s.blank();
    if (s.eof()) throw s.error('empty expression');
    const start = s.pos();
    const n = s.fieldNameLength();
    let v: Lhs;
    if (n > 0) {
      v = this.parseFieldRest(s.take(n), start);
    } else {
      const id = s.identLength();
      if (id > 0 && s.peek(id) === Ch.OpenParen && TRANSFORMERS.has(s.peekIdent())) v = this.parseTransformer();
      else throw s.error(`expected a field name or a transformer, got ${this.describeNext()}`);
    }
    s.blank();
    if (!s.eof()) throw s.error(`unexpected ${this.describeNext()} after the expression`);
    return v;
  }

  // ---- helpers --------------------------------------------------------------------------

  private push(): void {
    if (++this.depth > this.maxDepth) throw this.s.error(`exceeded max depth limit of ${this.maxDepth}`);
  }

  private pop(): void {
    this.depth--;
  }

  /** A short description of what is at the cursor, for messages. */
  private describeNext(): string {
    const s = this.s;
    if (s.eof()) return 'end of condition';
    if (isBlank(s.peek())) return 'a blank';
    const rest = s.src.slice(s.idx);
    const m = /^[^\s(),]{1,24}|^[(),]/.exec(rest);
    const tok = m ? m[0] : rest.slice(0, 1);
    return `'${tok}'`;
  }

  private expect(ch: number, what: string): void {
    const s = this.s;
    if (s.peek() !== ch) throw s.error(`expected ${what}, got ${this.describeNext()}`);
    s.advance(1);
  }

  /** A keyword (and/or/not) at the cursor, ending at a non-identifier character. */
  private atKeyword(k: string): boolean {
    return this.s.atWord(k);
  }

  // ---- boolean structure -----------------------------------------------------------------

  private parseOr(): Expr {
    this.push();
    const s = this.s;
    s.blank();
    const start = s.pos();
    const children: Expr[] = [this.parseAnd()];
    s.blank();
    while (this.atKeyword('or')) {
      s.advance(2);
      if (!s.blank() && s.peek() !== Ch.OpenParen) throw s.error(s.eof() ? `unexpected end of condition after 'or'` : `expected blank or '(' after 'or'`);
      children.push(this.parseAnd());
      s.blank();
    }
    this.pop();
    return children.length === 1 ? children[0] : { kind: 'or', children, pos: start };
  }

  private parseAnd(): Expr {
    this.push();
    const s = this.s;
    s.blank();
    const start = s.pos();
    const children: Expr[] = [this.parseNot()];
    s.blank();
    while (this.atKeyword('and')) {
      s.advance(3);
      if (!s.blank() && s.peek() !== Ch.OpenParen) throw s.error(s.eof() ? `unexpected end of condition after 'and'` : `expected blank or '(' after 'and'`);
      children.push(this.parseNot());
      s.blank();
    }
    this.pop();
    return children.length === 1 ? children[0] : { kind: 'and', children, pos: start };
  }

  private parseNot(): Expr {
    this.push();
    const s = this.s;
    s.blank();
    const start = s.pos();
    let negate = false;
    // `not not x` is x, as in libsinsp: the negations are counted in a loop, not nested.
    while (this.atKeyword('not')) {
      const next = s.peek(3);
      if (next !== Ch.OpenParen && !isBlank(next)) break;
      s.advance(3);
      s.blank();
      negate = !negate;
    }
    const child = this.parseCheck();
    this.pop();
    return negate ? { kind: 'not', child, pos: start } : child;
  }

  private parseCheck(): Expr {
    this.push();
    const s = this.s;
    s.blank();
    const start = s.pos();
    if (s.peek() === Ch.OpenParen) {
      s.advance(1);
      s.blank();
      const e = this.parseOr();
      s.blank();
      if (s.peek() !== Ch.CloseParen) {
        throw s.error(s.eof() ? `expected a ')' token to close the '(' at ${start.line}:${start.col}` : `expected a ')' token, got ${this.describeNext()}`);
      }
      s.advance(1);
      this.pop();
      return e;
    }
    const n = s.fieldNameLength();
    if (n > 0) {
      const field = this.parseFieldRest(s.take(n), start);
      const e = this.parseConditionRest(field, start);
      this.pop();
      return e;
    }
    const id = s.identLength();
    if (id > 0) {
      const name = s.peekIdent();
      if (s.peek(id) === Ch.OpenParen) {
        if (TRANSFORMERS.has(name)) {
          const t = this.parseTransformer();
          const e = this.parseConditionRest(t, start);
          this.pop();
          return e;
        }
        if (name === 'val') throw s.error(`val() can only be used on the right-hand side of a comparison`);
        if (!KEYWORDS.has(name)) throw s.error(`unknown transformer '${name}'`);
      }
      if (KEYWORDS.has(name)) throw s.error(`unexpected '${name}', expected a check`);
      s.advance(id);
      this.pop();
      return { kind: 'identifier', name, pos: start };
    }
    if (s.eof()) throw s.error(`unexpected end of condition, expected a '(' token, a field check, or an identifier`);
    throw s.error(`expected a '(' token, a field check, or an identifier, got ${this.describeNext()}`);
  }

  // ---- checks -----------------------------------------------------------------------------

  private parseFieldRest(name: string, start: Pos): FieldRef {
    const s = this.s;
    if (s.peek() !== Ch.OpenBracket) return { kind: 'field', name, pos: start };
    s.advance(1);
    const argPos = s.pos();
    const arg = s.quoted() ?? s.fieldArgBare();
    if (arg === null) throw s.error('expected a valid field argument: a quoted string or a bare string');
    if (s.peek() !== Ch.CloseBracket) throw s.error(`expected a ']' token, got ${this.describeNext()}`);
    s.advance(1);
    return { kind: 'field', name, arg, argPos, pos: start };
  }

  private parseConditionRest(left: Lhs, start: Pos): Expr {
    const s = this.s;
    s.blank();
    const opPos = s.pos();
    if (s.atWord('exists')) {
      s.advance(6);
      return { kind: 'unary', left, op: 'exists', opPos, pos: start };
    }
    const op = s.operator();
    if (op === null) {
      const ops = OPERATOR_NAMES.map((o) => `'${o}'`).join(', ');
      throw s.error(`expected a valid check operator: one of ${ops}; got ${this.describeNext()}`);
    }
    const cls = OPERATORS[op].cls;
    s.blank();
    let mod: Modifier | undefined;
    let right: Rhs | null = null;
    const modifier = this.peekModifier();
    if (modifier !== null) {
      if (cls !== 'str' || !MODIFIABLE_OPS.has(op)) throw s.error(`modifier '${modifier}' cannot be used with operator '${op}'`);
      s.advance(modifier.length);
      s.blank();
      mod = modifier;
      right = this.parseListValue();
    } else {
      right = this.tryComputed();
      if (right === null) {
        const vpos = s.pos();
        if (cls === 'num') {
          const num = s.number();
          if (num === null) throw s.error(`expected a number value, got ${this.describeNext()}`);
          right = { kind: 'value', value: num, quoted: false, pos: vpos };
        } else if (cls === 'str') {
          right = this.strValue();
          if (right === null) throw s.error(`expected a string value, got ${this.describeNext()}`);
        } else {
          right = this.parseListValue();
        }
      }
    }
    return { kind: 'binary', left, op, opPos, mod, right, pos: start };
  }

  private peekModifier(): Modifier | null {
    const s = this.s;
    for (const m of MODIFIERS) {
      if (!s.atWord(m)) continue;
      // Only a modifier if a list follows; otherwise `= anyof` compares with the word "anyof".
      let k = m.length;
      while (isBlank(s.peek(k))) k++;
      if (s.peek(k) === Ch.OpenParen) return m;
    }
    return null;
  }

  /** Transformer or val(...) on the right-hand side; null if neither is at the cursor. */
  private tryComputed(): Transformer | ValRef | null {
    const s = this.s;
    const id = s.identLength();
    if (id === 0 || s.peek(id) !== Ch.OpenParen) return null;
    const name = s.peekIdent();
    if (TRANSFORMERS.has(name)) return this.parseTransformer();
    if (name !== 'val') return null;
    const start = s.pos();
    this.push();
    s.advance(4);
    s.blank();
    const fpos = s.pos();
    const n = s.fieldNameLength();
    if (n === 0) throw s.error(`expected a field name in val(), got ${this.describeNext()}`);
    const field = this.parseFieldRest(s.take(n), fpos);
    s.blank();
    this.expect(Ch.CloseParen, `a ')' token to close val(`);
    this.pop();
    return { kind: 'val', field, pos: start };
  }

  private parseTransformer(): Transformer {
    const s = this.s;
    this.push();
    const start = s.pos();
    const name = s.take(s.identLength()) as TransformerName;
    s.advance(1); // '('
    s.blank();
    if (s.peek() === Ch.CloseParen) throw s.error(`transformer '${name}' needs an argument`);
    const args: TransformerArg[] = [this.parseTransformerArg()];
    s.blank();
    while (s.peek() === Ch.Comma) {
      s.advance(1);
      s.blank();
      args.push(this.parseTransformerArg());
      s.blank();
    }
    if (s.peek() !== Ch.CloseParen) throw s.error(`expected ',' or ')' in the arguments of '${name}', got ${this.describeNext()}`);
    s.advance(1);
    let arg: string | undefined;
    let argPos: Pos | undefined;
    if (s.peek() === Ch.OpenBracket) {
      s.advance(1);
      argPos = s.pos();
      const a = s.quoted() ?? s.fieldArgBare();
      if (a === null) throw s.error('expected a valid field argument: a quoted string or a bare string');
      if (s.peek() !== Ch.CloseBracket) throw s.error(`expected a ']' token, got ${this.describeNext()}`);
      s.advance(1);
      arg = a;
    }
    this.pop();
    return arg === undefined ? { kind: 'transformer', name, args, pos: start } : { kind: 'transformer', name, args, arg, argPos, pos: start };
  }

  private parseTransformerArg(): TransformerArg {
    const s = this.s;
    const start = s.pos();
    const id = s.identLength();
    if (id > 0 && s.peek(id) === Ch.OpenParen && TRANSFORMERS.has(s.peekIdent())) return this.parseTransformer();
    if (s.peek() === Ch.OpenParen) return this.parseListValue();
    const q = s.quoted();
    if (q !== null) return { kind: 'value', value: q, quoted: true, pos: start };
    const n = s.fieldNameLength();
    if (n > 0) return this.parseFieldRest(s.take(n), start);
    const b = s.bareStr();
    if (b !== null) return { kind: 'value', value: b, quoted: false, pos: start };
    throw s.error(`expected a transformer argument (a field, a transformer, a string or a list), got ${this.describeNext()}`);
  }

  private strValue(): Value | null {
    const s = this.s;
    const start = s.pos();
    const q = s.quoted();
    if (q !== null) return { kind: 'value', value: q, quoted: true, pos: start };
    const b = s.bareStr();
    if (b !== null) return { kind: 'value', value: b, quoted: false, pos: start };
    return null;
  }

  private parseListValue(): ListValue | Value {
    const s = this.s;
    this.push();
    s.blank();
    const start = s.pos();
    if (s.peek() === Ch.OpenParen) {
      s.advance(1);
      s.blank();
      const items: Value[] = [];
      if (s.peek() !== Ch.CloseParen) {
        for (;;) {
          const v = this.strValue();
          if (v === null) throw s.error(`expected a string value in the list, got ${this.describeNext()}`);
          items.push(v);
          s.blank();
          if (s.peek() !== Ch.Comma) break;
          s.advance(1);
          s.blank();
        }
      }
      if (s.peek() !== Ch.CloseParen) {
        throw s.error(s.eof() ? `expected a ')' token to close the list at ${start.line}:${start.col}` : `expected ',' or ')' in the list, got ${this.describeNext()}`);
      }
      s.advance(1);
      this.pop();
      return { kind: 'list', items, pos: start };
    }
    const id = s.identLength();
    if (id > 0 && !KEYWORDS.has(s.peekIdent())) {
      this.pop();
      // A list name that was not substituted: libsinsp reads it as a single value.
      return { kind: 'value', value: s.take(id), quoted: false, pos: start };
    }
    throw s.error(`expected a list or an identifier, got ${this.describeNext()}`);
  }
}

export type { CmpOp };
