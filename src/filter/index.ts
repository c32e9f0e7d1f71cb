// Public surface of the condition language.
export * from './ast.js';
export { FilterError, type FilterErrorCode } from './errors.js';
export { parseCondition, parseValueExpr, DEFAULT_MAX_DEPTH, type ParseOptions } from './parser.js';
export { printExpr, printNode } from './print.js';
export { substituteMacros, expandMacros, macroRefs, type MacroResolver, type MacroRef, type SubstituteResult } from './macros.js';
