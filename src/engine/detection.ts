// Detection set-up: the field registry (state fields + container fields), the loader's backend
// over the real condition compiler and output templates, and loading rules into a Ruleset.
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { compileFilter } from '../filter/compile.js';
import type { Expr } from '../filter/ast.js';
import { StateFieldRegistry } from '../state/fields.js';
import type { EvalContext } from '../state/inspector.js';
import { CompiledFormat } from '../format/format.js';
import { ContainerManager, makeContainerFields } from '../containers/index.js';
import { EVENT_COUNT } from '../events/generated/event-table.js';
import { makeBackend } from '../rules/backend.js';
import { loadRules, readSources, type LoadOutput, type RulesSource } from '../rules/loader.js';
import { LoadResult } from '../rules/result.js';
import { Ruleset, type Predicate, type RulesetOptions } from '../rules/ruleset.js';
import type { AppendOutput, FilterBackend } from '../rules/compiler.js';

export type Ctx = EvalContext;
export type Backend = FilterBackend<Expr, Predicate<Ctx>, CompiledFormat>;

/** kestrel's shipped default rules (rules/kestrel_rules.yaml at the package root). */
export const DEFAULT_RULES_PATH = fileURLToPath(new URL('../../../rules/kestrel_rules.yaml', import.meta.url));

export function defaultRulesSource(): RulesSource {
  return { name: DEFAULT_RULES_PATH, content: readFileSync(DEFAULT_RULES_PATH, 'utf8') };
}

/**
 * The registry rules compile against: libsinsp-style fields from src/state plus container.* /
 * k8s.* from src/containers. Without a manager (validation, listings) the container fields
 * exist but only resolve ids from cgroups.
 */
export function buildRegistry(manager?: ContainerManager): StateFieldRegistry {
  const m = manager ?? new ContainerManager({ docker: false, podman: false, containerd: false, cri: false });
  const defs = makeContainerFields<Ctx>(m, {
    cgroups: (ctx) => (ctx.thread === null ? null : ctx.thread.cgroups),
    pid: (ctx) => (ctx.thread === null ? -1 : ctx.thread.pid),
    evtTs: (ctx) => ctx.ev.ts(),
  });
  const reg = new StateFieldRegistry();
  for (const d of defs) reg.add(d);
  return reg;
}

export function makeDetectionBackend(registry: StateFieldRegistry): Backend {
  return makeBackend<Predicate<Ctx>, CompiledFormat>({
    compile(ast) {
      const cf = compileFilter<Ctx>(ast, registry);
      return { match: cf.match, evtTypes: cf.evtTypes };
    },
    compileOutput(fmt) {
      // Falco prepends '*' to every rule output: a missing field prints <NA>, the alert is kept.
      const f = new CompiledFormat('*' + fmt, registry);
      const deprecated = f.fields.filter((x) => x.def.deprecated).map((x) => x.text);
      return { format: f, deprecated };
    },
    evtTypeCount: (types) => (types === null ? EVENT_COUNT : types.size),
  });
}

export interface DetectionOptions extends RulesetOptions {
  /** Rules files in order; empty/undefined: kestrel's default rules. */
  rulesFiles?: readonly string[];
  manager?: ContainerManager;
  registry?: StateFieldRegistry;
  appendOutput?: readonly AppendOutput[];
}

export interface Detection {
  ruleset: Ruleset<Ctx, CompiledFormat>;
  load: LoadOutput<Expr, Predicate<Ctx>, CompiledFormat>;
  registry: StateFieldRegistry;
}

/** Loads rules files (or the defaults) and builds the ruleset. Never throws on bad rules. */
export function loadDetection(opts: DetectionOptions = {}): Detection {
  const registry = opts.registry ?? buildRegistry(opts.manager);
  const res = new LoadResult();
  const files = opts.rulesFiles ?? [];
  const sources = files.length ? readSources(files, res) : [defaultRulesSource()];
  const load = loadRules(sources, {
    backend: makeDetectionBackend(registry),
    isField: (name) => registry.resolve(name) !== undefined,
    appendOutput: opts.appendOutput,
  }, res);
  const ruleset = new Ruleset<Ctx, CompiledFormat>(load.rules, { matching: opts.matching, minPriority: opts.minPriority });
  return { ruleset, load, registry };
}

/** The config's append_output entries in the loader's shape (Falco's keys). */
export function appendOutputFromConfig(entries: readonly { match: { rule: string; source: string; tags: readonly string[] }; extra_output: string; extra_fields: readonly unknown[]; suggested_output: boolean }[]): AppendOutput[] {
  return entries.map((e) => ({
    match: { rule: e.match.rule || undefined, source: e.match.source || undefined, tags: e.match.tags.length ? e.match.tags : undefined },
    extraOutput: e.extra_output || undefined,
    extraFields: e.extra_fields.flatMap((f): (string | Record<string, string>)[] => {
      if (typeof f === 'string') return [f];
      if (f !== null && typeof f === 'object' && !Array.isArray(f)) {
        const o: Record<string, string> = {};
        for (const [k, v] of Object.entries(f as Record<string, unknown>)) o[k] = String(v);
        return [o];
      }
      return [];
    }),
    suggestedOutput: e.suggested_output,
  }));
}
