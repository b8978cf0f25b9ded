import { flag, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { connectEngine } from '../engine/connect.js';
import { pullImage } from '../images/pull-image.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] NAME[:TAG|@DIGEST]';
export const flags: FlagSpec[] = [
  { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress verbose output' },
  { name: 'platform', type: 'string', description: 'Set platform if server is multi-platform capable' },
  { name: 'all-tags', short: 'a', type: 'bool', description: 'Download all tagged images in the repository' },
];
export const args: [number, number] = [1, 1];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const ref = parsed.args[0]!;
  const engine = await connectEngine(session);
  await pullImage(session, engine, ref, { quiet: flag.bool(parsed, 'quiet'), platform: flag.str(parsed, 'platform') });
  if (flag.bool(parsed, 'quiet')) session.out(`${ref.includes(':') || ref.includes('@') ? ref : `${ref}:latest`}\n`);
  return 0;
}
