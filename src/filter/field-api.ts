// The contract between the condition compiler (src/filter) and the field implementations
// (src/state/fields*.ts). The compiler knows fields only through a FieldRegistry; extractors
// read from an opaque evaluation context `C` (src/state builds it per event).

export type FieldType =
  | 'string' | 'int64' | 'uint64' | 'int32' | 'uint32' | 'bool' | 'ipaddr' | 'ipnet' | 'port'
  | 'reltime' | 'abstime' | 'bytebuf' | 'double' | 'fd' | 'pid' | 'errno' | 'flags' | 'mode';

/**
 * An extracted value. `null` means "not available" (printed as <NA>). Lists are arrays.
 * How the compiler reads each FieldType (src/filter/compile.ts):
 * - string: a string.  bytebuf: a Uint8Array (a string is read as its UTF-8 bytes).
 * - integer types (int*, uint*, reltime, abstime, fd, pid, errno, flags, mode, port): a number,
 *   or a bigint where the value can exceed 2^53.  double: a number.  bool: a boolean (or 0/1).
 * - ipaddr / ipnet: the address as text ("10.0.0.1", "::1"), 4 or 16 raw bytes, or an IPv4
 *   uint32 (a.b.c.d = a<<24|b<<16|c<<8|d). For ipnet fields the value is the address and the
 *   condition's right-hand side is the network (fd.net = 10.0.0.0/8).
 */
export type FieldValue = string | number | bigint | boolean | Uint8Array | readonly (string | number | bigint)[] | null;

export interface FieldDef<C = unknown> {
  /** Full name, e.g. "proc.name", "proc.aname", "evt.arg". */
  readonly name: string;
  readonly type: FieldType;
  readonly desc: string;
  /** Whether the field takes an argument in brackets, e.g. proc.aname[2], evt.arg.name. */
  readonly arg: 'none' | 'required' | 'optional';
  /** How the argument is read: a number (index) or a string key. */
  readonly argKind?: 'index' | 'key';
  /** The field yields a list (e.g. fdlist.names, proc.aname without index in some uses). */
  readonly isList?: boolean;
  /** Hidden from `kestrel fields` listings (deprecated aliases). */
  readonly deprecated?: boolean;
  /** How output formats print a value when it differs from the plain text (e.g. zero padding). */
  readonly display?: (v: FieldValue) => string;
  /**
   * The extractor may return several values (an array) and a comparison holds if it holds for
   * any of them: libsinsp's custom comparisons of proc.aname/proc.apid without an index (any
   * ancestor) and fd.ip/fd.port (client or server side). Unlike `isList`, every operator
   * applies, element-wise. (Added by the filter compiler; optional.)
   */
  readonly matchAny?: boolean;
  /**
   * With matchAny: how `!=` combines the values. 'none-equal' (default): true only if no value
   * equals, i.e. `not (field = x)` (libsinsp's fd.ip/fd.net/fd.port over client and server).
   * 'any': true if one value differs (libsinsp's proc.aname & co. over the ancestors; also what
   * a field with an optional argument, used without it, gets when it does not say matchAny).
   */
  readonly matchAnyNe?: 'any' | 'none-equal';
  /** Cannot be the right-hand side of val() (libsinsp EPF_NO_RHS). */
  readonly noRhs?: boolean;
  /** Cannot be the argument of a transformer (libsinsp EPF_NO_TRANSFORMER). */
  readonly noTransformer?: boolean;
  /** Reads the value for the current event. Must not throw; return null when unavailable. */
  extract(ctx: C, arg: string | number | undefined): FieldValue;
}

export interface FieldRegistry<C = unknown> {
  lookup(name: string): FieldDef<C> | undefined;
  all(): readonly FieldDef<C>[];
  /** Closest known field name for an unknown one, for "did you mean" messages. */
  suggest(name: string): string | undefined;
}
