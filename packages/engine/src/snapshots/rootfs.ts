import { chmod, mkdir, readFile, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { runCommand } from '../process/command.js';


/** The kernel copies mount data into one page, NUL included. */
const MAX_MOUNT_DATA = 4095;
/** Characters overlayfs would read as separators or escapes inside `lowerdir=`. */
const UNSAFE_OVERLAY_PATH = /[,:\\\n]/;

/** Where a container's root filesystem comes from and where its own files live. */
export interface RootfsOptions {
  /** Unpacked layer directories, top-most first. */
  lowerDirs: string[];
  /** The container's own directory; holds `upper/`, `work/` and `merged/`. */
  dir: string;
}

/** Mounts the container's overlayfs root (layers read-only, `upper/` writable) and returns the `merged/` path. */
export async function prepareRootfs(opts: RootfsOptions): Promise<string> {
  const dir = path.resolve(opts.dir);
  const [upper, work, merged] = ['upper', 'work', 'merged'].map((name) => path.join(dir, name)) as [string, string, string];
  for (const sub of [upper, work, merged]) await mkdir(sub, { recursive: true });
  await chmod(upper, 0o755);
  if (await isMounted(merged)) return merged;
  let lowers = opts.lowerDirs.map((lower) => path.resolve(lower));
  if (lowers.length === 0) {
    const empty = path.join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    lowers = [empty];
  }
  for (const p of [...lowers, upper, work]) {
    if (UNSAFE_OVERLAY_PATH.test(p)) {
      throw new EngineError('INVALID_ARGUMENT', `overlay path ${JSON.stringify(p)} contains a character overlayfs treats as a separator`);
    }
  }
  const { options, cwd } = overlayOptions(lowers, upper, work);
  try {
    await runCommand('mount', ['-t', 'overlay', 'overlay', '-o', options, merged], { cwd });
  } catch (err) {
    const detail = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
    throw new EngineError('INTERNAL', `mounting the overlay root filesystem at ${merged} failed: ${detail}`, { cause: err });
  }
  return merged;
}

/** Unmounts the container's `merged/` (lazily when busy); does nothing when it is not mounted. */
export async function releaseRootfs(dir: string): Promise<void> {
  const merged = path.join(path.resolve(dir), 'merged');
  for (let attempt = 0; attempt < 8; attempt++) {
    if (!(await isMounted(merged))) return;
    try {
      await runCommand('umount', [merged]);
    } catch {
      await runCommand('umount', ['--lazy', merged]).catch(() => undefined);
    }
  }
  if (await isMounted(merged)) {
    throw new EngineError('INTERNAL', `cannot unmount the root filesystem at ${merged}`);
  }
}

/** Unmounts the root filesystem and deletes the container's writable layer (`upper/`, `work/`, `merged/`). */
export async function removeRootfs(dir: string): Promise<void> {
  const root = path.resolve(dir);
  await releaseRootfs(root);
  for (const sub of ['merged', 'upper', 'work', 'empty']) {
    await rm(path.join(root, sub), { recursive: true, force: true });
  }
}

/** True when something is mounted exactly at `target` in this mount namespace. */
export async function isMounted(target: string): Promise<boolean> {
  const wanted = await realpath(target).catch(() => path.resolve(target));
  const table = await readFile('/proc/self/mountinfo', 'utf8');
  return table.split('\n').some((line) => unescapeMountPath(line.split(' ')[4] ?? '') === wanted);
}

/**
 * The overlay option string. When absolute paths would pass the one-page limit, the mount runs with its
 * working directory at the layers' common parent and names them relatively (as Docker's overlay2 does).
 */
function overlayOptions(lowers: string[], upper: string, work: string): { options: string; cwd: string } {
  // index=off as Docker does: an upper dir then never pins the exact inodes of the layers it was first mounted on.
  const build = (l: string[], u: string, w: string): string => `index=off,lowerdir=${l.join(':')},upperdir=${u},workdir=${w}`;
  const absolute = build(lowers, upper, work);
  if (Buffer.byteLength(absolute) <= MAX_MOUNT_DATA) return { options: absolute, cwd: '/' };
  const cwd = commonParent(lowers);
  const shorter = (p: string): string => {
    const rel = path.relative(cwd, p) || '.';
    return rel.length < p.length ? rel : p;
  };
  const options = build(lowers.map(shorter), shorter(upper), shorter(work));
  if (Buffer.byteLength(options) > MAX_MOUNT_DATA) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `an image of ${lowers.length} layers needs ${Buffer.byteLength(options)} bytes of overlay mount options, over the kernel's limit of ${MAX_MOUNT_DATA}; squash the image into fewer layers`,
    );
  }
  return { options, cwd };
}

function commonParent(paths: string[]): string {
  const split = paths.map((p) => path.dirname(p).split(path.sep));
  const first = split[0] ?? [''];
  let length = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < length && parts[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length).join(path.sep) || path.sep;
}

function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
