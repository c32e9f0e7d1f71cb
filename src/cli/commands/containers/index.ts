// kestrel containers: the containers running on this host as kestrel sees them (cgroup identity
// of every process in /proc, then the runtimes' metadata), and the lookup counters. The check
// after deploying: it shows at once whether the runtime sockets are reachable from kestrel.
import { parseArgs } from 'node:util';
import { readdirSync, readFileSync } from 'node:fs';
import type { Command } from '../../command.js';
import { EXIT, KestrelError } from '../../../errors.js';
import { loadConfig } from '../../../config/index.js';
import { ContainerManager, containerConfigFromPlugins, type ContainerInfo, type ContainerRef } from '../../../containers/index.js';

const USAGE = `usage: kestrel containers [options]
  -c, --config FILE     configuration file (the container plugin's init_config: sockets, host_root)
  -o, --option K=V      set a configuration key (repeatable)
      --proc DIR        procfs to scan (default /proc)
      --timeout MS      longest wait for the runtimes (default 3000)
      --json            one JSON object: containers and counters
`;

interface Row {
  id: string; fullId: string; type: string; name: string | null; image: string | null; pids: number[];
  podName: string | null; namespace: string | null; labels: Record<string, string>; answeredBy: string | null; error: string | null;
}

export const command: Command = {
  name: 'containers',
  summary: 'list the containers on this host with their runtime metadata (checks runtime sockets)',
  async run(args: string[]): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        option: { type: 'string', short: 'o', multiple: true },
        proc: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) { process.stdout.write(USAGE); return EXIT.OK; }
    const timeoutMs = values.timeout === undefined ? 3000 : Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) throw new KestrelError('KES_USAGE', `containers: --timeout wants milliseconds, got '${values.timeout}'`);
    const cfg = loadConfig({ file: values.config, overrides: values.option ?? [] }).config;
    const cc = containerConfigFromPlugins((cfg as { plugins?: unknown }).plugins);
    if (cc.errors.length > 0) throw new KestrelError('KES_CONFIG', cc.errors.join('; '));
    const proc = values.proc ?? '/proc';
    const m = new ContainerManager({ ...cc.options, procRoot: proc });
    try {
      // One pass over /proc: pids grouped by container.
      const byId = new Map<string, { ref: ContainerRef; pids: number[] }>();
      let entries: string[];
      try {
        entries = readdirSync(proc);
      } catch (err) {
        throw new KestrelError('KES_IO', `containers: cannot list ${proc}: ${(err as Error).message}`);
      }
      for (const e of entries) {
        if (!/^\d+$/.test(e)) continue;
        let text: string;
        try { text = readFileSync(`${proc}/${e}/cgroup`, 'utf8'); } catch { continue; }
        const ref = m.refFor(text.trim().split('\n'));
        if (ref.type === 'host') continue;
        let g = byId.get(ref.fullId);
        if (g === undefined) byId.set(ref.fullId, (g = { ref, pids: [] }));
        g.pids.push(Number(e));
      }
      const infos = await Promise.all([...byId.values()].map((g) => m.whenReady(g.ref, timeoutMs)));
      const rows: Row[] = [...byId.values()].map((g, i) => {
        const info: ContainerInfo | null = infos[i] ?? null;
        return {
          id: g.ref.id, fullId: g.ref.fullId, type: info?.type ?? g.ref.type, name: info?.name || null, image: info?.image || null,
          pids: g.pids.sort((a, b) => a - b), podName: info?.podName || null, namespace: info?.podNamespace || null,
          labels: info ? { ...info.labels } : {}, answeredBy: info?.answeredBy || null,
          error: info ? null : m.state(g.ref)?.lastError || 'no answer in time',
        };
      });
      rows.sort((a, b) => a.type.localeCompare(b.type) || String(a.name).localeCompare(String(b.name)));
      const stats = m.stats();
      if (values.json) {
        process.stdout.write(JSON.stringify({ containers: rows, stats }) + '\n');
      } else {
        const t = [['CONTAINER', 'TYPE', 'NAME', 'IMAGE', 'POD', 'NAMESPACE', 'PIDS', 'SOURCE']];
        for (const r of rows) {
          t.push([r.id, r.type, r.name ?? '<NA>', r.image ?? '<NA>', r.podName ?? '', r.namespace ?? '', String(r.pids.length), r.answeredBy ?? `(${r.error})`]);
        }
        const w = t[0]!.map((_, c) => Math.max(...t.map((row) => row[c]!.length)));
        for (const row of t) process.stdout.write(row.map((v, c) => (c === row.length - 1 ? v : v.padEnd(w[c]!))).join('  ') + '\n');
        process.stdout.write(`\n${rows.length} container(s); lookups ok ${stats.fetchOk}/${stats.fetches}` +
          (Object.keys(stats.failuresByReason).length ? `; failures ${JSON.stringify(stats.failuresByReason)}` : '') + '\n');
      }
      return rows.some((r) => r.error !== null) ? EXIT.FAILURE : EXIT.OK;
    } finally {
      m.close();
    }
  },
};
