import { connectEngine } from '../engine/connect.js';
import { ExitError } from '../errors/report-error.js';
import { startFailureCode } from './create-container.js';
import { pumpStreams } from './stream-io.js';
import type { Session } from '../session.js';

/** `start -a [-i]`: attach, start, stream until the container exits, exit with its status. */
export async function startAttached(session: Session, name: string, interactive: boolean, detachKeys?: string): Promise<number> {
  const engine = await connectEngine(session);
  const info = await engine.containers.inspect(name);
  const tty = info.Config?.Tty === true;
  const handle = await engine.containers.attach(name, { stdin: interactive, stdout: true, stderr: true });
  const exited = engine.containers.wait(name, { condition: 'next-exit' });
  exited.catch(() => {});
  await engine.containers.start(name).catch((err: unknown) => {
    handle.close();
    throw new ExitError(startFailureCode(err), `berth: Error response from daemon: ${(err as Error).message}`);
  });
  const how = await pumpStreams(session, handle, { tty, stdin: interactive, detachKeys, resize: (h, w) => engine.containers.resize(name, { h, w }) });
  if (how === 'detached') return 0;
  return (await exited).StatusCode;
}
