import { constants } from 'node:fs';
import { lstat, open, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { BlobRole, LayerRole, UnpackedLayerView } from '../images/image-ports.js';
import { ingestLayer } from '../images/layer-ingest.js';
import { MEDIA_TYPE_LAYER_GZIP, type Descriptor } from '../images/oci-documents.js';
import { packTree } from '../snapshots/tree-tar.js';
import type { BlockCompressor } from '../images/parallel-gzip.js';
import { type LayerBlob, storeLayerBlob } from './layer-blob.js';
import { OpaqueReader } from './opaque-reader.js';

/** A layer a build step made: stored once as a gzip blob and unpacked in the layer store. */
export interface StepLayer {
  diffId: string;
  chainId: string;
  descriptor: Descriptor;
}

/** A layer store that can take a finished upper dir as a layer's files without copying them (`LayerStore.adopt`). */
export interface LayerAdoption {
  adopt(tree: string, describe: (diff: string) => Promise<{ diffId: string; size: number }>): Promise<UnpackedLayerView>;
}

export interface DiffDeps {
  blobs: BlobRole;
  layers: LayerRole & Partial<LayerAdoption>;
  gzipLevel?: number;
  /** Where a built layer's gzip blocks are compressed (the daemon's `GzipPool`); libuv's thread pool without it. */
  compress?: BlockCompressor;
  /** Times later than this are archived as this time (SOURCE_DATE_EPOCH). */
  clampMtime?: Date;
}

const opaqueReader = new OpaqueReader();

/** Archive names (no trailing `/`) of the opaque directories in an overlayfs upper dir. */
export function opaqueDirs(upper: string): Promise<Set<string>> {
  return opaqueReader.read(upper);
}

/**
 * Files the runtime made in a container's upper dir as mount points (`/etc/hosts` and friends, `/dev`, `/proc`,
 * `/sys`): removed from the diff when they are empty and no lower layer has them, as Docker's init layer keeps
 * them out of commits.
 */
const MOUNT_POINTS = ['etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'dev', 'proc', 'sys'];

export async function dropMountPoints(upper: string, lowerDirs: string[]): Promise<void> {
  for (const rel of MOUNT_POINTS) {
    const where = path.join(upper, rel);
    const info = await lstat(where).catch(() => null);
    if (!info) continue;
    if (await existsBelow(lowerDirs, rel)) continue;
    if (info.isFile() && info.size === 0) await unlink(where);
    else if (info.isDirectory()) await rmdir(where).catch(() => undefined);
  }
}

/** True when `rel` exists in the stack of layers (top-most first), a whiteout above it hiding it. */
export async function existsBelow(lowerDirs: string[], rel: string): Promise<boolean> {
  for (const dir of lowerDirs) {
    const info = await lstat(path.join(dir, rel)).catch(() => null);
    if (info) return !(info.isCharacterDevice() && info.rdev === 0);
  }
  return false;
}

/**
 * The overlayfs upper dir `upper` as an OCI layer (whiteouts for deletions) on top of `parent`. With `movable`
 * (nothing mounts or reads `upper` any more) the directory itself becomes the layer's files, as containerd's
 * overlay snapshotter commits, and only the blob is written; otherwise, and for SOURCE_DATE_EPOCH builds
 * (whose layer files must carry the clamped times of the tar), the tar is unpacked into a new layer.
 */
export async function commitUpper(deps: DiffDeps, upper: string, parent: string | null, opts: { movable?: boolean } = {}): Promise<StepLayer> {
  if (opts.movable && deps.layers.adopt && !deps.clampMtime) {
    const adopted = await adoptUpper(deps as DiffDeps & { layers: LayerAdoption }, upper, parent);
    if (adopted) return adopted;
  }
  const opaque = await opaqueDirs(upper);
  const root = await open(upper, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  const tar = packTree(root, { overlay: { opaque }, ...(deps.clampMtime ? { clampMtime: deps.clampMtime } : {}) });
  const layer = await ingestLayer(tar, deps.blobs, deps.layers, {
    parent,
    ...(deps.gzipLevel !== undefined ? { gzipLevel: deps.gzipLevel } : {}),
    // Whatever was committed before a failure is swept with the other unreferenced content at the next start.
    discard: async () => undefined,
  });
  return {
    diffId: layer.diffId,
    chainId: layer.layer.chainId,
    descriptor: { mediaType: MEDIA_TYPE_LAYER_GZIP, digest: layer.blob.digest, size: layer.blob.size },
  };
}

/** The upper dir moved into the layer store as a layer; null when it cannot be moved there (another filesystem). */
async function adoptUpper(deps: DiffDeps & { layers: LayerAdoption }, upper: string, parent: string | null): Promise<StepLayer | null> {
  let blob: LayerBlob | undefined;
  let unpacked: UnpackedLayerView;
  try {
    unpacked = await deps.layers.adopt(upper, async (diff) => {
      const opaque = await opaqueDirs(diff);
      const root = await open(diff, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      let size = 0;
      const tar = packTree(root, { overlay: { opaque }, onFile: (n) => (size += n) });
      blob = await storeLayerBlob(tar, deps.blobs, {
        ...(deps.gzipLevel !== undefined ? { gzipLevel: deps.gzipLevel } : {}),
        ...(deps.compress ? { compress: deps.compress } : {}),
      });
      return { diffId: blob.diffId, size };
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EXDEV') return null;
    throw err;
  }
  const layer = await deps.layers.commit(unpacked, parent);
  return {
    diffId: layer.diffId,
    chainId: layer.chainId,
    descriptor: { mediaType: MEDIA_TYPE_LAYER_GZIP, digest: blob!.blob.digest, size: blob!.blob.size },
  };
}
