// In-process decode throughput: FileSource → EventView → decodeAll (every parameter of every
// event), without CLI start-up. `node dist/bench/decode.js FILE [RUNS]` prints one line per run
// and the median as JSON on the last line.
import { FileSource } from '../src/capture/file-source.js';
import { decodeAll, SockAddr, SockTuple } from '../src/events/params.js';
import type { EventView } from '../src/events/event-view.js';

async function once(file: string): Promise<{ events: number; ms: number; acc: number }> {
  const t0 = performance.now();
  const src = new FileSource(file);
  await src.open();
  const tuple = new SockTuple();
  const addr = new SockAddr();
  let acc = 0;
  let events = 0;
  const each = (ev: EventView) => { events++; acc += decodeAll(ev, tuple, addr); };
  while (await src.nextBatch(each)) { /* batches */ }
  await src.close();
  return { events, ms: performance.now() - t0, acc };
}

const file = process.argv[2] ?? '/tmp/kestrel-big.scap';
const runs = Number(process.argv[3] ?? 5);
const times: number[] = [];
let events = 0;
for (let i = 0; i < runs; i++) {
  const r = await once(file);
  events = r.events;
  times.push(r.ms);
  console.log(`run ${i + 1}: ${r.events} events in ${r.ms.toFixed(0)} ms = ${(r.events / r.ms / 1000).toFixed(2)} M events/s`);
}
times.sort((a, b) => a - b);
const med = times[Math.floor(times.length / 2)]!;
console.log(JSON.stringify({ events, medianMs: Math.round(med), mEventsPerSec: +(events / med / 1000).toFixed(2) }));
