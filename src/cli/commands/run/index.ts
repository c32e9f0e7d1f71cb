// kestrel run: live detection (or --replay FILE.scap) with the default rules or -r files.
//   alerts on stdout as "time: Priority output", or JSON lines with -o json_output=true.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import type { Command } from '../../command.js';
import { EXIT, KestrelError } from '../../../errors.js';
import { loadConfig, minPriority } from '../../../config/index.js';
import { alertHostname } from '../../../outputs/index.js';
import { startOperations } from '../../../server/operations.js';
import { fileURLToPath } from 'node:url';
import { loadDetection, appendOutputFromConfig, type Detection } from '../../../engine/detection.js';
import { DetectionEngine } from '../../../engine/engine.js';
import type { RuleSelector } from '../../../rules/ruleset.js';
import { FileSource } from '../../../capture/file-source.js';
import { formatMessage } from '../../../rules/result.js';
import { ContainerManager, containerConfigFromPlugins, registerContainerMetrics } from '../../../containers/index.js';
import { Inspector } from '../../../state/inspector.js';
import { registerStateMetrics } from '../../../state/metrics.js';
import { EventView } from '../../../events/event-view.js';
import type { EventSource } from '../../../capture/types.js';
import { openLiveSource, followRules } from '../../../engine/live.js';
import { DEFAULT_RULES_PATH } from '../../../engine/detection.js';
import { ContainerStartEvents } from '../../../containers/start-events.js';
import { CaptureRecorder } from '../../../engine/capture-recorder.js';

function kestrelVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../../package.json', import.meta.url)), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

const USAGE = `usage: kestrel run [options]
  -r, --rules FILE      rules file (repeatable, loaded in order; default: kestrel's default rules)
  -c, --config FILE     configuration file (Falco's falco.yaml keys)
  -o, --option K=V      set a configuration key (repeatable), e.g. -o json_output=true
      --replay FILE     run the rules over a capture file instead of the live system
  -M, --duration SECS   stop after SECS seconds
  -v, --verbose         print rule loading warnings
      --enable-rule PAT / --disable-rule PAT    enable/disable rules by name (* wildcards)
      --enable-tag TAG / --disable-tag TAG      enable/disable rules carrying a tag
                        (repeatable; applied in the order given, after all rules files)
`;

