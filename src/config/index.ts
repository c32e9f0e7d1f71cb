// Configuration: Falco-compatible YAML (falco.yaml key names), `-o key=value` overrides, and the
// reload watcher. What the CLI calls:
//
//   const { config, files, warnings } = loadConfig({ file: '-c path', overrides: ['-o k=v', …] });
//   process.stdout.write(dryRunReport(loaded));           // --dry-run
//   const w = new ReloadWatcher({ paths: () => watchedPaths(config, file), watchFiles:
//             config.watch_config_files, reload: async () => { …engine swaps state… } });
//
// Errors are KestrelError('KES_CONFIG') naming the key and file:line:col (or the -o option).
import { stringify } from 'yaml';
import type { Priority } from '../outputs/alert.js';
import type { LoadedConfig } from './load.js';
import type { KestrelConfig } from './schema.js';

export { loadConfig, defaultConfig, parseKeyPath, parseDuration, suggest, configError } from './load.js';
export type { LoadedConfig, LoadOptions, ConfigProblem } from './load.js';
export { CONFIG_SCHEMA } from './schema.js';
export type { KestrelConfig } from './schema.js';
export { ReloadWatcher } from './watch.js';
export type { ReloadWatcherOptions } from './watch.js';

const PRIO: Record<string, Priority> = {
  emergency: 'Emergency', alert: 'Alert', critical: 'Critical', error: 'Error', warning: 'Warning',
  notice: 'Notice', informational: 'Informational', info: 'Informational', debug: 'Debug',
};

/** The `priority` key as a Priority (the minimum rule priority to load). */
export function minPriority(c: KestrelConfig): Priority {
  return PRIO[c.priority] ?? 'Debug';
}

/** Files whose change should trigger a reload: the config files read plus the rules files. */
export function watchedPaths(c: KestrelConfig, loaded: LoadedConfig): string[] {
  return [...loaded.files.map((f) => f.file), ...c.rules_files];
}

/** What `--dry-run` prints about the configuration: the sources and the effective values. */
export function dryRunReport(loaded: LoadedConfig): string {
  const c = loaded.config;
  const lines: string[] = [];
  lines.push('# kestrel configuration (dry run)');
  for (const f of loaded.files) lines.push(`# read ${f.file} sha256:${f.sha256}`);
  if (loaded.files.length === 0) lines.push('# no config file: defaults');
  for (const w of loaded.warnings) lines.push(`# warning: ${w}`);
  const outs = ['stdout_output', 'file_output', 'syslog_output', 'program_output', 'http_output'] as const;
  lines.push(`# outputs enabled: ${outs.filter((o) => c[o].enabled).join(', ') || 'none'}`);
  if (c.webserver.enabled) lines.push(`# webserver: ${c.webserver.ssl_enabled ? 'https' : 'http'}://${c.webserver.listen_address}:${c.webserver.listen_port}`);
  lines.push(stringify(redactConfig(c)).trimEnd());
  return lines.join('\n') + '\n';
}

/** A copy safe to print: HTTP headers and URL credentials hidden. */
export function redactConfig(c: KestrelConfig): KestrelConfig {
  const copy = structuredClone(c);
  for (const k of Object.keys(copy.http_output.headers)) copy.http_output.headers[k] = 'REDACTED';
  copy.http_output.url = copy.http_output.url.replace(/\/\/[^/@]*@/, '//REDACTED@');
  return copy;
}
