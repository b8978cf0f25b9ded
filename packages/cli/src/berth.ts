/**
 * The `berth` command. This entry stays small: it reads global flags, finds the command and
 * loads only that command's bundle (dist/commands/NAME.cjs, through the V8 code cache).
 */
import path from 'node:path';
import { parseArgs, UsageError, type FlagSpec } from './args/parse-args.js';
import { COMMANDS, GROUPS, groupUsage, resolveCommand, type CommandEntry } from './args/command-table.js';
import { Session, type Env } from './session.js';
import { reportError } from './errors/report-error.js';
import { formatUsage, mainUsage } from './args/usage.js';
import { BundleLoader } from './bundles/bundle-loader.js';
import { codeCacheDir } from './bundles/code-cache-dir.js';
import type { CommandModule } from './commands/command.js';
import { CLI_VERSION } from './version-info.js';
import { ProcessOutput } from './terminal/process-output.js';

const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'host', short: 'H', type: 'string', description: 'Engine socket to connect to (unix:///path or tcp://host:port)' },
  { name: 'context', short: 'c', type: 'string', description: 'Name of the context to use' },
  { name: 'config', type: 'string', description: 'Location of client config files (default ~/.berth)' },
  { name: 'help', short: 'h', type: 'bool', description: 'Print usage' },
  { name: 'version', short: 'v', type: 'bool', description: 'Print version information and quit' },
  { name: 'debug', short: 'D', type: 'bool', description: 'Enable debug mode' },
  { name: 'log-level', short: 'l', type: 'string', description: 'Set the logging level' },
];

function loadCommand(bundles: BundleLoader, entry: CommandEntry): CommandModule {
  const exports = bundles.load(entry.bundle);
  return (entry.export ? exports[entry.export] : exports) as CommandModule;
}

// `berth logs -f web | head`: a closed pipe ends berth quietly, as it does other Unix tools.
const quitOnError = (err: NodeJS.ErrnoException): never => process.exit(err.code === 'EPIPE' ? 0 : 125);
const output = new ProcessOutput(1, () => process.stdout, quitOnError);
const errors = new ProcessOutput(2, () => process.stderr, quitOnError);

async function main(argv: string[]): Promise<number> {
  const env = process.env as Env;
  // The entry is built to dist/berth.cjs (dist/bun/berth.cjs for Bun), the commands beside it in
  // commands/. Found from the script's path: Bun's bundler writes __dirname in as a constant.
  const bundles = new BundleLoader({ dir: path.join(path.dirname(process.argv[1]!), 'commands'), cacheDir: codeCacheDir(env) });
  let session: Session | undefined;
  let commandName = '';
  let usage: string | undefined;
  try {
    const globals = parseArgs(argv, GLOBAL_FLAGS, { stopAtPositional: true });
    session = new Session(
      { host: globals.flags.host as string | undefined, context: globals.flags.context as string | undefined, config: globals.flags.config as string | undefined },
      env,
      output,
      errors,
      () => process.stdin,
    );
    if (globals.flags.version === true) {
      session.out(`Berth version ${CLI_VERSION}\n`);
      return 0;
    }
    if (globals.args.length === 0) {
      session.out(mainUsage(COMMANDS, GLOBAL_FLAGS));
      return globals.flags.help === true ? 0 : 0;
    }
    const found = resolveCommand(globals.args);
    const group = GROUPS[globals.args[0]!];
    if (group && (globals.args.length === 1 || globals.args[1] === '--help' || globals.args[1] === '-h')) {
      (globals.args.length === 1 ? session.err.bind(session) : session.out.bind(session))(groupUsage(globals.args[0]!, group));
      return globals.args.length === 1 ? 125 : 0;
    }
    if ('unknown' in found) {
      session.err(`berth: '${found.unknown}' is not a berth command.\nSee 'berth --help'\n`);
      return 125;
    }
    commandName = found.name;
    const command = loadCommand(bundles, found.entry);
    usage = command.usage;
    if (found.argv.includes('--help') || (found.argv[0] === '-h' && !command.flags.some((f) => f.short === 'h'))) {
      session.out(formatUsage(commandName, command, found.entry.summary));
      return 0;
    }
    const parsed = parseArgs(found.argv, command.flags, { stopAtPositional: command.stopAtPositional });
    const [min, max] = command.args ?? [0, undefined];
    if (parsed.args.length < min) {
      throw new UsageError(`"berth ${commandName}" requires ${min === max ? 'exactly' : 'at least'} ${min} argument${min === 1 ? '' : 's'}.`);
    }
    if (max !== undefined && parsed.args.length > max) {
      throw new UsageError(`"berth ${commandName}" accepts ${max === 0 ? 'no arguments' : `at most ${max} argument${max === 1 ? '' : 's'}`}.`);
    }
    return await command.run(session, parsed);
  } catch (err) {
    return reportError(session ?? new Session({}, env, output, errors, () => process.stdin), err, commandName, usage);
  } finally {
    bundles.saveCaches();
  }
}

/** Exits once stdout and stderr are flushed: idle keep-alive sockets or a paused stdin must not hold the process. */
function exit(code: number): void {
  process.exitCode = code;
  output.flush(() => errors.flush(() => process.exit(code)));
}

main(process.argv.slice(2)).then(exit, (err: unknown) => {
  errors.write(`berth: ${(err as Error).message}\n`);
  exit(125);
});
