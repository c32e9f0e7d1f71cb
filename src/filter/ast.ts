// AST of the condition language (see the grammar at the top of parser.ts).
//
// Every node carries the position of its first character. Nodes substituted from a macro body
// keep the positions they had in the macro's own text and carry `macro` (the macro's name) so
// that an error found later (unknown field, type mismatch) can say where it really is.

export interface Pos {
  /** 0-based UTF-16 offset into the condition text. */
  readonly idx: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly col: number;
}

export type CmpOp =
  | '=' | '==' | '!=' | '<' | '<=' | '>' | '>='
  | 'contains' | 'icontains' | 'bcontains' | 'startswith' | 'bstartswith' | 'endswith'
  | 'glob' | 'iglob' | 'regex' | 'in' | 'intersects' | 'pmatch';

export type UnaryOp = 'exists';

export type Modifier = 'oneof' | 'anyof' | 'allof';

export type TransformerName =
  | 'tolower' | 'toupper' | 'b64' | 'basename' | 'len' | 'join' | 'concat' | 'getopt';

interface NodeBase {
  readonly pos: Pos;
  /** Set on nodes that came from the body of this macro. */
  readonly macro?: string;
}

// ---- boolean structure -------------------------------------------------------------------

export interface AndExpr extends NodeBase { readonly kind: 'and'; readonly children: readonly Expr[] }
export interface OrExpr extends NodeBase { readonly kind: 'or'; readonly children: readonly Expr[] }
export interface NotExpr extends NodeBase { readonly kind: 'not'; readonly child: Expr }
/** `lhs op rhs` */
export interface BinaryCheck extends NodeBase {
  readonly kind: 'binary';
  readonly left: Lhs;
  readonly op: CmpOp;
  readonly opPos: Pos;
  readonly mod?: Modifier;
  readonly right: Rhs;
}
/** `lhs exists` */
export interface UnaryCheck extends NodeBase {
  readonly kind: 'unary';
  readonly left: Lhs;
  readonly op: UnaryOp;
  readonly opPos: Pos;
}
/** A bare name in check position: a macro reference until substituted. */
export interface Identifier extends NodeBase { readonly kind: 'identifier'; readonly name: string }

export type Expr = AndExpr | OrExpr | NotExpr | BinaryCheck | UnaryCheck | Identifier;

// ---- operands -----------------------------------------------------------------------------

/** `proc.name`, `proc.aname[2]`, `proc.env[HOME]`, `evt.arg.name` (split later, against the registry). */
export interface FieldRef extends NodeBase {
  readonly kind: 'field';
  readonly name: string;
  /** Text between the brackets, unescaped if it was quoted. */
  readonly arg?: string;
  readonly argPos?: Pos;
}

/** `tolower(x)`, `join(",", proc.args)`, `getopt(proc.args, "nt:")[t]` */
export interface Transformer extends NodeBase {
  readonly kind: 'transformer';
  readonly name: TransformerName;
  readonly args: readonly TransformerArg[];
  /** getopt's option selector, `[t]`. */
  readonly arg?: string;
  readonly argPos?: Pos;
}

/** `val(proc.pname)`: the right-hand side is another field of the same event. */
export interface ValRef extends NodeBase { readonly kind: 'val'; readonly field: FieldRef }

/** A literal. `quoted` tells `"open"` (always a string) from `open` (a bare word). */
export interface Value extends NodeBase { readonly kind: 'value'; readonly value: string; readonly quoted: boolean }

/** `(a, "b c", 'd')` */
export interface ListValue extends NodeBase { readonly kind: 'list'; readonly items: readonly Value[] }

export type Lhs = FieldRef | Transformer;
export type Rhs = Value | ListValue | Transformer | ValRef;
export type TransformerArg = FieldRef | Transformer | Value | ListValue;
export type Node = Expr | FieldRef | Transformer | ValRef | Value | ListValue;

export const TRANSFORMERS: ReadonlySet<string> = new Set<TransformerName>([
  'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt',
]);

/** Operators that accept an oneof/anyof/allof modifier (libs rule_loader_cmpop.h). */
export const MODIFIABLE_OPS: ReadonlySet<CmpOp> = new Set<CmpOp>([
  '==', '=', '!=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith',
  'glob', 'iglob', 'regex',
]);

export function formatPos(p: Pos): string {
  return `${p.line}:${p.col}`;
}
