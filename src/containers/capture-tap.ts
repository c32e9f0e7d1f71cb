// Container events for live captures written to a scap file (`kestrel inspect -w` without -r):
// sinsp writes one container event per known container, so a reader of the file (kestrel or
// sysdig) shows container.name/image without asking a runtime. The tap notes the containers of
// the header's threads and of every clone/execve that brings cgroups, asks the manager for
// their metadata, and hands the writer an event per container as its metadata arrives.

import type { EventView } from '../events/event-view.js';
import type { ContainerManager } from './manager.js';
import type { ContainerInfo } from './types.js';
import { writeContainerEvents } from './scap-json.js';
import { paramIndexTable, strList } from '../state/evparams.js';

const CGROUPS = paramIndexTable('cgroups');

export class ContainerEventTap {
  private readonly asked = new Set<string>();
  private readonly ready: ContainerInfo[] = [];
  private readonly waits: Promise<unknown>[] = [];

  constructor(private readonly manager: ContainerManager, private readonly waitMs = 2000) {}

  /** A thread's cgroup lines: queue a metadata fetch the first time a container shows up. */
  noteCgroups(cgroups: readonly string[]): void {
    if (cgroups.length === 0) return;
    const ref = this.manager.refFor(cgroups);
    if (ref.type === 'host' || this.asked.has(ref.fullId)) return;
    // Bounded: a flood of short-lived containers must not grow this without limit.
    if (this.asked.size >= 65536) this.asked.clear();
    this.asked.add(ref.fullId);
    this.manager.lookup(ref);
    const w = this.manager.whenReady(ref, this.waitMs).then((info) => { if (info !== null) this.ready.push(info); });
    this.waits.push(w);
    if (this.waits.length > 256) this.waits.splice(0, this.waits.length - 256);
  }

  /** Events carrying cgroups (clone/fork/execve exits): note their container. */
  noteEvent(ev: EventView): void {
    const i = ev.type < CGROUPS.length ? CGROUPS[ev.type]! : -1;
    if (i < 0 || i >= ev.nparams || ev.plen[i] === 0) return;
    this.noteCgroups(strList(ev, i));
  }

  /** Waits (bounded by the tap's wait) for the fetches started so far. */
  async settle(): Promise<void> {
    await Promise.all(this.waits.splice(0));
  }

  /** Writes a container event for each container whose metadata arrived since the last call. */
  flush(w: { writeRaw(bytes: Buffer, cpu: number): unknown }, tsNs: bigint): number {
    if (this.ready.length === 0) return 0;
    const n = writeContainerEvents(w, this.ready, tsNs);
    this.ready.length = 0;
    return n;
  }
}
