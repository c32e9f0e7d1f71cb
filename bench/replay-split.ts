// Where a replay's time goes, in-process: reader alone, reader + state, reader + state + filter
// (the filters of bench/replay.sh), each as CPU time (process.cpuUsage) and wall time, so a
// change to one layer can be judged without CLI start-up noise.
//
//   npx tsc -p tsconfig.json && node dist/bench/replay-split.js [FILE] [RUNS] [MODE] [curve]
//
// Each line is the median of RUNS runs; runs of the different modes are interleaved. With
// `curve` (one MODE), the first run also prints CPU/wall ms per span of events (1, 1024, 2048,
// 4096, ... doubling): how long the first events take while the code is still interpreted or
// being compiled, against the optimized rate of the later spans.

import { FileSource } from '../src/capture/file-source.js';
import type { EventView } from '../src/events/event-view.js';
import { Inspector, type EvalContext } from '../src/state/inspector.js';
import { StateFieldRegistry } from '../src/state/fields.js';
import { compileFilter } from '../src/filter/compile.js';
import { EVENT_COUNT } from '../src/events/generated/event-table.js';

const FILTER_A = 'proc.name = no_such_process_kestrel';
const FILTER_B = 'evt.type in (open, openat, openat2, execve, connect, accept, socket) and evt.dir = < and (fd.name startswith /etc or fd.typechar = 4 or fd.typechar = 6 or proc.name in (bash, sh, nc, curl) or user.uid = 12345) and not proc.pname in (sshd, systemd)';

type Mode = 'reader' | 'state' | 'filter-a' | 'filter-b';

/** CPU and wall ms at event counts 1, 1024, 2048, 4096, ... of a run (the `curve` option). */
class Curve {
  readonly marks: [number, number, number][] = [];
  private readonly c0 = process.cpuUsage();
  private readonly w0 = performance.now();
  mark(n: number): void {
    const c = process.cpuUsage(this.c0);
    this.marks.push([n, (c.user + c.system) / 1000, performance.now() - this.w0]);
  }
  print(): void {
    const m = this.marks;
    const spans: string[] = [];
    for (let i = 1; i < m.length; i++) spans.push(`..${m[i]![0]} ${(m[i]![1] - m[i - 1]![1]).toFixed(1)}/${(m[i]![2] - m[i - 1]![2]).toFixed(1)}`);
    console.log(`first run, cpu/wall ms per span of events (from event ${m[0]![0]}): ${spans.join('  ')}`);
  }
}

async function once(file: string, mode: Mode, curve: Curve | null = null): Promise<{ cpu: number; wall: number; n: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const src = new FileSource(file, { sysdigCompat: true });
  await src.open();
  const registry = new StateFieldRegistry();
  const filter = mode === 'filter-a' ? compileFilter<EvalContext>(FILTER_A, registry)
    : mode === 'filter-b' ? compileFilter<EvalContext>(FILTER_B, registry) : null;
  let insp: Inspector | null = null;
  let n = 0;
  let matched = 0;
  let each: (ev: EventView) => void;
  if (curve !== null) {
    // Same work as the other modes plus a mark at each power of two (not used for medians).
    let next = 1;
    each = (ev) => {
      if (n + 1 === next) { curve.mark(n + 1); next = next === 1 ? 1024 : next * 2; }
      if (mode !== 'reader') {
        if (insp === null) { insp = new Inspector(ev); insp.seed(src.header); }
        const ctx = insp.process(ev);
        if (filter !== null) {
          const types = filter.evtTypes;
          if ((types === null || (ev.type < EVENT_COUNT && types.has(ev.type))) && filter.match(ctx)) matched++;
        }
      }
      n++;
    };
  } else if (mode === 'reader') {
    each = (ev) => { n += ev.nparams > 0 ? 1 : 1; };
  } else {
    each = (ev) => {
      if (insp === null) { insp = new Inspector(ev); insp.seed(src.header); }
      const ctx = insp.process(ev);
      n++;
      if (filter !== null) {
        const types = filter.evtTypes;
        if ((types === null || (ev.type < EVENT_COUNT && types.has(ev.type))) && filter.match(ctx)) matched++;
      }
    };
  }
  while (await src.nextBatch(each)) { /* batches */ }
  if (curve !== null) { curve.mark(n); curve.print(); }
  await src.close();
  const c = process.cpuUsage(c0);
  if (matched < 0) console.log(matched);
  return { cpu: (c.user + c.system) / 1000, wall: performance.now() - t0, n };
}

const file = process.argv[2] ?? '/tmp/kestrel-big.scap';
const runs = Number(process.argv[3] ?? 5);
// One mode per process (argv[4]) keeps the JIT's feedback to that mode, as in the CLI; without
// it every mode runs in turn in this process.
const modes: Mode[] = process.argv[4] !== undefined ? [process.argv[4] as Mode] : ['reader', 'state', 'filter-a', 'filter-b'];
const res = new Map<Mode, { cpu: number[]; wall: number[]; n: number }>();
for (const m of modes) res.set(m, { cpu: [], wall: [], n: 0 });
const withCurve = process.argv[5] === 'curve' && modes.length === 1;
for (let i = 0; i < runs; i++) {
  for (const m of modes) {
    const r = await once(file, m, withCurve && i === 0 ? new Curve() : null);
    const e = res.get(m)!;
    e.cpu.push(r.cpu); e.wall.push(r.wall); e.n = r.n;
  }
}
const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
for (const m of modes) {
  const e = res.get(m)!;
  const cpu = med(e.cpu);
  console.log(`${m.padEnd(9)} cpu first ${e.cpu[0]!.toFixed(0).padStart(4)} ms, median ${cpu.toFixed(0).padStart(4)} ms, min ${Math.min(...e.cpu).toFixed(0).padStart(4)} ms  wall median ${med(e.wall).toFixed(0).padStart(5)} ms  ${(cpu * 1e6 / e.n).toFixed(1)} ns/event (cpu)  ${e.n} events`);
}
