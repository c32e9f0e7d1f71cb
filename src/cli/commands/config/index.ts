// kestrel config: load and check a configuration the way `kestrel run` would, without starting
// anything (Falco's --dry-run for the config part): prints where each value came from, the
// enabled outputs and the effective values (secrets redacted). Exit 5 with KES_CONFIG /
// KES_OUTPUT naming the key and position when something is wrong.
import { parseArgs } from 'node:util';
import type { Command } from '../../command.js';
import { EXIT } from '../../../errors.js';
import { dryRunReport, loadConfig } from '../../../config/index.js';
import { checkOutputs } from '../../../outputs/index.js';

const USAGE = `usage: kestrel config [options]
  -c, --config FILE     configuration file (Falco's falco.yaml keys)
  -o, --option K=V      set a configuration key (repeatable), e.g. -o json_output=true
  -q, --quiet           only check; print nothing when the configuration is valid
`;

export const command: Command = {
  name: 'config',
  summary: 'check a configuration file and -o overrides, print the effective values',
  async run(args: string[]): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        option: { type: 'string', short: 'o', multiple: true },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) { process.stdout.write(USAGE); return EXIT.OK; }
    const loaded = loadConfig({ file: values.config, overrides: values.option ?? [] });
    const outs = checkOutputs(loaded.config);
    if (!values.quiet) {
      process.stdout.write(dryRunReport(loaded));
      process.stdout.write(`# outputs checked: ${outs.join('; ') || 'none'}\n`);
    }
    return EXIT.OK;
  },
};
