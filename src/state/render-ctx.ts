// The state side of argument rendering (src/events/render.ts RenderContext): fd names as
// "<f>/etc/passwd", thread names for PID params, cwd and dirfd paths for relative paths.

import type { EventView } from '../events/event-view.js';
import type { RenderContext } from '../events/render.js';
import type { Inspector } from './inspector.js';
import { fdTypeChar, isSocketType, L4, type FdInfo } from './fdinfo.js';

const L4_CHAR = ['', '', 't', 'u', 'i', 'r'];

/** "<typechar[l4]>name", what sysdig shows in parentheses after an fd number. */
export function fdDescriptor(e: FdInfo): string {
  let tc = fdTypeChar(e.type);
  if (isSocketType(e.type) && e.l4proto > L4.NA && e.l4proto < L4_CHAR.length) tc += L4_CHAR[e.l4proto];
  return '<' + tc + '>' + e.name;
}

export function makeRenderContext(insp: Inspector): RenderContext {
  return {
    fdName(ev: EventView, fd: number): string | null | undefined {
      const t = insp.ctx.ev === ev ? insp.ctx.thread : insp.threads.get(ev.tid) ?? null;
      if (t === null) return undefined;
      const e = t.fds.get(fd);
      return e ? fdDescriptor(e) : null;
    },
    comm(tid: number): string | null | undefined {
      const t = insp.threads.get(tid);
      // Placeholder entries (threads only seen through their events) have no name to show.
      return t && !t.placeholder ? t.comm : null;
    },
    cwd(ev: EventView): string | undefined {
      const t = insp.ctx.ev === ev ? insp.ctx.thread : insp.threads.get(ev.tid) ?? null;
      return t ? insp.threads.main(t).cwd : undefined;
    },
    dirFdPath(ev: EventView, fd: number): string {
      const t = insp.ctx.ev === ev ? insp.ctx.thread : insp.threads.get(ev.tid) ?? null;
      const e = t ? t.fds.get(fd) : undefined;
      return e ? e.name : '';
    },
    userName(_ev: EventView, uid: number): string | null | undefined {
      const u = insp.users.get(uid);
      return u ? u.name : null;
    },
    groupName(_ev: EventView, gid: number): string | null | undefined {
      const g = insp.groups.get(gid);
      return g ? g.name : null;
    },
  };
}