export const command: Command = {
  name: 'run',
  summary: 'detect threats live (or --replay a capture) with the default or given rules',
  async run(args: string[]): Promise<number> {
    const { values, tokens } = parseArgs({
      args,
      tokens: true,
      options: {
        'enable-rule': { type: 'string', multiple: true },
        'disable-rule': { type: 'string', multiple: true },
        'enable-tag': { type: 'string', multiple: true },
        'disable-tag': { type: 'string', multiple: true },
        rules: { type: 'string', short: 'r', multiple: true },
        config: { type: 'string', short: 'c' },
        option: { type: 'string', short: 'o', multiple: true },
        replay: { type: 'string' },
        duration: { type: 'string', short: 'M' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) { process.stdout.write(USAGE); return EXIT.OK; }
    const loaded = loadConfig({ file: values.config, overrides: values.option ?? [] });
    const cfg = loaded.config;
    let durationMs = 0;
    if (values.duration !== undefined) {
      if (!/^\d+(\.\d+)?$/.test(values.duration)) throw new KestrelError('KES_USAGE', `run: -M wants a number of seconds, got '${values.duration}'`);
      durationMs = Number(values.duration) * 1000;
    }
    const replay = values.replay ?? (cfg.engine.kind === 'replay' ? cfg.engine.replay.capture_file : undefined);

    // Container sources come from Falco's container plugin entry (plugins[].init_config). Live
    // runs fetch metadata from the runtimes; replays only know what the file says.
    const cc = containerConfigFromPlugins(cfg.plugins);
    if (cc.errors.length) throw new KestrelError('KES_CONFIG', `invalid container configuration:\n  ${cc.errors.join('\n  ')}`);
    const manager = replay
      ? new ContainerManager({ ...cc.options, docker: false, podman: false, containerd: false, cri: false })
      : new ContainerManager(cc.options);
    const rulesFiles = values.rules?.length ? values.rules : cfg.rules_files;
    // Falco's `rules:` selection (enable/disable by name wildcard or tag), in command-line order.
    const selectors: RuleSelector[] = [];
    for (const t of tokens ?? []) {
      if (t.kind !== 'option' || t.value === undefined) continue;
      if (t.name === 'enable-rule') selectors.push({ action: 'enable', rule: t.value });
      else if (t.name === 'disable-rule') selectors.push({ action: 'disable', rule: t.value });
      else if (t.name === 'enable-tag') selectors.push({ action: 'enable', tag: t.value });
      else if (t.name === 'disable-tag') selectors.push({ action: 'disable', tag: t.value });
    }
    const loadRaw = (): Detection => loadDetection({ rulesFiles, manager, matching: cfg.rule_matching, minPriority: minPriority(cfg), appendOutput: appendOutputFromConfig(cfg.append_output) });
    const load = (): Detection => {
      const d = loadRaw();
      if (selectors.length) d.ruleset.select(selectors);
      return d;
    };
    const det = load();
    const res = det.load.result;
    for (const m of res.errors) process.stderr.write(formatMessage(m, 'error') + '\n');
    if (values.verbose) for (const m of res.warnings) process.stderr.write(formatMessage(m, 'warning') + '\n');
    if (res.errors.length) {
      manager.close();
      throw new KestrelError('KES_RULES_LOAD', `rules have ${res.errors.length} error(s); nothing started (check them with 'kestrel rules validate')`);
    }

    let engine: DetectionEngine | null = null;
    let fatal: KestrelError | null = null;
    const ops = await startOperations(loaded, {
      version: kestrelVersion(), engineName: replay ? 'replay' : 'modern_ebpf', ebpf: !replay,
      rulesFiles: rulesFiles.length ? rulesFiles : [DEFAULT_RULES_PATH],
      // A capture replay is a batch job: no web server unless asked for with -o webserver.enabled=true.
      server: replay && !(values.option ?? []).some((o) => o.startsWith('webserver.enabled=')) ? false : undefined,
      reload: async () => {
        const next = load();
        if (next.load.result.errors.length) {
          throw new Error(next.load.result.errors.map((m) => formatMessage(m, 'error')).join('; '));
        }
        // Live: attach the syscalls the new rules need that the old ones did not, detach those
        // no rule (nor the state) needs any more; one line says what changed.
        const f = followRules(next.ruleset, (msg) => process.stderr.write(`kestrel run: ${msg}\n`));
        if (f.attached.length || f.detached.length) {
          process.stderr.write(`kestrel run: reload: attached ${f.attached.join(', ') || 'none'}; detached ${f.detached.join(', ') || 'none'}\n`);
        }
        engine?.setDetection(next);
      },
      onFatal: (err) => { fatal = err; engine?.stop(); },
    });
    registerContainerMetrics(ops.metrics.reg, manager);
    // falco_libs: the thread table's bound, and how long a silent thread stays before a purge of
    // the full table may drop it (live, a dropped thread that shows up again is re-read from /proc).
    const libs = cfg.falco_libs;
    const inspector = new Inspector(new EventView(), { maxThreads: libs.thread_table_size });
    inspector.threads.staleMs = libs.thread_table_auto_purging_thread_timeout_s * 1000;
    registerStateMetrics(ops.metrics.reg, inspector);
    let source: EventSource;
    try {
      if (replay) {
        source = new FileSource(replay);
        await source.open();
      } else {
        try {
          inspector.seedUsersFromText(readFileSync('/etc/passwd', 'utf8'), readFileSync('/etc/group', 'utf8'));
        } catch { /* users then print as their uid only */ }
        // Ring size per buffer: engine.modern_ebpf.buffer_dim_kb, else Falco's buf_size_preset
        // (1 → 1 MiB, doubling up to 10 → 512 MiB).
        const mod = cfg.engine.modern_ebpf;
        const ringKiB = mod.buffer_dim_kb > 0 ? mod.buffer_dim_kb : 1024 << (mod.buf_size_preset - 1);
        source = await openLiveSource(det.ruleset, (msg) => process.stderr.write(`kestrel run: ${msg}\n`), { ringKiB, base: cfg.base_syscalls, snaplen: libs.snaplen });
      }
    } catch (e) {
      await ops.close();
      manager.close();
      throw e;
    }
    ops.attachSource(source);
    // capture: (Falco 0.42): the events around opting-in alerts go to scap files.
    const cc2 = cfg.capture;
    const recorder = cc2.enabled ? new CaptureRecorder({
      settings: { enabled: true, pathPrefix: cc2.path_prefix, mode: cc2.mode, defaultDurationMs: cc2.default_duration, maxFileSizeMb: cc2.max_file_size_mb },
      live: !replay, machine: source.header.machine, metrics: ops.metrics.reg, containers: manager,
      log: (msg) => process.stderr.write(`kestrel run: ${msg}\n`),
    }) : undefined;
    if (values.verbose) process.stderr.write(`kestrel run: ready (${det.ruleset.enabledRules().length} rules, ${replay ? 'replay' : 'live'})\n`);
    engine = new DetectionEngine({ source, detection: det, emit: (a) => ops.outputs.emit(a), hostname: alertHostname(), inspector, manager, waitContainerMs: replay ? 0 : cc.alertWaitMs,
      // Live: an evt.type = container event per container started during the run.
      containerEvents: replay ? undefined : new ContainerStartEvents(manager), capture: recorder });
    const eng = engine;
    const stop = (): void => eng.stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const timer = durationMs > 0 ? setTimeout(stop, durationMs) : null;
    try {
      await eng.run();
    } finally {
      if (timer) clearTimeout(timer);
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      // A recording whose file never finishes opening (a hung network path_prefix) must not
      // hold kestrel's exit: give it 10 s, then say so and go on.
      if (recorder) {
        let guard: NodeJS.Timeout | undefined;
        const late = await Promise.race([
          recorder.close().then(() => false),
          new Promise<boolean>((r) => { guard = setTimeout(() => r(true), 10_000); }),
        ]);
        clearTimeout(guard);
        if (late) process.stderr.write('kestrel run: capture: a recording did not finish closing within 10 s; exiting without it\n');
      }
      await source.close();
      await ops.close();
      manager.close();
    }
    if (values.verbose) {
      const st = eng.stats;
      process.stderr.write(`kestrel run: ${st.events} events, ${st.evaluated} evaluated, ${st.alerts} alerts\n`);
    }
    if (fatal) throw fatal;
    return EXIT.OK;
  },
};
