// The command table. Add a command by creating src/cli/commands/<name>/index.ts and listing it here.
import type { Command } from './command.js';
import { command as version } from './commands/version/index.js';
import { command as inspect } from './commands/inspect/index.js';
import { command as run } from './commands/run/index.js';
import { command as rules } from './commands/rules/index.js';
import { command as containers } from './commands/containers/index.js';
import { command as config } from './commands/config/index.js';
import { command as fields } from './commands/fields/index.js';

export const COMMANDS: readonly Command[] = [version, inspect, run, rules, containers, config, fields];
