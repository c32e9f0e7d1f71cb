// The state tables' counters as Prometheus metrics, pulled at scrape time by a collector (the
// event path only increments plain numbers). Names follow Falco's libs state counters
// (metrics.state_counters_enabled): falcosecurity_scap_n_threads and friends.
import type { MetricsRegistry } from '../metrics/index.js';
import type { Inspector } from './inspector.js';

export function registerStateMetrics(reg: MetricsRegistry, insp: Inspector): void {
  const threads = reg.gauge('falcosecurity_scap_n_threads', 'Threads in the state table');
  const added = reg.counter('falcosecurity_scap_n_added_threads_total', 'Threads added to the state table');
  const removed = reg.counter('falcosecurity_scap_n_removed_threads_total', 'Threads removed from the state table (exits)');
  const full = reg.counter('falcosecurity_scap_n_drops_full_threadtable_total', 'Threads dropped by purges of the full table');
  const lookups = reg.counter('falcosecurity_scap_n_noncached_thread_lookups_total', 'Unknown threads read from /proc (live)');
  const failed = reg.counter('falcosecurity_scap_n_failed_thread_lookups_total',
    'Unknown threads with no /proc entry (exited) or over the lookup rate limit: their fields print <NA>');
  const skipped = reg.counter('kestrel_thread_lookups_rate_limited_total', 'Unknown threads not looked up: over the /proc lookup rate limit');
  reg.addCollector(() => {
    const t = insp.threads;
    threads.set(t.size);
    added.cell().value = t.added;
    removed.cell().value = t.removed;
    full.cell().value = t.purged;
    const l = insp.lookups;
    lookups.cell().value = l.found + l.gone;
    failed.cell().value = l.gone + l.skipped;
    skipped.cell().value = l.skipped;
  });
}
