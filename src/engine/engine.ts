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
import { valueText } from '../format/format.js';
import { Inspector } from '../state/inspector.js';
import type { Alert } from '../outputs/alert.js';
import type { FieldValue } from '../filter/field-api.js';
import type { CompiledRule } from '../rules/compiler.js';
import type { CompiledFormat } from '../format/format.js';
import type { Predicate } from '../rules/ruleset.js';
import type { Ctx, Detection } from './detection.js';
import { EventView as EV } from '../events/event-view.js';
import { NOTE_KIND, type ContainerStartEvents } from '../containers/start-events.js';
import type { ThreadInfo } from '../state/thread.js';
import type { ContainerManager } from '../containers/index.js';
import { containerInfoFromEvent, PPME_CONTAINER_JSON_E, PPME_CONTAINER_JSON_2_E } from '../containers/scap-json.js';
import type { CaptureRecorder } from './capture-recorder.js';

const EF_UNUSED = 1 << 6;
const PPME_PROCEXIT_E = 16, PPME_PROCEXIT_1_E = 186;

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
  /**
   * Live: how long an alert about a container whose metadata is still being fetched may wait
   * for it, so names and images are filled in (0 = never wait; replays know what they know).
   */
  waitContainerMs?: number;
  /**
   * Live: raises a container event (evt.type = container) for each container that starts
   * during the run, and for each one running at start (seedRunning: the snapshot's threads),
   * once its metadata is known (src/containers/start-events.ts).
   */
  containerEvents?: ContainerStartEvents<ThreadInfo>;
  /** Capture recording on alerts (config `capture:`): gets every alert and, while recording, every event. */
  capture?: CaptureRecorder;
}

/** Fields whose value comes from the runtime's metadata (not from the cgroup id). */
function isContainerMetaField(name: string): boolean {
  return (name.startsWith('container.') && name !== 'container.id' && name !== 'container.full_id' && name !== 'container.type')
    || name.startsWith('k8s.');
}

