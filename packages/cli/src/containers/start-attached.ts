import { connectEngine } from '../engine/connect.js';
import { pumpStreams } from './stream-io.js';
import type { Session } from '../session.js';

/** `start -a [-i]`: attach, start, stream until the container exits, exit with its status. */
export async function startAttached(session: Session, name: string, interactive: boolean): Promise<number> {
  const engine = await connectEngine(session);
  const info = await engine.containers.inspect(name);
  const tty = info.Config?.Tty === true;
  const handle = await engine.containers.attach(name, { stdin: interactive, stdout: true, stderr: true });
  const exited = engine.containers.wait(name, { condition: 'next-exit' });
  exited.catch(() => {});
  await engine.containers.start(name);
  const how = await pumpStreams(session, handle, { tty, stdin: interactive, resize: (h, w) => engine.containers.resize(name, { h, w }) });
  if (how === 'detached') return 0;
  return (await exited).StatusCode;
}
