// kestrel CLI entry. Thin: picks the command, runs it, maps typed errors to exit codes.
// Each command lives in src/cli/commands/<name>/index.ts and exports `command: Command`.
// (`kestrel inspect` usually starts from commands/inspect/bundle-load.cjs instead, which
// imports this file only when inspect's bundle is stale: see bin/kestrel.)
import { EXIT } from '../errors.js';
import { COMMANDS } from './commands.js';
import { runBundled, reportError, exitWhenFlushed, watchStdio } from './commands/inspect/bundle-load.cjs';

function usage(): string {
  const lines = ['usage: kestrel <command> [options]', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `kestrel <command> --help` for the options of a command.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-v') return main(['version']);
  // inspect runs from its bundle (one script, V8 code cache) when one is built and fresh.
  if (name === 'inspect') {
    const code = await runBundled(rest);
    if (code !== null) return code;
  }
  // Only the command being run is loaded (the table holds loaders, not modules).
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`kestrel: unknown command '${name}'\n${usage()}\n`);
    return EXIT.USAGE;
  }
  return (await entry.load()).command.run(rest);
}

const argv = process.argv.slice(2);
// inspect has closed everything it opened when it returns: it ends as soon as its output is
// out, without Node's environment teardown. Other commands end naturally.
if (argv[0] === 'inspect') watchStdio();
const finish = argv[0] === 'inspect' ? (code: number) => { void exitWhenFlushed(code); } : (code: number) => { process.exitCode = code; };
main(argv).then(finish, (err: unknown) => finish(reportError(err)));
