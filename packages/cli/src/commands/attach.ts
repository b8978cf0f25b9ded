import { flag, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { pumpStreams } from '../containers/stream-io.js';
import { proxySignals } from '../containers/signal-proxy.js';
import { connectEngine } from '../engine/connect.js';
import { ExitError } from '../errors/report-error.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] CONTAINER';
export const flags: FlagSpec[] = [
  { name: 'detach-keys', type: 'string', description: 'Override the key sequence for detaching a container' },
  { name: 'no-stdin', type: 'bool', description: 'Do not attach STDIN' },
  { name: 'sig-proxy', type: 'bool', description: 'Proxy all received signals to the process (default true)' },
];
export const args: [number, number] = [1, 1];

/** Attaches the terminal to a running container until it exits (its status) or the detach keys. */
export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const name = parsed.args[0]!;
  const engine = await connectEngine(session);
  const info = await engine.containers.inspect(name);
  if (!info.State.Running) throw new ExitError(1, `You cannot attach to a stopped container, start it first`);
  const tty = info.Config?.Tty === true;
  const stdin = !flag.bool(parsed, 'no-stdin') && info.Config?.OpenStdin === true;
  if (tty && stdin && !session.stdin.isTTY) throw new ExitError(1, 'the input device is not a TTY');
  const handle = await engine.containers.attach(name, { stdin, stdout: true, stderr: true });
  const exited = engine.containers.wait(name, { condition: 'not-running' });
  exited.catch(() => {});
  const unproxy = parsed.flags['sig-proxy'] !== false && !tty ? proxySignals((sig) => engine.containers.kill(name, { signal: sig })) : () => {};
  try {
    const how = await pumpStreams(session, handle, { tty, stdin, detachKeys: flag.str(parsed, 'detach-keys'), resize: (h, w) => engine.containers.resize(name, { h, w }) });
    if (how === 'detached') return 0;
    return (await exited).StatusCode;
  } finally {
    unproxy();
  }
}
