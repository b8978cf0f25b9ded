import fs from 'node:fs';
import path from 'node:path';
import { UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';
import { createTar, extractTar } from '../archive/host-tar.js';
import { isNotFound } from '../containers/create-container.js';
import { connectEngine } from '../engine/connect.js';
import type { Session } from '../session.js';

export const usage = '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n        berth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH';
export const flags: FlagSpec[] = [
  { name: 'archive', short: 'a', type: 'bool', description: 'Archive mode (copy all uid/gid information)' },
  { name: 'follow-link', short: 'L', type: 'bool', description: 'Always follow symbol link in SRC_PATH' },
  { name: 'quiet', short: 'q', type: 'bool', description: 'Suppress progress output' },
];
export const args: [number, number] = [2, 2];

/** `CONTAINER:PATH` → [container, path]; a local path → undefined. */
function splitRemote(arg: string): [string, string] | undefined {
  if (arg.startsWith('/') || arg.startsWith('.') || arg === '-') return undefined;
  const i = arg.indexOf(':');
  return i > 0 ? [arg.slice(0, i), arg.slice(i + 1) || '/'] : undefined;
}

export async function run(session: Session, parsed: ParsedArgs): Promise<number> {
  const [srcArg, destArg] = parsed.args as [string, string];
  const src = splitRemote(srcArg);
  const dest = splitRemote(destArg);
  if ((src === undefined) === (dest === undefined)) throw new UsageError('copying between containers or between host paths is not supported; name one CONTAINER:PATH');
  const engine = await connectEngine(session);
  if (src) {
    const tar = await engine.containers.getArchive(src[0], { path: src[1] });
    if (destArg === '-') {
      for await (const chunk of tar) session.stdout.write(chunk);
      return 0;
    }
    const base = path.posix.basename(src[1].replace(/\/+$/, '')) || '.';
    const target = path.resolve(destArg);
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) await extractTar(tar, target);
    else {
      if (!fs.existsSync(path.dirname(target))) throw new UsageError(`destination directory ${path.dirname(target)} does not exist`);
      await extractTar(tar, path.dirname(target), base === path.basename(target) ? undefined : [base, path.basename(target)]);
    }
    return 0;
  }
  const [container, rawDest] = dest!;
  // The engine wants the directory itself (`/tmp`, not `/tmp/`); a trailing slash only says it must be one.
  const mustBeDir = rawDest.endsWith('/');
  const destPath = rawDest.replace(/(.)\/+$/, '$1');
  if (srcArg === '-') {
    await engine.containers.putArchive(container, { path: destPath }, session.stdin as AsyncIterable<Buffer>);
    return 0;
  }
  const local = path.resolve(srcArg);
  if (!fs.existsSync(local)) throw new UsageError(`could not find the file ${srcArg} on the host`);
  const base = path.basename(local);
  // As docker does: into the destination when it is a directory, else under the destination's name in its parent.
  const stat = await engine.containers.statPath(container, { path: destPath }).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  const isDir = stat !== undefined && Math.floor(stat.mode / 2 ** 31) % 2 === 1;
  if (!isDir && mustBeDir) throw new UsageError(`destination directory ${rawDest} does not exist in ${container}`);
  const { stream, done } = isDir
    ? createTar(path.dirname(local), [base])
    : createTar(path.dirname(local), [base], [base, path.posix.basename(destPath)]);
  done.catch(() => {});
  try {
    await engine.containers.putArchive(container, { path: isDir ? destPath : path.posix.dirname(destPath) }, stream);
  } finally {
    stream.destroy();
  }
  await done;
  return 0;
}
