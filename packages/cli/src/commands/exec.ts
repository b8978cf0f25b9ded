import { flag, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { startFailureCode } from '../containers/create-container.js';
import { envFlags } from '../containers/create-request.js';
import { pumpStreams } from '../containers/stream-io.js';
import { connectEngine } from '../engine/connect.js';
import { ExitError } from '../errors/report-error.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] CONTAINER COMMAND [ARG...]';
export const flags: FlagSpec[] = [
  { name: 'detach', short: 'd', type: 'bool', description: 'Detached mode: run command in the background' },
  { name: 'detach-keys', type: 'string', description: 'Override the key sequence for detaching a container' },
  { name: 'env', short: 'e', type: 'list', description: 'Set environment variables' },
  { name: 'env-file', type: 'list', description: 'Read in a file of environment variables' },
  { name: 'interactive', short: 'i', type: 'bool', description: 'Keep STDIN open even if not attached' },
  { name: 'privileged', type: 'bool', description: 'Give extended privileges to the command' },
  { name: 'tty', short: 't', type: 'bool', description: 'Allocate a pseudo-TTY' },
  { name: 'user', short: 'u', type: 'string', description: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'workdir', short: 'w', type: 'string', description: 'Working directory inside the container' },
];
export const stopAtPositional = true;
export const args: [number] = [2];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const [container, ...cmd] = parsed.args as [string, ...string[]];
  const tty = flag.bool(parsed, 'tty');
  const interactive = flag.bool(parsed, 'interactive');
  const detach = flag.bool(parsed, 'detach');
  if (tty && interactive && !session.stdin.isTTY) throw new ExitError(1, 'the input device is not a TTY; drop -t, or run berth from a terminal');
  if (cmd.length === 0) throw new UsageError('a command is required');
  const env = envFlags(parsed);
  const engine = await connectEngine(session);
  const size = tty && session.stdout.isTTY ? [(session.stdout as { rows?: number }).rows ?? 24, session.stdout.columns ?? 80] as [number, number] : null;
  const { Id } = await engine.exec.create(container, {
    Cmd: cmd,
    Tty: tty,
    AttachStdin: interactive && !detach,
    AttachStdout: !detach,
    AttachStderr: !detach,
    Privileged: flag.bool(parsed, 'privileged'),
    ...(env.length > 0 ? { Env: env } : {}),
    ...(flag.str(parsed, 'user') ? { User: flag.str(parsed, 'user') } : {}),
    ...(flag.str(parsed, 'workdir') ? { WorkingDir: flag.str(parsed, 'workdir') } : {}),
    ...(size ? { ConsoleSize: size } : {}),
  });
  let handle;
  try {
    if (detach) {
      await engine.exec.startDetached(Id);
      return 0;
    }
    handle = await engine.exec.start(Id, { tty, stdin: interactive, ...(size ? { consoleSize: size } : {}) });
  } catch (err) {
    throw new ExitError(startFailureCode(err), `berth: Error response from daemon: ${(err as Error).message}`);
  }
  const how = await pumpStreams(session, handle, {
    tty,
    stdin: interactive,
    detachKeys: flag.str(parsed, 'detach-keys'),
    resize: (h, w) => engine.exec.resize(Id, { h, w }),
  });
  if (how === 'detached') return 0;
  return (await handle.exitCode) ?? 0;
}
