import { flag, type ParsedArgs } from '../args/parse-args.js';
import { CREATE_FLAGS } from '../containers/create-flags.js';
import { createRequest } from '../containers/create-request.js';
import { createContainer } from '../containers/create-container.js';
import { connectEngine } from '../engine/connect.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] IMAGE [COMMAND] [ARG...]';
export const flags = CREATE_FLAGS;
export const stopAtPositional = true;
export const args: [number] = [1];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const req = createRequest(parsed);
  const engine = await connectEngine(session);
  const id = await createContainer(session, engine, req, flag.str(parsed, 'pull'), flag.bool(parsed, 'quiet'));
  session.out(`${id}\n`);
  return 0;
}
