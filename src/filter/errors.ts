// Errors raised by the condition language. They are KestrelErrors (so the CLI maps them to an
// exit code) that also carry the position, so the rules loader can translate it into a line
// of the YAML file. Messages end in " at LINE:COL".

import { KestrelError, type ErrorCode } from '../errors.js';
import { formatPos, type Pos } from './ast.js';

export type FilterErrorCode = Extract<ErrorCode, 'KES_FILTER_PARSE' | 'KES_FILTER_FIELD' | 'KES_FILTER_TYPE'>;

export class FilterError extends KestrelError {
  /** Where in the condition text (or in the macro's text, see `macro`). */
  readonly pos: Pos;
  /** The message without the position suffix. */
  readonly reason: string;
  /** Set when the problem is inside the body of this macro. */
  readonly macro: string | undefined;
  constructor(code: FilterErrorCode, reason: string, pos: Pos, macro?: string) {
    super(code, `${reason} at ${formatPos(pos)}${macro !== undefined ? ` (in macro '${macro}')` : ''}`);
    this.name = 'FilterError';
    this.pos = pos;
    this.reason = reason;
    this.macro = macro;
  }
}
