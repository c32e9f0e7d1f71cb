// Benchmark consumer: captures live for SECONDS with the default syscall set, decoding
// nothing (the capture path alone), and prints {events, drops, maxRssKiB, seconds} as JSON.
//   node dist/bench/live-consume.js SECONDS [ringKiB]
import { liveSource } from '../src/capture/live-cli.js';

const seconds = Number(process.argv[2] ?? 5);
const ringKiB = process.argv[3] ? Number(process.argv[3]) : undefined;
const src = liveSource({ snapshot: false, ringKiB });
await src.open();
process.stdout.write('ready\n');
let events = 0;
let maxRss = 0;
const end = Date.now() + seconds * 1000;
const t0 = Date.now();
let lastRss = 0;
while (Date.now() < end) {
  await src.nextBatch(() => { events++; });
  const now = Date.now();
  if (now - lastRss > 200) { lastRss = now; maxRss = Math.max(maxRss, process.memoryUsage.rss()); }
}
const st = src.stats();
await src.close();
process.stdout.write(JSON.stringify({ events, drops: st.drops, dropsBy: st.dropsBy, maxRssKiB: Math.round(maxRss / 1024), seconds: (Date.now() - t0) / 1000 }) + '\n');
