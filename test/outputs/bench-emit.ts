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
  // Like the engine: a batch of alerts, then the event loop turns (the outputs drain).
  const t0 = process.hrtime.bigint();
  let inEmit = 0n;
  for (let i = 0; i < n; i += 512) {
    const a = process.hrtime.bigint();
    for (let j = i; j < Math.min(n, i + 512); j++) out.emit(alerts[j % 1000]!);
    inEmit += process.hrtime.bigint() - a;
    await new Promise((r) => setImmediate(r));
  }
  await out.flush(60_000);
  const t2 = process.hrtime.bigint();
  const emitNs = Number(inEmit) / n;
  console.log(`${label}: emit ${emitNs.toFixed(0)} ns/alert (${(1e9 / emitNs / 1000).toFixed(0)}k alerts/s on the caller), `
    + `end-to-end ${(n / (Number(t2 - t0) / 1e9) / 1000).toFixed(0)}k alerts/s, ${(bytes / n).toFixed(0)} B/alert`);
  await out.close();
}

await run('text', ['json_output=false'], 100_000);
await run('json', ['json_output=true'], 100_000);

// HTTP to a loopback receiver: one POST per alert, sequential (the Falco model).
{
  const { Receiver } = await import('./receiver.js');
  const rx = new Receiver();
  await rx.start();
  for (const [ka, inflight] of [['false', 1], ['true', 1], ['true', 8]] as const) {
    rx.bodies.length = 0;
    const out = createOutputs(cfg(['http_output.enabled=true', `http_output.url=${rx.url}`, `http_output.keep_alive=${ka}`, `http_output.max_in_flight=${inflight}`]));
    const n = 2000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) out.emit(mkAlert(i));
    await out.flush(120_000);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`http keep_alive=${ka} max_in_flight=${inflight}: ${(n / s).toFixed(0)} alerts/s delivered (${rx.bodies.length}/${n} received)`);
    await out.close();
  }
  await rx.stop();
}
