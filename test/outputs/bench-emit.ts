// Not a test (no .test. in the name): measures what emit() costs the engine.
//   npx tsc -p tsconfig.json && node dist/test/outputs/bench-emit.js
import { Writable } from 'node:stream';
import { createOutputs } from '../../src/outputs/index.js';
import { cfg, mkAlert } from './helpers.js';

async function run(label: string, overrides: string[], n: number): Promise<void> {
  let bytes = 0;
  const sinkStream = new Writable({ write(c: Buffer, _e, cb) { bytes += c.length; cb(); } });
  const out = createOutputs(cfg(['stdout_output.enabled=true', 'outputs_queue.capacity=1000000', ...overrides]), { stdout: sinkStream });
  const alerts = Array.from({ length: 1000 }, (_, i) => mkAlert(i));
  for (let i = 0; i < 2000; i++) out.emit(alerts[i % 1000]!); // warm up
  await out.flush();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) out.emit(alerts[i % 1000]!);
  const t1 = process.hrtime.bigint();
  await out.flush(60_000);
  const t2 = process.hrtime.bigint();
  const emitNs = Number(t1 - t0) / n;
  console.log(`${label}: emit ${emitNs.toFixed(0)} ns/alert (${(1e9 / emitNs / 1000).toFixed(0)}k alerts/s on the caller), `
    + `end-to-end ${(n / (Number(t2 - t0) / 1e9) / 1000).toFixed(0)}k alerts/s, ${(bytes / n).toFixed(0)} B/alert`);
  await out.close();
}

await run('text', ['json_output=false'], 200_000);
await run('json', ['json_output=true'], 200_000);
