import { flag, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { RESOURCE_FLAGS, resourceConfig } from '../containers/resource-flags.js';
import { eachContainer } from './lifecycle.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] CONTAINER [CONTAINER...]';
export const flags: FlagSpec[] = [
  ...RESOURCE_FLAGS,
  { name: 'restart', type: 'string', description: 'Restart policy to apply when a container exits' },
];
export const args: [number] = [1];

export function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const body: Record<string, unknown> = resourceConfig(parsed);
  const restart = flag.str(parsed, 'restart');
  if (restart) {
    const [name, count] = restart.split(':');
    body.RestartPolicy = { Name: name, ...(count ? { MaximumRetryCount: Number(count) } : {}) };
  }
  if (Object.keys(body).length === 0) throw new UsageError('you must provide one or more flags when using this command');
  return eachContainer(session, parsed.args, async (e, n) => {
    const r = await e.containers.update(n, body);
    for (const w of r.Warnings ?? []) session.err(`WARNING: ${w}\n`);
  });
}
