import { flag, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { CREATE_FLAGS } from '../containers/create-flags.js';
import { createRequest } from '../containers/create-request.js';
import { createContainer, startFailureCode } from '../containers/create-container.js';
import { pumpStreams } from '../containers/stream-io.js';
import { proxySignals } from '../containers/signal-proxy.js';
import { connectEngine } from '../engine/connect.js';
import { ExitError } from '../errors/report-error.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] IMAGE [COMMAND] [ARG...]';
export const flags: FlagSpec[] = [
  ...CREATE_FLAGS,
  { name: 'detach', short: 'd', type: 'bool', description: 'Run container in background and print container ID' },
  { name: 'detach-keys', type: 'string', description: 'Override the key sequence for detaching a container' },
  { name: 'sig-proxy', type: 'bool', description: 'Proxy received signals to the process (default true)' },
];
export const stopAtPositional = true;
export const args: [number] = [1];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const req = createRequest(parsed);
  const detach = flag.bool(parsed, 'detach');
  const tty = flag.bool(parsed, 'tty');
  const interactive = flag.bool(parsed, 'interactive');
  if (detach && req.body.HostConfig?.AutoRemove && req.body.HostConfig.RestartPolicy) throw new UsageError('conflicting options: --restart and --rm');
  if (tty && interactive && !session.stdin.isTTY) {
    throw new ExitError(1, 'the input device is not a TTY; drop -t, or run berth from a terminal');
  }
  const engine = await connectEngine(session);
  const id = await createContainer(session, engine, req, flag.str(parsed, 'pull'), flag.bool(parsed, 'quiet'));
  if (detach) {
    await start(engine, id);
    session.out(`${id}\n`);
    return 0;
  }
  const handle = await engine.containers.attach(id, { stdin: interactive, stdout: true, stderr: true });
  const exited = engine.containers.wait(id, { condition: req.body.HostConfig?.AutoRemove ? 'removed' : 'next-exit' });
  exited.catch(() => {});
  await start(engine, id).catch((err: unknown) => {
    handle.close();
    throw err;
  });
  const sigProxy = parsed.flags['sig-proxy'] !== false && !tty;
  const unproxy = sigProxy ? proxySignals((sig) => engine.containers.kill(id, { signal: sig })) : () => {};
  try {
    const how = await pumpStreams(session, handle, {
      tty,
      stdin: interactive,
      detachKeys: flag.str(parsed, 'detach-keys'),
      resize: (h, w) => engine.containers.resize(id, { h, w }),
    });
    if (how === 'detached') {
      session.err('\nread escape sequence\n');
      return 0;
    }
    const { StatusCode } = await exited;
    return StatusCode;
  } finally {
    unproxy();
  }
}

async function start(engine: Awaited<ReturnType<typeof connectEngine>>, id: string): Promise<void> {
  try {
    await engine.containers.start(id);
  } catch (err) {
    throw new ExitError(startFailureCode(err), `berth: Error response from daemon: ${(err as Error).message}`);
  }
}