export class DetectionEngine {
  readonly inspector: Inspector;
  readonly stats: EngineStats = { events: 0, evaluated: 0, alerts: 0, ruleErrors: 0 };
  private stopped = false;
  private ctx: Ctx | null = null;
  private ev: EventView | null = null;
  private readonly onMatch = (rule: CompiledRule<Predicate<Ctx>, CompiledFormat>): void => this.alert(rule);
  private readonly onEvent = (ev: EventView): void => this.event(ev);
  private readonly onContainerEvent = (ev: EventView, thread: ThreadInfo): void => this.containerEvent(ev, thread);

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
    // Live: threads the state missed (dropped clones, purges) are read from /proc on sight.
    const src = this.opts.source;
    if (src.lookupThread !== undefined) this.inspector.osLookup = (tid) => src.lookupThread!(tid);
    const ce = this.opts.containerEvents;
    ce?.seedRunning(this.inspector.threads.map.values());
    while (!this.stopped) {
      const more = await this.opts.source.nextBatch(this.onEvent);
      if (ce !== undefined) ce.drain(this.onContainerEvent);
      const cap = this.opts.capture?.afterBatch();
      if (cap) await cap;
      if (!more) break;
    }
    await this.drain();
    return this.stats;
  }

  private event(ev: EventView): void {
    this.stats.events++;
    const insp = this.inspector;
    const ctx = insp.process(ev);
    const t = ev.type;
    const ce = this.opts.containerEvents;
    if (ce !== undefined && NOTE_KIND[t] !== 0 && ctx.thread !== null) ce.note(ctx.thread, NOTE_KIND[t]!);
    if ((t === PPME_CONTAINER_JSON_E || t === PPME_CONTAINER_JSON_2_E) && this.opts.manager) {
      const r = containerInfoFromEvent(ev);
      if (r !== null && r.ok) this.opts.manager.preload(r.info);
    }
    // A process exit frees its pid: the manager's per-pid namespace answer (container.unknown)
    // must not carry over to a later process that reuses it.
    if ((t === PPME_PROCEXIT_E || t === PPME_PROCEXIT_1_E) && this.opts.manager) {
      const th = ctx.thread;
      if (th !== null && th.tid === th.pid) this.opts.manager.forgetPid(th.pid);
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
    const cap = this.opts.capture;
    if (cap !== undefined && cap.active) cap.event(ev);
    insp.endEvent(ev);
  }

  /** A live container event, evaluated on the container's first program (see start-events.ts). */
  private containerEvent(ev: EventView, thread: ThreadInfo): void {
    this.stats.events++;
    const ctx = this.inspector.process(ev);
    ctx.thread = thread;
    const rs = this.opts.detection.ruleset;
    if (rs.interested(ev.type)) {
      this.stats.evaluated++;
      this.ctx = ctx;
      this.ev = ev;
      try {
        rs.process(ev.type, ctx, this.onMatch);
      } catch {
        this.stats.ruleErrors++;
      }
    }
    const cap = this.opts.capture;
    if (cap !== undefined && cap.active) cap.event(ev);
    this.inspector.endEvent(ev);
  }

  private alert(rule: CompiledRule<Predicate<Ctx>, CompiledFormat>): void {
    const ctx = this.ctx!;
    const fmt = rule.format;
    const time = this.ev!.ts();
    this.opts.capture?.onAlert(rule, this.ev!, this.inspector);
    const values: FieldValue[] = new Array(fmt.fields.length);
    let meta = false;
    for (let i = 0; i < fmt.fields.length; i++) {
      const f = fmt.fields[i];
      values[i] = f.def.extract(ctx, f.arg);
      if (values[i] === null && isContainerMetaField(f.def.name)) meta = true;
    }
    const extraVals: FieldValue[] = rule.extraFields.map((e) => {
      if (e.raw) {
        const f = e.format.fields[0];
        return f === undefined ? null : f.def.extract(ctx, f.arg);
      }
      return e.format.format(ctx);
    });
    this.stats.alerts++;
    const m = this.opts.manager;
    const wait = this.opts.waitContainerMs ?? 0;
    const thread = ctx.thread;
    if (meta && m !== undefined && wait > 0 && thread !== null) {
      const ref = m.refFor(thread.cgroups);
      if (ref.type !== 'host' && m.lookup(ref) === null) {
        // The runtime has not answered yet for this (new) container: wait a bounded time, then
        // fill in its metadata fields. They depend only on the container, so a stand-in
        // context with the thread's cgroups gives the same values the event would have had.
        const stand = { thread: { cgroups: thread.cgroups, pid: thread.pid }, ev: { ts: () => time } } as unknown as Ctx;
        this.pending++;
        void m.whenReady(ref, wait).then(() => {
          for (let i = 0; i < fmt.fields.length; i++) {
            const f = fmt.fields[i];
            if (values[i] === null && isContainerMetaField(f.def.name)) values[i] = f.def.extract(stand, f.arg);
          }
          this.pending--;
          this.send(rule, time, values, extraVals);
        });
        return;
      }
    }
    this.send(rule, time, values, extraVals);
  }

  /** Alerts waiting for container metadata. */
  pending = 0;

  private send(rule: CompiledRule<Predicate<Ctx>, CompiledFormat>, time: bigint, values: FieldValue[], extraVals: FieldValue[]): void {
    const fmt = rule.format;
    const fields: Record<string, FieldValue> = {};
    let output = fmt.literals[0];
    for (let i = 0; i < fmt.fields.length; i++) {
      const f = fmt.fields[i];
      const v = values[i];
      let t = v === null ? '<NA>' : valueText(v);
      if (f.width > t.length) t += ' '.repeat(f.width - t.length);
      output += t + fmt.literals[i + 1];
      if (!Object.prototype.hasOwnProperty.call(fields, f.text)) fields[f.text] = v;
    }
    const extra = rule.extraFields;
    for (let i = 0; i < extra.length; i++) fields[extra[i].key] = extraVals[i];
    this.opts.emit({
      time, rule: rule.name, priority: rule.priority, source: rule.source, output,
      outputFields: fields, tags: rule.tags as string[], hostname: this.opts.hostname,
    });
  }

  /** Resolves once no alert is waiting for container metadata (bounded by the wait). */
  async drain(): Promise<void> {
    while (this.pending > 0) await new Promise((r) => setTimeout(r, 20));
  }
}
