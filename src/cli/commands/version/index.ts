import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from '../../command.js';
import { EVENT_COUNT } from '../../../events/generated/event-table.js';

export const command: Command = {
  name: 'version',
  summary: 'print kestrel\'s version and what it supports',
  async run(): Promise<number> {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../../package.json', import.meta.url)), 'utf8')) as { version: string };
    process.stdout.write(`kestrel ${pkg.version}\nevent schema: ${EVENT_COUNT} event types (scap 2022-03 ids + current appends)\nnode ${process.version}\n`);
    return 0;
  },
};
