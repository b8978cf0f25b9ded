import { constants } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RootfsView } from '../snapshots/rootfs.js';
import { type ContainerRecord, isActive } from './container-record.js';

/** How to reach a container's root filesystem. */
export interface ContainerRootDeps {
  /** The container's own directory (holds `upper/` and `merged/`). */
  dir(id: string): string;
  /** The image's unpacked layer directories, top-most first. */
  lowerDirs(imageId: string): string[];
  /** Opens a read-only view of `upper/` over the layers as a directory handle (see rootfs.ts). */
  openRootfs(lowerDirs: string[], dir: string): Promise<FileHandle>;
  /** Opens a writable view of `upper/` over the layers (see rootfs.ts). */
  openWritable(lowerDirs: string[], dir: string): Promise<RootfsView>;
}

/**
 * Opens a container's root filesystem as the container sees it. A running (or paused) container is reached
 * through `/proc/<pid>/root`, so its volumes, binds and tmpfs mounts are part of it; the handle is checked to
 * be the container's own root (a pid may have been reused). Otherwise, and when that fails, it is a private
 * view of its layers (see rootfs.ts): volumes are not part of a stopped container's view.
 */
export async function openContainerRoot(deps: ContainerRootDeps, record: ContainerRecord, writable: boolean): Promise<RootfsView> {
  const dir = deps.dir(record.id);
  if (isActive(record) && record.state.pid > 0) {
    const live = await openProcessRoot(record.state.pid, path.join(dir, 'merged'));
    if (live) return live;
  }
  const lowerDirs = deps.lowerDirs(record.imageId);
  if (writable) return deps.openWritable(lowerDirs, dir);
  const root = await deps.openRootfs(lowerDirs, dir);
  return { root, release: () => root.close() };
}

/** `/proc/<pid>/root` open, when it is the filesystem mounted at `merged` (same device and inode); null otherwise. */
async function openProcessRoot(pid: number, merged: string): Promise<RootfsView | null> {
  const root = await open(`/proc/${pid}/root`, constants.O_RDONLY | constants.O_DIRECTORY).catch(() => null);
  if (root === null) return null;
  const [mine, expected] = await Promise.all([root.stat(), stat(merged).catch(() => null)]);
  if (expected !== null && mine.dev === expected.dev && mine.ino === expected.ino) return { root, release: () => root.close() };
  await root.close();
  return null;
}
