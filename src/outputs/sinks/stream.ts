// stdout_output (or any Writable): a batch becomes one write; backpressure is honoured by
// waiting for 'drain', which only holds up this output's queue.
import type { Writable } from 'node:stream';
import { Sink } from '../sink.js';

export class StreamSink extends Sink {
  constructor(name: string, capacity: number, private readonly stream: Writable) {
    super(name, capacity);
    // EPIPE (stdout piped into `head`) arrives as an 'error' event too; without a listener it
    // would crash the process. The write callback already counts the loss.
    stream.on('error', () => undefined);
  }

  protected async write(batch: string[]): Promise<void> {
    const data = batch.join('\n') + '\n';
    const n = batch.length;
    await new Promise<void>((resolve) => {
      let settled = false;
      const finish = (err?: Error | null): void => {
        if (settled) return;
        settled = true;
        if (err) this.drop('write_failed', n, err.message);
        else this.ok(n);
        resolve();
      };
      try {
        // The callback fires once the data is handed to the OS (or on error); waiting on it
        // also waits out backpressure.
        this.stream.write(data, (err) => finish(err));
      } catch (err) {
        finish(err as Error);
      }
    });
  }
}
