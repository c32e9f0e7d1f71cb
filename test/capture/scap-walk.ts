// A deliberately tiny, independent block walker used by the tests as the expected answer:
// it knows only "u32 type, u32 total length" framing and which ids are event blocks, nothing
// of the reader's code.
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

export interface Walk {
  blocks: Map<number, number>;
  events: number;
  /** Events with type < 336 (what sysdig 0.29.3 knows). */
  events2022: number;
  /** Byte offset just after each block (uncompressed). */
  ends: number[];
  /** Events contained before each entry of `ends`. */
  eventsAt: number[];
  data: Buffer;
}

const EVENT_BLOCKS = new Set([0x216, 0x217, 0x221, 0x222, 0x204, 0x8010abcd, 0x208]);
const FLAGGED = new Set([0x217, 0x222, 0x208]);

export function loadCapture(path: string): Buffer {
  const raw = readFileSync(path);
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}

export function walk(data: Buffer): Walk {
  const blocks = new Map<number, number>();
  let events = 0;
  let events2022 = 0;
  const ends: number[] = [];
  const eventsAt: number[] = [];
  let o = 0;
  while (o + 8 <= data.length) {
    const type = data.readUInt32LE(o);
    const len = data.readUInt32LE(o + 4);
    if (len < 12 || o + len > data.length) throw new Error(`walk: bad block at ${o}`);
    blocks.set(type, (blocks.get(type) ?? 0) + 1);
    if (EVENT_BLOCKS.has(type)) {
      events++;
      const evType = data.readUInt16LE(o + 8 + (FLAGGED.has(type) ? 6 : 2) + 20);
      if (evType < 336) events2022++;
    }
    o += len;
    ends.push(o);
    eventsAt.push(events);
  }
  if (o !== data.length) throw new Error(`walk: ${data.length - o} trailing bytes`);
  return { blocks, events, events2022, ends, eventsAt, data };
}
