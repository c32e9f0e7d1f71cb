// kestrel rules validate FILE…   every error and warning, file:line:col and code; exit 3 on errors
// kestrel rules list [-r FILE]…  the loaded rules: name, priority, enabled, event types, tags
// kestrel rules describe NAME [-r FILE]…
import { parseArgs } from 'node:util';
import type { Command } from '../../command.js';
import { EXIT, KestrelError } from '../../../errors.js';
import { loadDetection, type Detection } from '../../../engine/detection.js';
import { formatMessage } from '../../../rules/result.js';
import { evtTypeNames } from '../../../filter/evttypes.js';

const USAGE = `usage:
  kestrel rules validate FILE...            check rules files (loaded in order); exit 3 on errors
  kestrel rules list [-r FILE]... [--json]  list the rules (default: kestrel's default rules)
  kestrel rules describe NAME [-r FILE]... [--json]
options:
  -r, --rules FILE   rules file (repeatable, loaded in order)
  -q, --quiet        validate: print errors only
`;

function evtTypesText(t: ReadonlySet<number> | null): string {
  return t === null ? '(all)' : evtTypeNames(t).join(',');
}

function printMessages(d: Detection, quiet: boolean): void {
  const res = d.load.result;
  for (const m of res.errors) process.stdout.write(formatMessage(m, 'error') + '\n');
  if (!quiet) for (const m of res.warnings) process.stdout.write(formatMessage(m, 'warning') + '\n');
}

async function validate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { quiet: { type: 'boolean', short: 'q' }, rules: { type: 'string', short: 'r', multiple: true } } });
  const files = [...(values.rules ?? []), ...positionals];
  if (files.length === 0) throw new KestrelError('KES_USAGE', 'rules validate: give at least one rules file');
  const d = loadDetection({ rulesFiles: files });
  printMessages(d, values.quiet ?? false);
  const res = d.load.result;
  const enabled = d.load.rules.filter((r) => r.enabled).length;
  process.stdout.write(`${files.join(', ')}: ${res.errors.length} error(s), ${res.warnings.length} warning(s); ${d.load.rules.length} rule(s) compiled (${enabled} enabled), ${d.load.macros.length} macro(s), ${d.load.lists.length} list(s)\n`);
  return res.errors.length ? EXIT.BAD_INPUT : EXIT.OK;
}

function loadFor(files: readonly string[]): Detection {
  const d = loadDetection({ rulesFiles: files });
  if (d.load.result.errors.length) {
    for (const m of d.load.result.errors) process.stderr.write(formatMessage(m, 'error') + '\n');
    throw new KestrelError('KES_RULES_LOAD', `rules have ${d.load.result.errors.length} error(s)`);
  }
  return d;
}

async function list(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { rules: { type: 'string', short: 'r', multiple: true }, json: { type: 'boolean' } } });
  const d = loadFor(values.rules ?? []);
  if (values.json) {
    const out = d.load.rules.map((r) => ({ name: r.name, priority: r.priority, enabled: r.enabled, source: r.source, tags: r.tags, evt_types: r.evtTypes === null ? null : evtTypeNames(r.evtTypes) }));
    process.stdout.write(JSON.stringify({ rules: out }) + '\n');
    return EXIT.OK;
  }
  const w = Math.min(60, Math.max(4, ...d.load.rules.map((r) => r.name.length)));
  process.stdout.write(`${'RULE'.padEnd(w)}  ${'PRIORITY'.padEnd(13)}  ENABLED  EVENT TYPES\n`);
  for (const r of d.load.rules) {
    process.stdout.write(`${r.name.padEnd(w)}  ${r.priority.padEnd(13)}  ${(r.enabled ? 'yes' : 'no').padEnd(7)}  ${evtTypesText(r.evtTypes)}\n`);
  }
  return EXIT.OK;
}

async function describe(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { rules: { type: 'string', short: 'r', multiple: true }, json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new KestrelError('KES_USAGE', 'rules describe: give exactly one rule name');
  const d = loadFor(values.rules ?? []);
  const r = d.load.rules.find((x) => x.name === positionals[0]);
  if (!r) {
    const names = d.load.rules.map((x) => x.name).filter((n) => n.toLowerCase().includes(positionals[0].toLowerCase()));
    throw new KestrelError('KES_USAGE', `no rule named '${positionals[0]}'${names.length ? `; similar: ${names.slice(0, 5).map((n) => `'${n}'`).join(', ')}` : ''}`);
  }
  const info = {
    name: r.name, description: r.desc, priority: r.priority, enabled: r.enabled, source: r.source, tags: r.tags,
    condition: r.condition.trim(), output: r.output, evt_types: r.evtTypes === null ? null : evtTypeNames(r.evtTypes),
    defined_at: `${r.pos.file}:${r.pos.line}:${r.pos.col}`,
  };
  if (values.json) {
    process.stdout.write(JSON.stringify(info) + '\n');
    return EXIT.OK;
  }
  process.stdout.write([
    `rule:        ${info.name}`, `defined at:  ${info.defined_at}`, `priority:    ${info.priority}`,
    `enabled:     ${info.enabled}`, `source:      ${info.source}`, `tags:        ${info.tags.join(', ')}`,
    `event types: ${evtTypesText(r.evtTypes)}`, `description: ${info.description.trim()}`,
    `condition:   ${info.condition}`, `output:      ${info.output}`,
  ].join('\n') + '\n');
  return EXIT.OK;
}

export const command: Command = {
  name: 'rules',
  summary: 'validate, list and describe rules files',
  async run(args: string[]): Promise<number> {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'validate': return validate(rest);
      case 'list': return list(rest);
      case 'describe': return describe(rest);
      case undefined: case '-h': case '--help': case 'help':
        process.stdout.write(USAGE);
        return sub === undefined ? EXIT.USAGE : EXIT.OK;
      default:
        throw new KestrelError('KES_USAGE', `rules: unknown subcommand '${sub}'\n${USAGE}`);
    }
  },
};
