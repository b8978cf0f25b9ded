import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { packTree } from '../snapshots/tree-tar.js';
import type { ContainerRecord } from './container-record.js';

/** What `docker export` needs: the container, its directory and image layers, and a way to view its root. */
export interface ExportDeps {
  /** The container by id, name or id prefix; NOT_FOUND `No such container` otherwise. */
  find(ref: string): ContainerRecord;
  /** The container's own directory (holds `upper/` and `merged/`). */
  dir(id: string): string;
  /** The image's unpacked layer directories, top-most first. */
  lowerDirs(imageId: string): string[];
  /** Opens a read-only view of the root filesystem (`upper/` over the layers) as a directory handle. */
  openRootfs(lowerDirs: string[], dir: string): Promise<FileHandle>;
}

/**
 * `docker export`: the container's whole filesystem, image layers and its own changes merged (files it
 * deleted are absent), as a plain tar stream. Works whether the container runs or not; volumes and
 * the mounts the runtime adds (/proc, /sys, /dev) are not part of it. The view is released when the
 * stream ends or is destroyed.
 */
export async function exportContainer(deps: ExportDeps, ref: string): Promise<Readable> {
  const record = deps.find(ref);
  const root = await deps.openRootfs(deps.lowerDirs(record.imageId), deps.dir(record.id));
  return packTree(root);
}
