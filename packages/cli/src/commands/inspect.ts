import { flag, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { isNotFound } from '../containers/create-container.js';
import { connectEngine } from '../engine/connect.js';
import { formatObjects } from '../output/format-output.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] NAME|ID [NAME|ID...]';
export const flags: FlagSpec[] = [
  { name: 'format', short: 'f', type: 'string', description: 'Format output using a Go template or json' },
  { name: 'type', type: 'string', description: 'Only inspect objects of the given type (container, image)' },
  { name: 'size', short: 's', type: 'bool', description: 'Display total file sizes if the type is container' },
];
export const args: [number] = [1];

/** Containers first, then images, as docker does without --type. */
export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const type = flag.str(parsed, 'type');
  if (type && type !== 'container' && type !== 'image') throw new UsageError(`unsupported --type "${type}": use container or image`);
  const engine = await connectEngine(session);
  const found: unknown[] = [];
  let failed = false;
  for (const name of parsed.args) {
    try {
      found.push(await lookup(engine, name, type));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      failed = true;
      session.err(`Error: No such ${type ?? 'object'}: ${name}\n`);
    }
  }
  if (found.length > 0 || !failed) session.out(formatObjects(found, flag.str(parsed, 'format')));
  return failed ? 1 : 0;
}

async function lookup(engine: Awaited<ReturnType<typeof connectEngine>>, name: string, type: string | undefined): Promise<unknown> {
  if (type === 'image') return engine.images.inspect(name);
  if (type === 'container') return engine.containers.inspect(name);
  try {
    return await engine.containers.inspect(name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return engine.images.inspect(name);
  }
}
