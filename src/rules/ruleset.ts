// The ruleset: compiled rules indexed by event type id, so each event runs only the rules that
// can match its type (Falco's evttype_index_ruleset). For each type the rules are kept in load
// order (first definition's position), rules without an event-type restriction included, so
// `rule_matching: first` picks the same rule Falco does.
import { PRIORITIES, type Priority } from '../outputs/alert.js';
import { EVENT_COUNT } from '../events/generated/event-table.js';
import type { CompiledRule } from './compiler.js';

export type Predicate<C> = (ctx: C) => boolean;

export interface RulesetOptions {
  /** 'first' (default): stop at the first matching rule; 'all': every matching rule. */
  matching?: 'first' | 'all';
  /** Rules less severe than this are not loaded at all. Default: Debug (everything). */
  minPriority?: Priority;
}

/** One selection step of the `rules:` config: enable/disable by name (with * wildcards) or tag. */
export interface RuleSelector {
  action: 'enable' | 'disable';
  rule?: string;
  tag?: string;
}

export function priorityRank(p: Priority): number {
  return PRIORITIES.indexOf(p);
}

function wildcard(pattern: string): RegExp {
  const esc = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp('^' + esc + '$');
}

export class Ruleset<C, F = unknown> {
  readonly rules: CompiledRule<Predicate<C>, F>[];
  readonly matching: 'first' | 'all';
  /** byType[t] = enabled rules that can match event type t, in load order. */
  private byType: CompiledRule<Predicate<C>, F>[][] = [];
  /** Per-rule match counters, by position in `rules`. */
  readonly matches: Float64Array;
  private readonly ruleIdx = new Map<CompiledRule<Predicate<C>, F>, number>();

  constructor(rules: readonly CompiledRule<Predicate<C>, F>[], opts: RulesetOptions = {}) {
    const min = priorityRank(opts.minPriority ?? 'Debug');
    this.rules = rules.filter((r) => priorityRank(r.priority) <= min).sort((a, b) => a.index - b.index);
    this.rules.forEach((r, i) => this.ruleIdx.set(r, i));
    this.matching = opts.matching ?? 'first';
    this.matches = new Float64Array(this.rules.length);
    this.rebuild();
  }

  /** Apply enable/disable selectors in order (after all files and overrides, as Falco does). */
  select(selectors: readonly RuleSelector[]): number {
    let n = 0;
    for (const s of selectors) {
      const re = s.rule !== undefined ? wildcard(s.rule) : null;
      for (const r of this.rules) {
        if ((re && re.test(r.name)) || (s.tag !== undefined && r.tags.includes(s.tag))) {
          r.enabled = s.action === 'enable';
          n++;
        }
      }
    }
    this.rebuild();
    return n;
  }

  enabledRules(): CompiledRule<Predicate<C>, F>[] {
    return this.rules.filter((r) => r.enabled);
  }

  /** Event type ids any enabled rule needs; `all` true when some rule is not type-restricted. */
  eventTypes(): { ids: Set<number>; all: boolean } {
    const ids = new Set<number>();
    let all = false;
    for (const r of this.rules) {
      if (!r.enabled) continue;
      if (r.evtTypes === null) { all = true; continue; }
      for (const t of r.evtTypes) ids.add(t);
    }
    return { ids, all };
  }

  private rebuild(): void {
    const n = EVENT_COUNT;
    const by: CompiledRule<Predicate<C>, F>[][] = [];
    for (let t = 0; t < n; t++) by.push([]);
    for (const r of this.rules) {
      if (!r.enabled) continue;
      if (r.evtTypes === null) {
        for (let t = 0; t < n; t++) by[t].push(r);
      } else {
        for (const t of r.evtTypes) if (t >= 0 && t < n) by[t].push(r);
      }
    }
    this.byType = by;
  }

  /** Whether any enabled rule may match this event type (lets callers skip building a context). */
  interested(type: number): boolean {
    const l = this.byType[type];
    return l !== undefined && l.length > 0;
  }

  /**
   * Runs the rules for `type` on `ctx`, calling `onMatch` for the first (or every) match.
   * Returns the number of matches. A predicate that throws counts as no match for that rule.
   */
  process(type: number, ctx: C, onMatch: (rule: CompiledRule<Predicate<C>, F>) => void): number {
    const list = this.byType[type];
    if (list === undefined) return 0;
    let n = 0;
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if (r.match(ctx)) {
        this.matches[this.ruleIdx.get(r)!]++;
        onMatch(r);
        n++;
        if (this.matching === 'first') break;
      }
    }
    return n;
  }
}
