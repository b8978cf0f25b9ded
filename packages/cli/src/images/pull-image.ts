import type { ProgressHandle } from '@berth/sdk';
import type { Engine as EnginePort } from '../engine/connect.js';
import { ProgressView } from '../output/progress-view.js';
import type { Session } from '../session.js';
import { registryAuth } from '../registry/registry-auth.js';

/** Pulls `ref`, showing per-layer progress; resolves when the engine has finished the pull. */
export async function pullImage(
  session: Session,
  engine: EnginePort,
  ref: string,
  opts: { quiet?: boolean; platform?: string; toStderr?: boolean } = {},
): Promise<void> {
  const auth = await registryAuth(session, ref);
  const handle = engine.images.pull(ref, { ...(opts.platform ? { platform: opts.platform } : {}), ...(auth ? { auth } : {}) });
  await showProgress(session, handle, opts.quiet ?? false, opts.toStderr ?? false);
}

export async function showProgress(session: Session, handle: ProgressHandle, quiet: boolean, toStderr: boolean): Promise<void> {
  const stream = toStderr ? session.stderr : session.stdout;
  const view = quiet ? undefined : new ProgressView(stream, (stream as { isTTY?: boolean }).isTTY === true, session.width ?? 80);
  for await (const msg of handle.progress) view?.update(msg);
  await handle;
}
