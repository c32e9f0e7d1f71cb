// EventSource over a scap file: the header comes from the header-phase blocks, events are
// numbered 1.. in file order (sysdig's evt.num).

import type { EventView } from '../events/event-view.js';
import { ScapReader, type ScapReaderOptions } from './scap-reader.js';

/** Event ids of the 2022-03 table (what sysdig 0.29.3 knows): ids at or above are new. */
export const EVENT_MAX_2022 = 336;

export interface FileSourceOptions extends ScapReaderOptions {
  /**
   * Deliver only events sysdig 0.29.3 knows (type < 336) and number only those, so evt.num
   * matches sysdig's. Default false: every event is delivered and numbered in file order.
   */
  sysdigCompat?: boolean;
}
import type { CaptureHeader, EventSource, SourceStats } from './types.js';
import { emptyHeader } from './scap-header.js';

export class FileSource implements EventSource {
  private reader: ScapReader | null = null;
  private num = 0;
  private hdr: CaptureHeader = emptyHeader();
  private ended = false;

  constructor(readonly path: string, private readonly opts: FileSourceOptions = {}) {}

  get header(): CaptureHeader {
    return this.hdr;
  }

  /** The underlying reader (block counts, SHB info), once open. */
  get scap(): ScapReader | null {
    return this.reader;
  }

  async open(): Promise<void> {
    // The reader skips and numbers events itself: the consumer's callback is called directly.
    const typesBelow = this.opts.sysdigCompat === true ? Math.min(EVENT_MAX_2022, this.opts.typesBelow ?? Infinity) : this.opts.typesBelow;
    this.reader = await ScapReader.open(this.path, { ...this.opts, typesBelow });
    this.hdr = this.reader.header;
  }

  async nextBatch(onEvent: (ev: EventView) => void): Promise<boolean> {
    const r = this.reader;
    if (r === null || this.ended) return false;
    const more = await r.nextBatch(onEvent);
    this.num = r.delivered;
    if (!more) this.ended = true;
    return more;
  }

  stats(): SourceStats {
    return { events: this.num, drops: 0, dropsBy: {} };
  }

  async close(): Promise<void> {
    const r = this.reader;
    this.reader = null;
    if (r) await r.close();
  }
}
