import fs from 'node:fs';
import type { Engine as EnginePort } from '../engine/connect.js';
import { pullImage } from '../images/pull-image.js';
import type { Session } from '../session.js';
import { UsageError } from '../args/parse-args.js';
import type { CreateRequest } from './create-request.js';

export function isNotFound(err: unknown): boolean {
  const e = err as { status?: number; code?: string };
  return e?.status === 404 || e?.code === 'NOT_FOUND';
}

/** Creates the container, pulling the image first when it is missing (or always, with --pull always). */
export async function createContainer(
  session: Session,
  engine: EnginePort,
  req: CreateRequest,
  pull: string | undefined,
  quiet: boolean,
): Promise<string> {
  const policy = pull ?? 'missing';
  if (!['always', 'missing', 'never'].includes(policy)) throw new UsageError(`invalid --pull "${policy}": use always, missing or never`);
  // As docker: an existing ID file means another container may be using it.
  if (req.cidfile && fs.existsSync(req.cidfile)) throw new UsageError(`container ID file found, make sure the other container isn't running or delete ${req.cidfile}`);
  const id = await create(session, engine, req, policy, quiet);
  if (req.cidfile) fs.writeFileSync(req.cidfile, id, { flag: 'wx' });
  return id;
}

async function create(session: Session, engine: EnginePort, req: CreateRequest, policy: string, quiet: boolean): Promise<string> {
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
