// Coded errors. Every error kestrel reports to a user carries a stable code (documented in
// docs/errors.md, kept in sync by test/unit/errors.test.ts) and the exit code the CLI maps it to.

export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  BAD_INPUT: 3,
  PROBE: 4,
  CONFIG: 5,
} as const;

export interface ErrorDef {
  readonly code: string;
  readonly exit: number;
}

export const ERRORS = {
  KES_USAGE: { code: 'KES_USAGE', exit: EXIT.USAGE },
  KES_SCAP_CORRUPT: { code: 'KES_SCAP_CORRUPT', exit: EXIT.BAD_INPUT },
  KES_SCAP_UNSUPPORTED: { code: 'KES_SCAP_UNSUPPORTED', exit: EXIT.BAD_INPUT },
  KES_IO: { code: 'KES_IO', exit: EXIT.FAILURE },
  KES_FILTER_PARSE: { code: 'KES_FILTER_PARSE', exit: EXIT.BAD_INPUT },
  KES_FILTER_FIELD: { code: 'KES_FILTER_FIELD', exit: EXIT.BAD_INPUT },
  KES_FILTER_TYPE: { code: 'KES_FILTER_TYPE', exit: EXIT.BAD_INPUT },
  KES_FORMAT: { code: 'KES_FORMAT', exit: EXIT.BAD_INPUT },
  KES_RULES_LOAD: { code: 'KES_RULES_LOAD', exit: EXIT.BAD_INPUT },
  KES_PROBE_LOAD: { code: 'KES_PROBE_LOAD', exit: EXIT.PROBE },
  KES_CONFIG: { code: 'KES_CONFIG', exit: EXIT.CONFIG },
  KES_OUTPUT: { code: 'KES_OUTPUT', exit: EXIT.CONFIG },
  KES_SERVER: { code: 'KES_SERVER', exit: EXIT.FAILURE },
  KES_DROPS_EXIT: { code: 'KES_DROPS_EXIT', exit: EXIT.FAILURE },
} as const satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof ERRORS;

export class KestrelError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KestrelError';
    this.code = code;
    this.exitCode = ERRORS[code].exit;
  }
}
