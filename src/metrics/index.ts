// A small metrics registry for the hot path.
//
//   hot path (engine, outputs, drops)          scrape (GET /metrics)
//   ─────────────────────────────────          ──────────────────────────────────────
//   cell.value += n   (a plain number)   ──►   collectors run (pull source stats, RSS…)
//                                              each metric copies its cells into prom-client
//                                              prom-client renders Prometheus text
//
// Counters are updated by adding to a `Cell` (one monomorphic object per label set, looked up
// once and kept by the caller), so counting costs one property add, never a Map lookup or a
// prom-client call. Values are copied into prom-client lazily, only when someone scrapes.
import client from 'prom-client';

/** One time series: a counter or gauge value for a fixed label set. */
export class Cell {
  value = 0;
  constructor(readonly labels: Readonly<Record<string, string>>) {}
}

abstract class Family {
  protected readonly cells = new Map<string, Cell>();
  protected readonly unlabeled: Cell | null;
  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[]) {
    this.unlabeled = labelNames.length === 0 ? this.cell() : null;
  }

  /** The cell for these label values (in labelNames order). Keep it: lookups are not free. */
  cell(...values: string[]): Cell {
    if (values.length !== this.labelNames.length) {
      throw new Error(`metric ${this.name}: expected ${this.labelNames.length} label values, got ${values.length}`);
    }
    // JSON keeps keys unambiguous whatever the label values contain (rule names are user text).
    const key = JSON.stringify(values);
    let c = this.cells.get(key);
    if (c === undefined) {
      const labels: Record<string, string> = {};
      for (let i = 0; i < values.length; i++) labels[this.labelNames[i]!] = values[i]!;
      c = new Cell(labels);
      this.cells.set(key, c);
    }
    return c;
  }

  /** All cells (for tests and snapshots). */
  all(): readonly Cell[] { return [...this.cells.values()]; }

  /** Removes every labeled series (e.g. rules files after a reload). */
  clear(): void {
    if (this.unlabeled) this.unlabeled.value = 0;
    else this.cells.clear();
  }
}

export class CounterFamily extends Family {
  /** Unlabeled counters only. */
  inc(n = 1): void { this.unlabeled!.value += n; }
  get value(): number { return this.unlabeled ? this.unlabeled.value : 0; }
}

export class GaugeFamily extends Family {
  set(v: number): void { this.unlabeled!.value = v; }
  get value(): number { return this.unlabeled ? this.unlabeled.value : 0; }
}

export type Collector = () => void;

export class MetricsRegistry {
  /** The prom-client registry the web server renders. */
  readonly prom = new client.Registry();
  private readonly collectors: Collector[] = [];
  private readonly families = new Map<string, Family>();

  counter(name: string, help: string, labelNames: readonly string[] = []): CounterFamily {
    const existing = this.families.get(name);
    if (existing) {
      if (!(existing instanceof CounterFamily)) throw new Error(`metric ${name} already registered as a gauge`);
      return existing;
    }
    const fam = new CounterFamily(name, help, labelNames);
    this.families.set(name, fam);
    const prom = new client.Counter({
      name, help, labelNames: [...labelNames], registers: [this.prom],
      collect() {
        this.reset();
        for (const c of fam.all()) this.inc(c.labels, c.value);
      },
    });
    void prom;
    return fam;
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): GaugeFamily {
    const existing = this.families.get(name);
    if (existing) {
      if (!(existing instanceof GaugeFamily)) throw new Error(`metric ${name} already registered as a counter`);
      return existing;
    }
    const fam = new GaugeFamily(name, help, labelNames);
    this.families.set(name, fam);
    new client.Gauge({
      name, help, labelNames: [...labelNames], registers: [this.prom],
      collect() {
        this.reset();
        for (const c of fam.all()) this.set(c.labels, c.value);
      },
    });
    return fam;
  }

  /** A function run before each scrape, to pull values from elsewhere (source stats, RSS). */
  addCollector(fn: Collector): void { this.collectors.push(fn); }

  /** Runs the collectors, then renders the Prometheus text exposition. */
  async text(): Promise<string> {
    for (const fn of this.collectors) {
      try { fn(); } catch { /* a broken collector must not break the scrape */ }
    }
    return this.prom.metrics();
  }

  get contentType(): string { return this.prom.contentType; }
}
