// The ContainerManager's counters as Prometheus metrics (kestrel_container_*), pulled from
// stats() at scrape time by a collector, so lookups never touch the metrics registry.
import type { MetricsRegistry } from '../metrics/index.js';
import type { ContainerManager } from './manager.js';

export function registerContainerMetrics(reg: MetricsRegistry, manager: ContainerManager): void {
  const lookups = reg.counter('kestrel_container_lookups_total', 'Container metadata lookups (host threads excluded)');
  const hits = reg.counter('kestrel_container_lookup_hits_total', 'Lookups answered with runtime or capture metadata');
  const fetches = reg.counter('kestrel_container_fetches_total', 'Runtime metadata fetches started');
  const fetchOk = reg.counter('kestrel_container_fetches_ok_total', 'Runtime metadata fetches that got an answer');
  const failures = reg.counter('kestrel_container_fetch_failures_total',
    'Failed engine attempts of fetches that got no answer, by runtime and reason', ['runtime']);
  const reasons = reg.counter('kestrel_container_fetch_failure_reasons_total', 'Failed engine attempts by reason', ['reason']);
  const timeouts = reg.counter('kestrel_container_request_timeouts_total', 'Runtime requests that hit their deadline');
  const waitTimeouts = reg.counter('kestrel_container_wait_timeouts_total', 'Alert waits for metadata that ended without it');
  const entries = reg.gauge('kestrel_container_entries', 'Containers in the metadata cache');
  const pending = reg.gauge('kestrel_container_pending', 'Containers whose metadata fetch is queued or running');
  const events = reg.counter('kestrel_container_events_total',
    'Live container events (evt.type = container) raised, by origin: started during the run, or running at start', ['origin']);
  const noMeta = reg.counter('kestrel_container_events_without_metadata_total',
    'Live container events raised with the cgroup identity only (the runtime gave no answer in time)');
  const runningAtStart = reg.gauge('kestrel_container_running_at_start', 'Containers found running in the start-up snapshot');
  reg.addCollector(() => {
    const s = manager.stats();
    lookups.cell().value = s.lookups;
    hits.cell().value = s.hits;
    fetches.cell().value = s.fetches;
    fetchOk.cell().value = s.fetchOk;
    for (const [k, v] of Object.entries(s.failuresByRuntime)) failures.cell(k).value = v;
    for (const [k, v] of Object.entries(s.failuresByReason)) reasons.cell(k).value = v;
    timeouts.cell().value = s.timeouts;
    waitTimeouts.cell().value = s.waitTimeouts;
    entries.cell().value = s.entries;
    pending.cell().value = s.pending;
    events.cell('started').value = s.containerEvents.started;
    events.cell('running').value = s.containerEvents.running;
    noMeta.cell().value = s.containerEventsWithoutMetadata;
    runningAtStart.cell().value = s.runningAtStart;
  });
}
