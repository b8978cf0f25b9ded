import type { FlagSpec, ParsedArgs } from '../args/parse-args.js';
import { DEFAULT_REGISTRY } from '../registry/registry-auth.js';
import type { Session } from '../session.js';

export const usage = '[SERVER]';
export const flags: FlagSpec[] = [];
export const args: [number, number] = [0, 1];

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const server = (parsed.args[0] ?? DEFAULT_REGISTRY).replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const config = await session.loadConfig();
  if (!config.auths[server]) {
    session.out(`Not logged in to ${server}\n`);
    return 0;
  }
  delete config.auths[server];
  await session.saveConfig(config);
  session.out(`Removing login credentials for ${server}\n`);
  return 0;
}
