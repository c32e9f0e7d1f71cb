// The detection loop: source → state → ruleset → outputs.
//
//   EventSource.nextBatch ──► Inspector.process(ev) ──► Ruleset.process(type, ctx) ──► emit(Alert)
//        (file or live)         (threads, fds, users)      (rules for this type only)     (outputs)
//
// Rules run on exit events (and on events that have no exit half, e.g. procexit): that is what
// the live probe delivers, and old capture files carry enter+exit pairs whose enter half Falco's
// libs fold into the exit event, so a rule fires once per syscall on both.
import type { EventSource } from '../capture/types.js';
import type { EventView } from '../events/event-view.js';
import { EVENT_COUNT, EVENT_DIR, EVENT_FLAGS, EVENT_NAME } from '../events/generated/event-table.js';
import { Inspector } from '../state/inspector.js';
import type { Alert } from '../outputs/alert.js';
import type { FieldValue } from '../filter/field-api.js';
import type { CompiledRule } from '../rules/compiler.js';
import type { CompiledFormat } from '../format/format.js';
import type { Predicate } from '../rules/ruleset.js';
import type { Ctx, Detection } from './detection.js';
import { EventView as EV } from '../events/event-view.js';
import type { ContainerManager } from '../containers/index.js';
import { containerInfoFromEvent, PPME_CONTAINER_JSON_E, PPME_CONTAINER_JSON_2_E } from '../containers/scap-json.js';

const EF_UNUSED = 1 << 6;

/** RUN_ON[t] = 1 when rules are evaluated on events of type t. */
export const RUN_ON: Uint8Array = (() => {
  const a = new Uint8Array(EVENT_COUNT);
  for (let t = 0; t < EVENT_COUNT; t++) {
    if (EVENT_DIR[t] === 'X') { a[t] = (EVENT_FLAGS[t] & EF_UNUSED) ? 0 : 1; continue; }
    const x = t + 1;
    const paired = x < EVENT_COUNT && EVENT_DIR[x] === 'X' && EVENT_NAME[x] === EVENT_NAME[t] && (EVENT_FLAGS[x] & EF_UNUSED) === 0;
    a[t] = paired ? 0 : 1;
  }
  return a;
})();

export interface EngineStats {
  events: number;
  /** Events on which at least one rule was evaluated. */
  evaluated: number;
  alerts: number;
  /** Rule predicates that threw (a bug; counted, not fatal). */
  ruleErrors: number;
}

export interface EngineOptions {
  source: EventSource;
  detection: Detection;
  emit: (a: Alert) => void;
  hostname: string;
  /** A ready inspector (e.g. with users seeded from /etc/passwd); default: a new one. */
  inspector?: Inspector;
  /** Gets the container metadata that capture files carry in container events. */
  manager?: ContainerManager;
}

export class DetectionEngine {
  readonly inspector: Inspector;
  readonly stats: EngineStats = { events: 0, evaluated: 0, alerts: 0, ruleErrors: 0 };
  private stopped = false;
  private ctx: Ctx | null = null;
  private ev: EventView | null = null;
  private readonly onMatch = (rule: CompiledRule<Predicate<Ctx>, CompiledFormat>): void => this.alert(rule);
  private readonly onEvent = (ev: EventView): void => this.event(ev);

  constructor(private opts: EngineOptions) {
    this.inspector = opts.inspector ?? new Inspector(new EV());
  }

  /** Swap in reloaded rules; takes effect from the next event. */
  setDetection(d: Detection): void {
    this.opts.detection = d;
  }

  /** Ask the loop to stop after the current batch. */
  stop(): void {
    this.stopped = true;
  }

  /** Runs until the source ends or stop() is called. The source must be open. */
  async run(): Promise<EngineStats> {
    this.inspector.seed(this.opts.source.header);
    while (!this.stopped) {
      const more = await this.opts.source.nextBatch(this.onEvent);
      if (!more) break;
    }
    return this.stats;
  }

  private event(ev: EventView): void {
    this.stats.events++;
    const insp = this.inspector;
    const ctx = insp.process(ev);
    const t = ev.type;
    if ((t === PPME_CONTAINER_JSON_E || t === PPME_CONTAINER_JSON_2_E) && this.opts.manager) {
      const r = containerInfoFromEvent(ev);
      if (r !== null && r.ok) this.opts.manager.preload(r.info);
    }
    const rs = this.opts.detection.ruleset;
    if (RUN_ON[t] === 1 && rs.interested(t)) {
      this.stats.evaluated++;
      this.ctx = ctx;
      this.ev = ev;
      try {
        rs.process(t, ctx, this.onMatch);
      } catch {
        // A generated predicate should never throw; if one does, count it and keep going.
        this.stats.ruleErrors++;
      }
    }
    insp.endEvent(ev);
  }

  private alert(rule: CompiledRule<Predicate<Ctx>, CompiledFormat>): void {
    const ctx = this.ctx!;
    const fmt = rule.format;
    const output = fmt.format(ctx) ?? '';
    const fields: Record<string, FieldValue> = {};
    for (const f of fmt.fields) {
      if (Object.prototype.hasOwnProperty.call(fields, f.text)) continue;
      fields[f.text] = f.def.extract(ctx, f.arg);
    }
    const extra = rule.extraFields;
    for (let i = 0; i < extra.length; i++) {
      const e = extra[i];
      if (e.raw) {
        const f = e.format.fields[0];
        fields[e.key] = f === undefined ? null : f.def.extract(ctx, f.arg);
      } else {
        fields[e.key] = e.format.format(ctx);
      }
    }
    this.stats.alerts++;
    this.opts.emit({
      time: this.ev!.ts(), rule: rule.name, priority: rule.priority, source: rule.source, output,
      outputFields: fields, tags: rule.tags as string[], hostname: this.opts.hostname,
    });
  }
}
