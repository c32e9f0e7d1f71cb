// Detection set-up: the field registry (state fields + container fields), the loader's backend
// over the real condition compiler and output templates, and loading rules into a Ruleset.
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { compileFilter, compileValueExpr } from '../filter/compile.js';
import type { Expr } from '../filter/ast.js';
import { StateFieldRegistry } from '../state/fields.js';
import type { EvalContext } from '../state/inspector.js';
import { CompiledFormat } from '../format/format.js';
import { ContainerManager, makeContainerFields } from '../containers/index.js';
import { EVENT_COUNT, EVENT_DIR, EVENT_NAME, PARAM_START, PARAM_NAME, PARAM_INFO, PARAM_TYPE, FLAG_TABLE } from '../events/generated/event-table.js';
import { paramIndex } from '../state/evparams.js';
import { renderParam, ParamText } from '../events/render.js';
import type { FieldDef, FieldValue } from '../filter/field-api.js';
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
    // Container events (tid -1) sit on a pseudo-thread without cgroups that carries the event's
    // container id: their container.* fields describe that container, as in sinsp.
    ref: (ctx) => (ctx.thread !== null && ctx.thread.tid === -1 && ctx.thread.containerId !== '' ? m.knownRef(ctx.thread.containerId) ?? undefined : undefined),
    pid: (ctx) => (ctx.thread === null ? -1 : ctx.thread.pid),
    evtTs: (ctx) => ctx.ev.ts(),
  });
  const reg = new StateFieldRegistry();
  for (const d of defs) reg.add(d);
  for (const name of ['evt.arg', 'evt.rawarg']) {
    const base = reg.lookup(name);
    if (base) reg.add(withAppendedParams(base, name === 'evt.rawarg'));
  }
  return reg;
}

/**
 * evt.arg.NAME / evt.rawarg.NAME for rules: the state fields answer from the 2022 parameter
 * list (what sysdig 0.29.3 prints), but live events also carry the parameters the current
 * event table appends (socket's domain, ptrace's request, setuid's uid…), which Falco's
 * rules test. When the 2022 lookup finds nothing, look the name up among those too.
 */
function withAppendedParams(base: FieldDef<Ctx>, raw: boolean): FieldDef<Ctx> {
  const pt = new ParamText();
  return {
    name: base.name, type: base.type, desc: base.desc, arg: base.arg, argKind: base.argKind,
    isList: base.isList, deprecated: base.deprecated,
    extract(ctx: Ctx, arg: string | number | undefined): FieldValue {
      const v = base.extract(ctx, arg);
      // Only exit-only (live) events: with its enter event before it (a capture file), an exit
      // answers from its own 2022 parameters, as sysdig 0.29.3 does.
      if (v !== null || typeof arg !== 'string' || ctx.enterValid) return v;
      const ev = ctx.ev;
      const i = paramIndex(ev.type, arg);
      if (i < 0 || i >= ev.nparams || ev.plen[i] === 0) return null;
      if (raw) {
        const l = ev.plen[i], o = ev.poff[i];
        if (l === 1) return ev.buf[o];
        if (l === 2) return ev.buf.readUInt16LE(o);
        if (l === 4) return ev.buf.readUInt32LE(o);
        if (l === 8) return ev.buf.readBigUInt64LE(o);
        return ev.buf.toString('utf8', o, o + l).replace(/\0+$/, '');
      }
      const names = flagNames(ev.type, i, ev);
      if (names !== null) return names;
      renderParam(ev, i, ctx.inspector.renderCtx, pt);
      return pt.resolved !== '' ? pt.resolved : pt.value;
    },
  };
}

// PT_FLAGS8/16/32 and PT_ENUMFLAGS8/16/32 (and MODE).
const FLAG_TYPES = new Set([28, 29, 30, 44, 45, 46]);
const ENUM_TYPES = new Set([44, 45, 46]);

/**
 * Appended parameters often have no flag table in the table (socket's domain, ptrace's
 * request); the enter event's parameter of the same name has it. Render its names the way
 * evt.arg renders flags: "AF_PACKET", "PTRACE_TRACEME", "A|B".
 */
function flagNames(type: number, i: number, ev: Ctx['ev']): string | null {
  const k = PARAM_START[type] + i;
  if (!FLAG_TYPES.has(PARAM_TYPE[k])) return null;
  let table = PARAM_INFO[k];
  if (table < 0 && type > 0 && EVENT_DIR[type - 1] === 'E' && EVENT_NAME[type - 1] === EVENT_NAME[type]) {
    const e = type - 1;
    for (let j = PARAM_START[e]; j < PARAM_START[e + 1]; j++) if (PARAM_NAME[j] === PARAM_NAME[k]) { table = PARAM_INFO[j]; break; }
  }
  if (table < 0 || table >= FLAG_TABLE.length) return null;
  const l = ev.plen[i], o = ev.poff[i];
  const v = l === 1 ? ev.buf[o] : l === 2 ? ev.buf.readUInt16LE(o) : l === 4 ? ev.buf.readUInt32LE(o) : -1;
  if (v < 0) return null;
  const entries = FLAG_TABLE[table];
  if (ENUM_TYPES.has(PARAM_TYPE[k])) {
    for (const [n, x] of entries) if (x === v) return n;
    return String(v);
  }
  const out: string[] = [];
  for (const [n, x] of entries) if (x !== 0 && (v & x) === x) out.push(n);
  return out.length ? out.join('|') : String(v);
}

export function makeDetectionBackend(registry: StateFieldRegistry): Backend {
  return makeBackend<Predicate<Ctx>, CompiledFormat>({
    compile(ast) {
      const cf = compileFilter<Ctx>(ast, registry);
      return { match: cf.match, evtTypes: cf.evtTypes };
    },
    compileOutput(fmt) {
      // Falco prepends '*' to every rule output: a missing field prints <NA>, the alert is kept.
      // Transformers (%tolower(proc.name)) compile through the filter's value expressions.
      const f = new CompiledFormat('*' + fmt, registry, { valueCompiler: (t) => compileValueExpr<Ctx>(t, registry) });
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
