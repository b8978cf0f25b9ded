import type { ContainerCreateRequest } from '@berth/sdk';
import type { Engine as EnginePort } from '../engine/connect.js';
import { pullImage } from '../images/pull-image.js';
import type { Session } from '../session.js';
import { UsageError } from '../args/parse-args.js';

export function isNotFound(err: unknown): boolean {
  const e = err as { status?: number; code?: string };
  return e?.status === 404 || e?.code === 'NOT_FOUND';
}

/** Creates the container, pulling the image first when it is missing (or always, with --pull always). */
export async function createContainer(
  session: Session,
  engine: EnginePort,
  req: { body: ContainerCreateRequest; name?: string; platform?: string },
  pull: string | undefined,
  quiet: boolean,
): Promise<string> {
  const policy = pull ?? 'missing';
  if (!['always', 'missing', 'never'].includes(policy)) throw new UsageError(`invalid --pull "${policy}": use always, missing or never`);
  const query = { ...(req.name ? { name: req.name } : {}), ...(req.platform ? { platform: req.platform } : {}) };
  if (policy === 'always') await pullImage(session, engine, req.body.Image!, { quiet, platform: req.platform });
  try {
    return (await engine.containers.create(req.body, query)).Id;
  } catch (err) {
    if (policy !== 'missing' || !isNotFound(err) || !/image/i.test((err as Error).message)) throw err;
  }
  session.err(`Unable to find image '${req.body.Image}' locally\n`);
  await pullImage(session, engine, req.body.Image!, { quiet, platform: req.platform, toStderr: true });
  return (await engine.containers.create(req.body, query)).Id;
}

/** docker's exit status for a container that could not be started: 127 not found, 126 cannot invoke, else 125. */
export function startFailureCode(err: unknown): number {
  const msg = (err as Error)?.message ?? '';
  if (/executable file not found|no such file or directory|not found in \$PATH/i.test(msg)) return 127;
  if (/permission denied|not executable|is a directory/i.test(msg)) return 126;
  return 125;
}
