import { type FileHandle, chmod, mkdir, mkdtemp, readFile, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { runCommand } from '../process/command.js';
import { type OverlayMount, openPrivateMount } from './private-mount.js';

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
  if (lowers.length === 0) lowers = [await emptyLayer(dir)];
  const { options, cwd } = overlayOptions(lowers, { upper, work });
  try {
    await runCommand('mount', ['-t', 'overlay', 'overlay', '-o', options, merged], { cwd });
  } catch (err) {
    const detail = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
    throw new EngineError('INTERNAL', `mounting the overlay root filesystem at ${merged} failed: ${detail}`, { cause: err });
  }
  return merged;
}

/**
 * Opens a read-only view of what the container sees as a directory handle: its `upper/` (when it has one)
 * stacked over the image layers, so files it deleted stay hidden. The view is mounted privately (see
 * {@link openPrivateMount}) and never uses `work/`, so it can sit beside the container's own mount; a
 * mounted `merged/` (a running container) is used as it is. Closing the handle releases the view.
 */
export async function openRootfsView(opts: RootfsOptions): Promise<FileHandle> {
  const dir = path.resolve(opts.dir);
  const layers = opts.lowerDirs.map((lower) => path.resolve(lower));
  const upper = path.join(dir, 'upper');
  if (await isDirectory(upper)) layers.unshift(upper);
  // Without an upper dir, overlayfs wants two lower dirs at least.
  if (layers.length < 2) layers.push(await emptyLayer(dir));
  return openPrivateMount(path.join(dir, 'merged'), overlayOptions(layers));
}

/** A view of a root filesystem open as a directory handle, and how to let go of it. */
export interface RootfsView {
  root: FileHandle;
  /** Closes `root` and cleans up after the view; every other handle into it must be closed first. */
  release(): Promise<void>;
}

/**
 * Opens a writable view of the container's root, for `docker cp` into a container that does not run: its
 * `upper/` over the image layers, mounted privately as {@link openRootfsView} does; a mounted `merged/` (a
 * created container's) is used as it is. The view has a work dir of its own, since overlayfs empties its work
 * dir when it mounts, which would break a mount of the container's own (a start meanwhile) or another view.
 */
export async function openRootfsWritable(opts: RootfsOptions): Promise<RootfsView> {
  const dir = path.resolve(opts.dir);
  const [upper, merged] = [path.join(dir, 'upper'), path.join(dir, 'merged')];
  for (const sub of [upper, merged]) await mkdir(sub, { recursive: true });
  const lowers = opts.lowerDirs.map((lower) => path.resolve(lower));
  if (lowers.length === 0) lowers.push(await emptyLayer(dir));
  const work = await mkdtemp(path.join(dir, 'cp-work-'));
  const removeWork = (): Promise<void> => rm(work, { recursive: true, force: true });
  try {
    const root = await openPrivateMount(merged, overlayOptions(lowers, { upper, work }));
    return { root, release: () => root.close().finally(removeWork) };
  } catch (err) {
    await removeWork();
    throw err;
  }
}

/** The container's empty stand-in layer (`empty/`), for a mount that has too few real ones. */
async function emptyLayer(dir: string): Promise<string> {
  const empty = path.join(dir, 'empty');
  await mkdir(empty, { recursive: true });
  return empty;
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((s) => s.isDirectory(), () => false);
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
 * The overlay option string: writable with `upperdir`/`workdir`, read-only without. When absolute paths would
 * pass the one-page limit, the mount runs with its working directory at the layers' common parent and names
 * them relatively (as Docker's overlay2 does).
 */
function overlayOptions(lowers: string[], writable?: { upper: string; work: string }): OverlayMount {
  for (const p of [...lowers, ...(writable ? [writable.upper, writable.work] : [])]) {
    if (UNSAFE_OVERLAY_PATH.test(p)) {
      throw new EngineError('INVALID_ARGUMENT', `overlay path ${JSON.stringify(p)} contains a character overlayfs treats as a separator`);
    }
  }
  // index=off as Docker does: an upper dir then never pins the exact inodes of the layers it was first mounted on.
  const build = (name: (p: string) => string): string =>
    `index=off,lowerdir=${lowers.map(name).join(':')}` + (writable ? `,upperdir=${name(writable.upper)},workdir=${name(writable.work)}` : ',ro');
  const absolute = build((p) => p);
  if (Buffer.byteLength(absolute) <= MAX_MOUNT_DATA) return { options: absolute, cwd: '/' };
  const cwd = commonParent(lowers);
  const options = build((p) => {
    const rel = path.relative(cwd, p) || '.';
    return rel.length < p.length ? rel : p;
  });
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
