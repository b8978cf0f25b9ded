import { flag, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { eachContainer } from './lifecycle.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] CONTAINER [CONTAINER...]';
export const flags: FlagSpec[] = [
  { name: 'force', short: 'f', type: 'bool', description: 'Force the removal of a running container (uses SIGKILL)' },
  { name: 'volumes', short: 'v', type: 'bool', description: 'Remove anonymous volumes associated with the container' },
  { name: 'link', short: 'l', type: 'bool', description: 'Remove the specified link' },
];
export const args: [number] = [1];

export function run(session: Session, parsed: ParsedArgs): Promise<number> {
  return eachContainer(session, parsed.args, (e, n) => e.containers.remove(n, { force: flag.bool(parsed, 'force'), v: flag.bool(parsed, 'volumes') }));
}
