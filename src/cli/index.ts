// kestrel CLI entry. Thin: picks the command, runs it, maps typed errors to exit codes.
// Each command lives in src/cli/commands/<name>/index.ts and exports `command: Command`.
import { KestrelError, EXIT } from '../errors.js';
import { COMMANDS } from './commands.js';

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
    const code = await (await import('./commands/inspect/bundle-load.js')).runBundled(rest);
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

function isKestrelError(e: unknown): e is KestrelError {
  return e instanceof Error && typeof (e as KestrelError).code === 'string' && (e as KestrelError).code.startsWith('KES_') &&
    typeof (e as KestrelError).exitCode === 'number';
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    // (duck-typed too: errors thrown from the inspect bundle are its own KestrelError class)
    if (err instanceof KestrelError || isKestrelError(err)) {
      process.stderr.write(`kestrel: ${err.message} [${err.code}]\n`);
      process.exitCode = err.exitCode;
    } else if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`kestrel: ${err.message}\n`);
      process.exitCode = EXIT.USAGE;
    } else {
      process.stderr.write(`kestrel: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = EXIT.FAILURE;
    }
  },
);
