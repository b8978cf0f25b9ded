import type { FlagSpec, ParsedArgs } from '../args/parse-args.js';
import { connectEngine } from '../engine/connect.js';
import type { Session } from '../session.js';

export const usage = 'containers|images|networks|volumes|contexts';
export const flags: FlagSpec[] = [];
export const args: [number, number] = [1, 1];

/** Names for shell completion, one a line; prints nothing (and succeeds) when the engine cannot be reached. */
export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const names = await list(session, parsed.args[0]!).catch(() => [] as string[]);
  session.out(names.map((n) => `${n}\n`).join(''));
  return 0;
}

async function list(session: Session, kind: string): Promise<string[]> {
  if (kind === 'contexts') return ['default', ...Object.keys((await session.loadConfig()).contexts)];
  const engine = await connectEngine(session);
  switch (kind) {
    case 'containers':
      return (await engine.containers.list({ all: true })).flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')));
    case 'images':
      return (await engine.images.list()).flatMap((i) => (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'));
    case 'networks':
      return (await engine.networks.list()).map((n) => n.Name);
    case 'volumes':
      return ((await engine.volumes.list()).Volumes ?? []).map((v) => v.Name);
    default:
      return [];
  }
}
