// The contract between the condition compiler (src/filter) and the field implementations
// (src/state/fields*.ts). The compiler knows fields only through a FieldRegistry; extractors
// read from an opaque evaluation context `C` (src/state builds it per event).

export type FieldType =
  | 'string' | 'int64' | 'uint64' | 'int32' | 'uint32' | 'bool' | 'ipaddr' | 'ipnet' | 'port'
  | 'reltime' | 'abstime' | 'bytebuf' | 'double' | 'fd' | 'pid' | 'errno' | 'flags' | 'mode';

/** An extracted value. `null` means "not available" (printed as <NA>). Lists are arrays. */
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
  /** Reads the value for the current event. Must not throw; return null when unavailable. */
  extract(ctx: C, arg: string | number | undefined): FieldValue;
}

export interface FieldRegistry<C = unknown> {
  lookup(name: string): FieldDef<C> | undefined;
  all(): readonly FieldDef<C>[];
  /** Closest known field name for an unknown one, for "did you mean" messages. */
  suggest(name: string): string | undefined;
}
