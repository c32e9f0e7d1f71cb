// `kestrel fields`: the filter/output fields kestrel knows, with type and description.
//
//   kestrel fields [CLASS|PREFIX] [--json] [--names]

import { parseArgs } from 'node:util';
import type { Command } from '../../command.js';
import { buildRegistry } from '../../../engine/detection.js';
import type { FieldDef } from '../../../filter/field-api.js';

const HELP = `usage: kestrel fields [CLASS|PREFIX] [options]

Lists the fields usable in filters, rules and output formats (-p), grouped by class
(evt, proc, thread, fd, fdlist, fs.path, user, group, container, k8s).
CLASS or PREFIX keeps only the fields whose name starts with it (e.g. "fd", "proc.a").

options:
      --json     one JSON array of {name, type, arg, desc}
      --names    names only, one per line
  -h, --help     this help
`;

function argText(d: FieldDef): string {
  if (d.arg === 'none') return '';
  const a = d.argKind === 'index' ? 'N' : d.argKind === 'key' ? 'KEY' : 'ARG';
  return d.arg === 'required' ? `[${a}]` : `[${a}]?`;
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur.length + w.length + 1 > width && cur !== '') { lines.push(cur); cur = w; } else cur = cur ? cur + ' ' + w : w;
  }
  if (cur) lines.push(cur);
  return lines.join('\n' + indent);
}

export const command: Command = {
  name: 'fields',
  summary: 'list the filter and output fields',
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: { json: { type: 'boolean' }, names: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
    if (values.help) { process.stdout.write(HELP); return 0; }
    const prefix = positionals[0] ?? '';
    const defs = buildRegistry().all().filter((d) => !d.deprecated && d.name.startsWith(prefix));
    if (values.json) {
      process.stdout.write(JSON.stringify(defs.map((d) => ({ name: d.name, type: d.type, arg: d.arg, desc: d.desc })), null, 2) + '\n');
      return 0;
    }
    if (values.names) {
      process.stdout.write(defs.map((d) => d.name).join('\n') + (defs.length ? '\n' : ''));
      return 0;
    }
    const byClass = new Map<string, FieldDef[]>();
    for (const d of defs) {
      const cls = d.name.startsWith('fs.path.') ? 'fs.path' : d.name.slice(0, d.name.indexOf('.'));
      let l = byClass.get(cls);
      if (!l) { l = []; byClass.set(cls, l); }
      l.push(d);
    }
    let out = '';
    for (const [cls, list] of byClass) {
      out += `\n${cls} fields\n`;
      for (const d of list) {
        const head = `  ${(d.name + argText(d)).padEnd(30)} ${d.type.padEnd(8)} `;
        out += head + wrap(d.desc, 70, ' '.repeat(head.length)) + '\n';
      }
    }
    process.stdout.write(out.slice(1));
    return 0;
  },
};
