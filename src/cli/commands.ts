// The command table: name, one-line summary and a loader. Only the command being run is
// imported (its module graph can be large: gRPC, fastify, the rules engine), so a command used
// in pipelines (`inspect`) starts fast. Add a command by creating
// src/cli/commands/<name>/index.ts (exporting `command: Command`) and listing it here; the
// summary here is what `kestrel --help` prints (the module's own summary is the same text).
import type { Command } from './command.js';

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<{ command: Command }>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'version', summary: 'print kestrel\'s version and what it supports', load: () => import('./commands/version/index.js') },
  { name: 'inspect', summary: 'print or rewrite the events of a capture file', load: () => import('./commands/inspect/index.js') },
  { name: 'run', summary: 'detect threats live (or --replay a capture) with the default or given rules', load: () => import('./commands/run/index.js') },
  { name: 'rules', summary: 'validate, list and describe rules files', load: () => import('./commands/rules/index.js') },
  { name: 'containers', summary: 'list the containers on this host with their runtime metadata (checks runtime sockets)', load: () => import('./commands/containers/index.js') },
  { name: 'config', summary: 'check a configuration file and -o overrides, print the effective values', load: () => import('./commands/config/index.js') },
  { name: 'fields', summary: 'list the filter and output fields', load: () => import('./commands/fields/index.js') },
];
