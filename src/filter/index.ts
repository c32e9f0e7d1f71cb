// Public surface of the condition language.
export * from './ast.js';
export { FilterError, type FilterErrorCode } from './errors.js';
export { parseCondition, parseValueExpr, DEFAULT_MAX_DEPTH, type ParseOptions } from './parser.js';
export { printExpr, printNode } from './print.js';
export { substituteMacros, expandMacros, macroRefs, type MacroResolver, type MacroRef, type SubstituteResult } from './macros.js';
export { compileFilter, compileValueExpr, type CompileOptions, type CompiledFilter, type CompiledValue } from './compile.js';
export { evtTypesOf, evtTypeNames, eventIdsByName } from './evttypes.js';
export type { FieldDef, FieldRegistry, FieldType, FieldValue } from './field-api.js';
