// Scanner for the condition language.
//
// The language is not context-free at the token level: `a=b` is a field check while the same
// characters inside a list are a bare string, and `in` is an operator after a field but a
// macro name in check position. So, like libsinsp, the parser drives the scanner and asks for
// the token class it expects at each point ("is there a field name here?"). The scanner
// switches on char codes and keeps line/column as it goes.

import type { CmpOp, Pos } from './ast.js';
import { FilterError } from './errors.js';

export const enum Ch {
  Backspace = 0x08, Tab = 0x09, LineFeed = 0x0a, VTab = 0x0b, FormFeed = 0x0c, CarriageReturn = 0x0d,
  Space = 0x20, Bang = 0x21, DoubleQuote = 0x22, SingleQuote = 0x27, OpenParen = 0x28,
  CloseParen = 0x29, Plus = 0x2b, Comma = 0x2c, Minus = 0x2d, Dot = 0x2e, Slash = 0x2f,
  _0 = 0x30, _9 = 0x39, LessThan = 0x3c, Equals = 0x3d, GreaterThan = 0x3e,
  A = 0x41, E = 0x45, X = 0x58, Z = 0x5a, OpenBracket = 0x5b, Backslash = 0x5c, CloseBracket = 0x5d,
  Underscore = 0x5f, a = 0x61, b = 0x62, e = 0x65, f = 0x66, n = 0x6e, r = 0x72, t = 0x74, x = 0x78, z = 0x7a,
}

export function isBlank(c: number): boolean {
  return c === Ch.Space || c === Ch.Tab || c === Ch.LineFeed || c === Ch.CarriageReturn ||
    c === Ch.Backspace || c === Ch.FormFeed || c === Ch.VTab;
}
function isAlpha(c: number): boolean {
  return (c >= Ch.a && c <= Ch.z) || (c >= Ch.A && c <= Ch.Z);
}
function isDigit(c: number): boolean {
  return c >= Ch._0 && c <= Ch._9;
}
function isIdentPart(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === Ch.Underscore;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= Ch.a && c <= Ch.f) || (c >= Ch.A && c <= 0x46);
}
/** BareStr ::= [^ \b\t\n\r(),="']+ */
function isBareStrChar(c: number): boolean {
  return !(isBlank(c) || c === Ch.OpenParen || c === Ch.CloseParen || c === Ch.Comma ||
    c === Ch.Equals || c === Ch.DoubleQuote || c === Ch.SingleQuote) && c === c; // c===c: not NaN (end)
}
/** FieldArgBareStr ::= [^ \b\t\n\r\[\]"']+ */
function isFieldArgChar(c: number): boolean {
  return !(isBlank(c) || c === Ch.OpenBracket || c === Ch.CloseBracket || c === Ch.DoubleQuote ||
    c === Ch.SingleQuote) && c === c;
}

/** What kind of right-hand side an operator takes (drives the parser). */
export type OpClass = 'num' | 'str' | 'list';

/** Operator table: symbolic operators are tried longest first; word operators need a boundary. */
export const OPERATORS: Readonly<Record<CmpOp, { readonly cls: OpClass; readonly word: boolean }>> = {
  '<=': { cls: 'num', word: false }, '<': { cls: 'num', word: false },
  '>=': { cls: 'num', word: false }, '>': { cls: 'num', word: false },
  '==': { cls: 'str', word: false }, '=': { cls: 'str', word: false }, '!=': { cls: 'str', word: false },
  glob: { cls: 'str', word: true }, iglob: { cls: 'str', word: true },
  contains: { cls: 'str', word: true }, icontains: { cls: 'str', word: true },
  bcontains: { cls: 'str', word: true }, startswith: { cls: 'str', word: true },
  bstartswith: { cls: 'str', word: true }, endswith: { cls: 'str', word: true },
  regex: { cls: 'str', word: true },
  in: { cls: 'list', word: true }, intersects: { cls: 'list', word: true }, pmatch: { cls: 'list', word: true },
};
const SYMBOL_OPS: readonly CmpOp[] = ['<=', '<', '>=', '>', '==', '=', '!='];

/** Every operator, in the order error messages list them. */
export const OPERATOR_NAMES: readonly string[] = ['exists', ...Object.keys(OPERATORS)];

export class Scanner {
  readonly src: string;
  idx = 0;
  line = 1;
  col = 1;

  constructor(src: string) {
    this.src = src;
  }

  pos(): Pos {
    return { idx: this.idx, line: this.line, col: this.col };
  }

  eof(): boolean {
    return this.idx >= this.src.length;
  }

  /** Char code at idx+k, NaN past the end. */
  peek(k = 0): number {
    return this.src.charCodeAt(this.idx + k);
  }

  /** Consume n characters, keeping line/column (CR, LF and CRLF each end one line). */
  advance(n: number): void {
    for (let i = 0; i < n; i++) {
      const c = this.src.charCodeAt(this.idx++);
      if (c === Ch.LineFeed || (c === Ch.CarriageReturn && this.src.charCodeAt(this.idx) !== Ch.LineFeed)) {
        this.line++;
        this.col = 1;
      } else {
        this.col++;
      }
    }
  }

  error(reason: string, at: Pos = this.pos()): FilterError {
    return new FilterError('KES_FILTER_PARSE', reason, at);
  }

  /** Skip blanks; true if there were any. */
  blank(): boolean {
    const start = this.idx;
    while (isBlank(this.peek())) this.advance(1);
    return this.idx > start;
  }

  /** Length of Identifier ::= [a-zA-Z][a-zA-Z0-9_]* at idx+off (0 if none). */
  identLength(off = 0): number {
    let i = this.idx + off;
    if (!isAlpha(this.src.charCodeAt(i))) return 0;
    i++;
    while (isIdentPart(this.src.charCodeAt(i))) i++;
    return i - this.idx - off;
  }

