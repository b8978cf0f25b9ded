import type { FlagSpec, ParsedArgs } from '../args/parse-args.js';
import { connectEngine } from '../engine/connect.js';
import type { Session } from '../session.js';

export const usage = 'CONTAINER [CONTAINER...]';
export const flags: FlagSpec[] = [];
export const args: [number] = [1];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const engine = await connectEngine(session);
  let failed = false;
  for (const name of parsed.args) {
    try {
      session.out(`${(await engine.containers.wait(name)).StatusCode}\n`);
    } catch (err) {
      failed = true;
      session.err(`Error response from daemon: ${(err as Error).message}\n`);
    }
  }
  return failed ? 1 : 0;
}
