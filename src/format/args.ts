// Argument-list rendering with sysdig's data-buffer modes. Everything but BYTEBUF parameters is
// rendered by src/events/render.ts; buffers follow the selected mode:
//   normal  printable ASCII, others '.', cut to 80 characters ("..." at the end)  (default)
//   full    like normal without the cut                                         (-v, -j)
//   ascii   a newline, then only the printable characters and newlines          (-A)
//   hex     a newline, then a hex+ASCII dump, 16 bytes per line                 (-X)

import type { EventView } from '../events/event-view.js';
import { renderArgs, renderParam, ParamText, type RenderContext } from '../events/render.js';
import { EVENT_COUNT, EVENT_NPARAMS_2022, PARAM_START, PARAM_TYPE, PARAM_NAME } from '../events/generated/event-table.js';

export type BufferMode = 'normal' | 'full' | 'ascii' | 'hex';

const PT_BYTEBUF = 10;
const pt = new ParamText();

function printable(c: number): boolean { return c >= 0x20 && c < 0x7f; }

export function renderBuffer(b: Buffer, o: number, len: number, mode: BufferMode): string {
  if (mode === 'ascii') {
    let s = '\n';
    for (let i = 0; i < len; i++) { const c = b[o + i]; if (printable(c) || c === 10) s += String.fromCharCode(c); }
    return s;
  }
  if (mode === 'hex') {
    let s = '\n';
    for (let line = 0; line < len; line += 16) {
      s += '\t0x' + line.toString(16).padStart(4, '0') + ': ';
      let ascii = '';
      for (let k = 0; k < 16; k++) {
        if (line + k < len) {
          const c = b[o + line + k];
          s += c.toString(16).padStart(2, '0');
          ascii += printable(c) ? String.fromCharCode(c) : '.';
        } else s += '  ';
        if (k & 1) s += ' ';
      }
      s += ' ' + ascii + '\n';
    }
    return s;
  }
  let s = '';
  for (let i = 0; i < len; i++) { const c = b[o + i]; s += printable(c) ? String.fromCharCode(c) : '.'; }
  return s;
}

/** %evt.args in the given buffer mode (normal mode is render.ts's own output). */
export function renderArgsMode(ev: EventView, ctx: RenderContext, mode: BufferMode): string {
  if (mode === 'normal') return renderArgs(ev, ctx);
  const type = ev.type;
  if (type === 0 || type === 1 || type >= EVENT_COUNT) return '';
  const base = PARAM_START[type];
  let n = Math.min(ev.nparams, EVENT_NPARAMS_2022[type], PARAM_START[type + 1] - base);
  let s = '';
  for (let i = 0; i < n; i++) {
    if (PARAM_TYPE[base + i] === PT_BYTEBUF && ev.plen[i] > 0) {
      s += PARAM_NAME[base + i] + '=' + renderBuffer(ev.buf, ev.poff[i], ev.plen[i], mode) + ' ';
      continue;
    }
    renderParam(ev, i, ctx, pt);
    s += PARAM_NAME[base + i] + '=' + pt.value + (pt.resolved === '' ? ' ' : '(' + pt.resolved + ') ');
  }
  return s;
}
