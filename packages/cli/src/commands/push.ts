import { flag, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { connectEngine } from '../engine/connect.js';
import { showProgress } from '../images/pull-image.js';
import { registryAuth } from '../registry/registry-auth.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] NAME[:TAG]';
export const flags: FlagSpec[] = [
  { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress verbose output' },
  { name: 'all-tags', short: 'a', type: 'bool', description: 'Push all tags of an image to the repository' },
];
export const args: [number, number] = [1, 1];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const ref = parsed.args[0]!;
  const engine = await connectEngine(session);
  const auth = await registryAuth(session, ref);
  await showProgress(session, engine.images.push(ref, auth ? { auth } : {}), flag.bool(parsed, 'quiet'), false);
  return 0;
}
