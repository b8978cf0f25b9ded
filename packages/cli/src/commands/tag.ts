import type { FlagSpec, ParsedArgs } from '../args/parse-args.js';
import { connectEngine } from '../engine/connect.js';
import type { Session } from '../session.js';

export const usage = 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]';
export const flags: FlagSpec[] = [];
export const args: [number, number] = [2, 2];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  await (await connectEngine(session)).images.tag(parsed.args[0]!, parsed.args[1]!);
  return 0;
}
