// `kestrel inspect`: read a capture file, print its events, or rewrite it.
//
//   kestrel inspect -r IN.scap[.gz] [-n N] [-q] [--all-events]
//   kestrel inspect -r IN.scap -w OUT.scap [-z] [--keep-new-events]

import { parseArgs } from 'node:util';
import { KestrelError } from '../../../errors.js';
import type { Command } from '../../command.js';
import { FileSource } from '../../../capture/file-source.js';
import { ScapWriter } from '../../../capture/scap-writer.js';
import type { EventView } from '../../../events/event-view.js';
import { decodeAll, SockAddr, SockTuple } from '../../../events/params.js';
import { formatEventLine } from './print.js';

const HELP = `usage: kestrel inspect -r FILE [options]

Reads a scap capture (plain or gzip) and prints one line per event.

options:
  -r, --read FILE        capture to read (required)
  -w, --write FILE       rewrite the capture to FILE instead of printing (sysdig-readable)
  -z, --compress         gzip the file written with -w (also implied by a .gz name)
  -n, --count N          stop after N events
  -q, --quiet            decode every event and parameter, print nothing (benchmarks)
      --all-events       also show events with ids >= 336, which sysdig 0.29.3 does not know
                         (by default they are skipped and evt.num matches sysdig's)
      --keep-new-events  with -w, keep events with ids >= 336 (dropped by default: sysdig
                         0.29.3 cannot read them)
  -h, --help             this help
`;

/** Writes text to stdout, waiting when the pipe is full; a closed pipe (EPIPE) ends quietly. */
class Out {
  private chunks: string[] = [];
  private size = 0;
  closed = false;
  constructor() {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') this.closed = true;
    });
  }
  push(s: string): void {
    this.chunks.push(s);
    this.size += s.length;
  }
  async flush(force = false): Promise<void> {
    if (this.size === 0 || (!force && this.size < 1 << 16)) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    if (this.closed) return;
    if (!process.stdout.write(text)) {
      await new Promise<void>((resolve) => {
        const done = () => { process.stdout.off('drain', done); process.stdout.off('error', done); resolve(); };
        process.stdout.on('drain', done);
        process.stdout.on('error', done);
      });
    }
  }
}

export const command: Command = {
  name: 'inspect',
  summary: 'print or rewrite the events of a capture file',
  async run(args: string[]): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        read: { type: 'string', short: 'r' },
        write: { type: 'string', short: 'w' },
        compress: { type: 'boolean', short: 'z' },
        count: { type: 'string', short: 'n' },
        quiet: { type: 'boolean', short: 'q' },
        'all-events': { type: 'boolean' },
        'keep-new-events': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!values.read) throw new KestrelError('KES_USAGE', 'inspect: -r FILE is required');
    let limit = Infinity;
    if (values.count !== undefined) {
      if (!/^\d+$/.test(values.count)) throw new KestrelError('KES_USAGE', `inspect: -n wants a number, got '${values.count}'`);
      limit = Number(values.count);
    }
    const src = new FileSource(values.read, { sysdigCompat: !values['all-events'] });
    await src.open();
    try {
      if (values.write) {
        const gzip = values.compress === true || values.write.endsWith('.gz');
        const w = await ScapWriter.create(values.write, { gzip, keepNewEvents: values['keep-new-events'] === true });
        try {
          w.writeHeader(src.header);
          let n = 0;
          while (n < limit) {
            const more = await src.nextBatch((ev) => {
              if (n >= limit) return;
              n++;
              w.writeEvent(ev);
            });
            await w.drain();
            if (!more) break;
          }
        } finally {
          await w.close();
        }
        return 0;
      }
      if (values.quiet) {
        const tuple = new SockTuple();
        const addr = new SockAddr();
        let n = 0;
        let acc = 0;
        const each = (ev: EventView) => {
          if (n >= limit) return;
          n++;
          acc += decodeAll(ev, tuple, addr);
        };
        while (n < limit && await src.nextBatch(each)) { /* batches */ }
        if (Number.isNaN(acc)) process.stderr.write('\n'); // keeps acc observable
        return 0;
      }
      const out = new Out();
      let n = 0;
      const each = (ev: EventView) => {
        if (n >= limit) return;
        n++;
        out.push(formatEventLine(ev) + '\n');
      };
      while (n < limit && !out.closed) {
        const more = await src.nextBatch(each);
        await out.flush();
        if (!more) break;
      }
      await out.flush(true);
      return 0;
    } finally {
      await src.close();
    }
  },
};
