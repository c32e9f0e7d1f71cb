// The loader's FilterBackend on top of the real condition language (src/filter) and output
// templates. Parse errors and compile errors carry positions inside the condition text; the
// loader reports them against the rule's condition in the YAML file.
import { parseCondition, substituteMacros, FilterError, type Expr } from '../filter/index.js';
import type { FilterBackend, TextError } from './compiler.js';

function textError(e: unknown): TextError {
  if (e instanceof FilterError) {
    return { error: e.macro !== undefined ? `${e.reason} (in macro '${e.macro}')` : e.reason, offset: e.macro !== undefined ? -1 : e.pos.idx };
  }
  return { error: e instanceof Error ? e.message : String(e), offset: -1 };
}

export interface CompileHooks<M, F> {
  /** Compile a macro-free AST against the fields: predicate + event type ids (null = any). */
  compile(ast: Expr): { match: M; evtTypes: ReadonlySet<number> | null; warnings?: readonly TextError[] };
  /** Validate and precompile an output template; throws on an invalid one. */
  compileOutput(fmt: string): { format: F; deprecated?: readonly string[] };
  /** How many distinct event codes a set stands for (null = every code). */
  evtTypeCount(types: ReadonlySet<number> | null): number;
}

export function makeBackend<M, F>(hooks: CompileHooks<M, F>): FilterBackend<Expr, M, F> {
  return {
    parse(text) {
      try {
        return { ast: parseCondition(text) };
      } catch (e) {
        return textError(e);
      }
    },
    resolveMacros(ast, macros) {
      const r = substituteMacros(ast, (name) => macros.get(name));
      return { ast: r.expr, used: r.used, unknown: r.undefinedRefs.map((u) => ({ name: u.name, offset: u.pos.idx })) };
    },
    compile(ast) {
      try {
        return hooks.compile(ast);
      } catch (e) {
        return textError(e);
      }
    },
    compileOutput(fmt) {
      try {
        return hooks.compileOutput(fmt);
      } catch (e) {
        return textError(e);
      }
    },
    evtTypeCount: hooks.evtTypeCount,
  };
}
