// The line printer of `kestrel inspect` (first version, no process state). Kept apart from the
// command so the state/fields layer can replace it with sysdig's full default format
// (%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info).

import type { EventView } from '../../../events/event-view.js';
import { renderArgs, eventTypeName, type RenderContext } from '../../../events/render.js';

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** "HH:MM:SS.nnnnnnnnn" in UTC, the time column of sysdig's default output under TZ=UTC. */
export function outputTime(ev: EventView): string {
  const ts = ev.buf.readBigUInt64LE(ev.off);
  const sec = Number(ts / 1000000000n);
  const ns = Number(ts % 1000000000n);
  const d = sec % 86400;
  return `${pad2(Math.floor(d / 3600))}:${pad2(Math.floor((d % 3600) / 60))}:${pad2(d % 60)}.${String(ns).padStart(9, '0')}`;
}

/**
 * One line per event: number, time, cpu, (thread id), direction, type, arguments, e.g.
 * `131 16:17:57.881730713 0 (20072) < execve res=0 exe=cat ...` (like sysdig without %proc.name).
 */
export function formatEventLine(ev: EventView, ctx?: RenderContext): string {
  const dir = (ev.type & 1) === 0 ? '>' : '<';
  return `${ev.num} ${outputTime(ev)} ${ev.cpu} (${ev.tid}) ${dir} ${eventTypeName(ev)} ${renderArgs(ev, ctx)}`;
}