  /** The identifier at the cursor without consuming it. */
  peekIdent(): string {
    return this.src.slice(this.idx, this.idx + this.identLength());
  }

  /** True if `word` is next and is not followed by an identifier character. */
  atWord(word: string): boolean {
    return this.src.startsWith(word, this.idx) && !isIdentPart(this.peek(word.length));
  }

  /**
   * FieldName ::= Identifier ('.' Identifier)+ . Returns the length, 0 if the text at the
   * cursor is not a field name (a lone identifier is not one).
   */
  fieldNameLength(): number {
    let n = this.identLength();
    if (n === 0) return 0;
    let parts = 1;
    while (this.peek(n) === Ch.Dot) {
      const m = this.identLength(n + 1);
      if (m === 0) break;
      n += 1 + m;
      parts++;
    }
    return parts >= 2 ? n : 0;
  }

  take(n: number): string {
    const s = this.src.slice(this.idx, this.idx + n);
    this.advance(n);
    return s;
  }

  /**
   * QuotedStr: "..." or '...' with libsinsp's escapes: \b \f \n \r \t \\ \/ , "\ " (a
   * backslash), and the escaped delimiter. Anything else is an error, as in libsinsp.
   * Returns null if there is no quote at the cursor.
   */
  quoted(): string | null {
    const q = this.peek();
    if (q !== Ch.DoubleQuote && q !== Ch.SingleQuote) return null;
    const start = this.pos();
    this.advance(1);
    let out = '';
    let runStart = this.idx;
    for (;;) {
      if (this.eof()) throw this.error('unterminated quoted string', start);
      const c = this.peek();
      if (c === q) {
        out += this.src.slice(runStart, this.idx);
        this.advance(1);
        return out;
      }
      if (c !== Ch.Backslash) {
        this.advance(1);
        continue;
      }
      out += this.src.slice(runStart, this.idx);
      const escPos = this.pos();
      this.advance(1);
      if (this.eof()) throw this.error('unterminated quoted string', start);
      const e = this.peek();
      switch (e) {
        case Ch.b: out += '\b'; break;
        case Ch.f: out += '\f'; break;
        case Ch.n: out += '\n'; break;
        case Ch.r: out += '\r'; break;
        case Ch.t: out += '\t'; break;
        case Ch.Space: // libsinsp keeps "\ " working for old rules: it reads as a backslash
        case Ch.Backslash: out += '\\'; break;
        case Ch.Slash: out += '/'; break;
        case Ch.DoubleQuote:
        case Ch.SingleQuote:
          if (e !== q) {
            throw this.error(e === Ch.DoubleQuote ? `invalid \\" escape in '-quoted string` : `invalid \\' escape in "-quoted string`, escPos);
          }
          out += String.fromCharCode(e);
          break;
        default:
          throw this.error(`unsupported string escape sequence: \\${this.src[this.idx]}`, escPos);
      }
      this.advance(1);
      runStart = this.idx;
    }
  }

  /** BareStr at the cursor, or null. */
  bareStr(): string | null {
    let n = 0;
    while (isBareStrChar(this.peek(n))) n++;
    return n === 0 ? null : this.take(n);
  }

  /** FieldArgBareStr at the cursor, or null. */
  fieldArgBare(): string | null {
    let n = 0;
    while (isFieldArgChar(this.peek(n))) n++;
    return n === 0 ? null : this.take(n);
  }

  /**
   * HexNumber ::= 0[xX][0-9a-zA-Z]+ | Number ::= [+-]?[0-9]+[.]?[0-9]*([eE][+-]?[0-9]+)?
   * (libsinsp requires the exponent sign; we accept it optional). Returns null if absent.
   */
  number(): string | null {
    if (this.peek() === Ch._0 && (this.peek(1) === Ch.x || this.peek(1) === Ch.X) && isHexDigit(this.peek(2))) {
      let n = 2;
      while (isIdentPart(this.peek(n))) n++;
      return this.take(n);
    }
    let n = 0;
    if (this.peek() === Ch.Plus || this.peek() === Ch.Minus) n++;
    if (!isDigit(this.peek(n))) return null;
    while (isDigit(this.peek(n))) n++;
    if (this.peek(n) === Ch.Dot) {
      n++;
      while (isDigit(this.peek(n))) n++;
    }
    if (this.peek(n) === Ch.e || this.peek(n) === Ch.E) {
      let m = n + 1;
      if (this.peek(m) === Ch.Plus || this.peek(m) === Ch.Minus) m++;
      if (isDigit(this.peek(m))) {
        while (isDigit(this.peek(m))) m++;
        n = m;
      }
    }
    // "12abc" is not a number followed by junk: let the caller report the whole token.
    if (isIdentPart(this.peek(n))) return null;
    return this.take(n);
  }

  /**
   * A comparison operator at the cursor, or null. Word operators must end at a boundary:
   * a blank, or an opening parenthesis (list operators) or a quote (string operators).
   */
  operator(): CmpOp | null {
    for (const op of SYMBOL_OPS) {
      if (this.src.startsWith(op, this.idx)) {
        this.advance(op.length);
        return op;
      }
    }
    const w = this.peekIdent() as CmpOp;
    const info = Object.prototype.hasOwnProperty.call(OPERATORS, w) ? OPERATORS[w] : undefined;
    if (info === undefined || !info.word) return null;
    const next = this.peek(w.length);
    const ok = isBlank(next) || (info.cls === 'list' && next === Ch.OpenParen) ||
      (info.cls === 'str' && (next === Ch.DoubleQuote || next === Ch.SingleQuote));
    if (!ok) return null;
    this.advance(w.length);
    return w;
  }
}
