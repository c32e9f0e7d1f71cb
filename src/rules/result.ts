// The loader's result: every problem found while loading rules files, each with a code (Falco's
// names, falco_load_result.h), the file and a 1-based line:col, and the item it belongs to.
// The loader never throws on bad input and never stops at the first problem: it records and
// moves on to the next item, so `kestrel rules validate` can print everything at once.

export const ERROR_CODES = [
  'LOAD_ERR_FILE_READ', 'LOAD_ERR_YAML_PARSE', 'LOAD_ERR_YAML_VALIDATE', 'LOAD_ERR_COMPILE_CONDITION',
  'LOAD_ERR_COMPILE_OUTPUT', 'LOAD_ERR_VALIDATE', 'LOAD_ERR_EXTENSION',
] as const;

export const WARNING_CODES = [
  'LOAD_UNKNOWN_SOURCE', 'LOAD_UNSAFE_NA_CHECK', 'LOAD_NO_EVTTYPE', 'LOAD_UNKNOWN_FILTER',
  'LOAD_UNUSED_MACRO', 'LOAD_UNUSED_LIST', 'LOAD_UNKNOWN_ITEM', 'LOAD_DEPRECATED_ITEM',
  'LOAD_WARNING_EXTENSION', 'LOAD_APPEND_NO_VALUES', 'LOAD_EXCEPTION_NAME_NOT_UNIQUE',
  'LOAD_INVALID_MACRO_NAME', 'LOAD_INVALID_LIST_NAME', 'LOAD_COMPILE_CONDITION', 'LOAD_UNKNOWN_KEY',
] as const;

export type LoadErrorCode = typeof ERROR_CODES[number];
export type LoadWarningCode = typeof WARNING_CODES[number];

/** A place in a rules file. line/col are 1-based; 0 when unknown (e.g. a file that can't be read). */
export interface Pos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface LoadMessage {
  readonly code: LoadErrorCode | LoadWarningCode;
  readonly message: string;
  readonly pos: Pos;
  /** What the message is about, e.g. "rule 'Write below etc'", "macro 'spawned_process'". */
  readonly item: string;
}

export function formatPos(p: Pos): string {
  return p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
}

/** `file:line:col: error LOAD_ERR_X: message (rule 'name')` — one line, grep-friendly. */
export function formatMessage(m: LoadMessage, kind: 'error' | 'warning'): string {
  return `${formatPos(m.pos)}: ${kind} ${m.code}: ${m.message}${m.item ? ` (${m.item})` : ''}`;
}

export class LoadResult {
  readonly errors: LoadMessage[] = [];
  readonly warnings: LoadMessage[] = [];

  error(code: LoadErrorCode, message: string, pos: Pos, item = ''): void {
    this.errors.push({ code, message, pos, item });
  }

  warn(code: LoadWarningCode, message: string, pos: Pos, item = ''): void {
    this.warnings.push({ code, message, pos, item });
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }
}
