// The scenario at full length: the receiver is down for 30 s while alerts keep coming;
// with the disk spool every alert arrives, in order, once it is back.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { createOutputs } from '../../src/outputs/index.js';
import { HttpSink } from '../../src/outputs/sinks/http.js';
import { cfg, mkAlert, tmpdir, waitFor } from './helpers.js';
import { Receiver } from './receiver.js';
import { freePort } from '../support/ports.js';

test('receiver down for 30 s with alerts arriving all along: nothing lost', { timeout: 110_000 }, async () => {
  const rx = new Receiver();
  // Restarted on the same port after the outage: a port outside the ephemeral range, so no
  // outgoing connection of another test file can take it while the receiver is down.
  await rx.start(await freePort());
  const spool = path.join(tmpdir(), 'outage.spool');
  const out = createOutputs(cfg(['http_output.enabled=true', `http_output.url=${rx.url}`, 'http_output.retries=2',
    'http_output.retry_backoff_ms=50', 'http_output.max_backoff_ms=2000', 'http_output.timeout_ms=2000',
    'http_output.spool.enabled=true', `http_output.spool.path=${spool}`]));
  let seq = 0;
  for (; seq < 50; seq++) out.emit(mkAlert(seq));
  await out.flush(20_000);
  const port = rx.port;
  await rx.stop();
  const downUntil = Date.now() + 30_000;
  while (Date.now() < downUntil) {
    for (let i = 0; i < 10; i++) out.emit(mkAlert(seq++));
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok((out.sinks[0] as HttpSink).spoolCount > 0);
  await rx.start(port);
  for (let i = 0; i < 50; i++) out.emit(mkAlert(seq++));
  await waitFor(() => rx.bodies.length === seq, 45_000, `${seq} alerts at the receiver`);
  await out.close();
  await rx.stop();
  assert.deepEqual(rx.seqs(), [...Array(seq).keys()]);
  assert.deepEqual(out.stats()[0]!.dropped, {});
  assert.equal(out.stats()[0]!.delivered, seq);
});
