import { flag, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { connectEngine } from '../engine/connect.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] IMAGE [IMAGE...]';
export const flags: FlagSpec[] = [
  { name: 'force', short: 'f', type: 'bool', description: 'Force removal of the image' },
  { name: 'no-prune', type: 'bool', description: 'Do not delete untagged parents' },
];
export const args: [number] = [1];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const engine = await connectEngine(session);
  let failed = false;
  for (const name of parsed.args) {
    try {
      const items = await engine.images.remove(name, { force: flag.bool(parsed, 'force'), noprune: flag.bool(parsed, 'no-prune') });
      for (const item of items) session.out(item.Untagged ? `Untagged: ${item.Untagged}\n` : `Deleted: ${item.Deleted}\n`);
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('E')) throw err;
      failed = true;
      session.err(`Error response from daemon: ${(err as Error).message}\n`);
    }
  }
  return failed ? 1 : 0;
}
