import fs from 'node:fs';
import path from 'node:path';
import { flag, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { createTar } from '../archive/host-tar.js';
import { connectEngine } from '../engine/connect.js';
import { BuildView } from '../output/build-view.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] PATH | -';
export const flags: FlagSpec[] = [
  { name: 'tag', short: 't', type: 'list', description: 'Name and optionally a tag in the "name:tag" format' },
  { name: 'file', short: 'f', type: 'string', description: "Name of the Dockerfile (default: 'PATH/Dockerfile')" },
  { name: 'build-arg', type: 'list', description: 'Set build-time variables' },
  { name: 'label', type: 'list', description: 'Set metadata for an image' },
  { name: 'no-cache', type: 'bool', description: 'Do not use cache when building the image' },
  { name: 'pull', type: 'bool', description: 'Always attempt to pull a newer version of the image' },
  { name: 'target', type: 'string', description: 'Set the target build stage to build' },
  { name: 'platform', type: 'string', description: 'Set platform if server is multi-platform capable' },
  { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress the build output and print image ID on success' },
  { name: 'progress', type: 'string', description: 'Set type of progress output (auto, plain, tty)' },
  { name: 'network', type: 'string', description: 'Set the networking mode for the RUN instructions during build' },
  { name: 'rm', type: 'bool', description: 'Remove intermediate containers after a successful build (default true)' },
  { name: 'force-rm', type: 'bool', description: 'Always remove intermediate containers' },
  { name: 'iidfile', type: 'string', description: 'Write the image ID to the file' },
];
export const args: [number, number] = [1, 1];

const kv = (list: string[]): Record<string, string> =>
  Object.fromEntries(list.map((x) => (x.includes('=') ? [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)] : [x, process.env[x] ?? ''])));

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const ctx = parsed.args[0]!;
  let context: AsyncIterable<Buffer>;
  let tarDone: Promise<void> = Promise.resolve();
  if (ctx === '-') context = session.stdin as AsyncIterable<Buffer>;
  else {
    const dir = path.resolve(ctx);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`unable to prepare context: path "${ctx}" not found`);
    // Top-level names, not '.': the engine expects entries like `Dockerfile`, not `./Dockerfile`.
    const entries = fs.readdirSync(dir);
    if (entries.length === 0) throw new UsageError(`the build context ${ctx} is empty; it needs at least a Dockerfile`);
    const tar = createTar(dir, entries);
    context = tar.stream;
    tarDone = tar.done;
    tarDone.catch(() => {});
  }
  const progress = flag.str(parsed, 'progress') ?? 'auto';
  if (!['auto', 'plain', 'tty'].includes(progress)) throw new UsageError(`invalid --progress "${progress}": use auto, plain or tty`);
  const file = flag.str(parsed, 'file');
  const engine = await connectEngine(session);
  const handle = engine.images.build(context, {
    t: flag.list(parsed, 'tag'),
    ...(file ? { dockerfile: ctx !== '-' && path.isAbsolute(file) ? path.relative(path.resolve(ctx), file) : file } : {}),
    buildargs: kv(flag.list(parsed, 'build-arg')),
    labels: kv(flag.list(parsed, 'label')),
    nocache: flag.bool(parsed, 'no-cache'),
    pull: flag.bool(parsed, 'pull'),
    ...(flag.str(parsed, 'target') ? { target: flag.str(parsed, 'target') } : {}),
    ...(flag.str(parsed, 'platform') ? { platform: flag.str(parsed, 'platform') } : {}),
    ...(flag.str(parsed, 'network') ? { networkmode: flag.str(parsed, 'network') } : {}),
    ...(parsed.flags.rm === false ? { rm: false } : {}),
    ...(flag.bool(parsed, 'force-rm') ? { forcerm: true } : {}),
  });
  const quiet = flag.bool(parsed, 'quiet');
  const terminal = progress === 'tty' || (progress === 'auto' && session.isTerminal);
  const view = quiet ? undefined : new BuildView(session.stdout, terminal, session.colour);
  try {
    for await (const msg of handle.progress) view?.update(msg);
    const result = await handle;
    await tarDone;
    if (quiet) session.out(`${result.id}\n`);
    const iidfile = flag.str(parsed, 'iidfile');
    if (iidfile) fs.writeFileSync(iidfile, result.id);
  } finally {
    view?.end();
  }
  return 0;
}
