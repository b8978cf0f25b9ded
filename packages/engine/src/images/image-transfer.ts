import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { EngineError } from '../errors.js';
import { stageArchive } from './archive-staging.js';
import type { Image, ImageIndex } from './image-index.js';
import { planLoad, type LoadPlan } from './image-load.js';
import type { BlobRole, LayerRole } from './image-ports.js';
import { saveArchive, type SaveItem } from './image-save.js';
import type { CommitOptions } from './image-storage.js';
import { ingestLayer } from './layer-ingest.js';
import type { Descriptor } from './oci-documents.js';
import { MEDIA_TYPE_LAYER_GZIP } from './oci-documents.js';
import { familiarString, parseReference, withDefaultTag } from './reference.js';

export interface TransferDeps {
  blobs: BlobRole & { open(digest: string): Readable };
  layers: LayerRole;
  index: ImageIndex;
  /** A folder on the data root's filesystem for staging archives. */
  scratchDir: string;
  gzipLevel?: number;
  commit(config: LoadPlan['config'], layerBlobs: Descriptor[], opts: CommitOptions): Promise<Image>;
  discard(content: { blobs: string[]; layers: string[] }): Promise<void>;
}

/** A loaded image and the references it was tagged with. */
export interface LoadedImage {
  image: Image;
  tags: string[];
}

/**
 * What `docker save NAME…` writes for each name: every tag of a repository given without a
 * tag, the one tag given, or the image alone (untagged) when named by ID. NOT_FOUND first,
 * before any byte is sent.
 */
export function planSave(index: ImageIndex, names: string[]): SaveItem[] {
  const items = new Map<string, SaveItem>();
  const add = (image: Image, tag?: string): void => {
    const item = items.get(image.id) ?? { image, tags: [] };
    if (tag !== undefined && !item.tags.includes(tag)) item.tags.push(tag);
    items.set(image.id, item);
  };
  for (const name of names) {
    const repoTags = repositoryTags(index, name);
    if (repoTags.length > 0) {
      for (const tag of repoTags) add(index.resolve(tag), tag);
      continue;
    }
    const image = index.resolve(name);
    if (index.isIdReference(name, image.id)) {
      add(image);
      continue;
    }
    const ref = parseReference(name);
    add(image, ref.digest === undefined ? familiarString(withDefaultTag(ref)) : undefined);
  }
  return [...items.values()];
}

/** Every tag of repository `name` when it is a repository name without tag or digest. */
function repositoryTags(index: ImageIndex, name: string): string[] {
  let ref: ReturnType<typeof parseReference>;
  try {
    ref = parseReference(name);
  } catch {
    return [];
  }
  if (ref.tag !== undefined || ref.digest !== undefined) return [];
  const repo = familiarString(ref);
  return [...index.tags.keys()].filter((key) => key.startsWith(`${repo}:`)).sort();
}

export function saveImages(deps: TransferDeps, items: SaveItem[]): Readable {
  return saveArchive(items, {
    manifestBytes: async (image) => {
      if (!image.manifestDigest) throw new EngineError('INTERNAL', `image ${image.id} has no stored manifest`);
      return deps.blobs.readBytes(image.manifestDigest);
    },
    open: (digest) => deps.blobs.open(digest),
  });
}

/**
 * `docker load`: stages the archive, then takes in each image: layers unpacked and stored in
 * order (a layer whose content does not match its config's diff ID fails the image), then the
 * config with its exact bytes, so the image keeps its ID. Images before a failing one stay.
 */
export async function loadImages(deps: TransferDeps, source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream): Promise<LoadedImage[]> {
  const archive = await stageArchive(source, deps.scratchDir);
  try {
    const plans = await planLoad(archive);
    const loaded: LoadedImage[] = [];
    for (const plan of plans) loaded.push({ image: await loadOne(deps, plan, (name) => archive.file(name)), tags: plan.tags });
    return loaded;
  } finally {
    await archive.close();
  }
}

async function loadOne(deps: TransferDeps, plan: LoadPlan, fileOf: (name: string) => string): Promise<Image> {
  const owned = { blobs: [] as string[], layers: [] as string[] };
  const layerBlobs: Descriptor[] = [];
  let parent: string | null = null;
  try {
    for (const [i, name] of plan.layers.entries()) {
      const layer = await ingestLayer(createReadStream(fileOf(name)), deps.blobs, deps.layers, {
        parent,
        ...(deps.gzipLevel !== undefined && { gzipLevel: deps.gzipLevel }),
        discard: async (partial) => {
          if (partial.blob) owned.blobs.push(partial.blob);
          if (partial.layer) owned.layers.push(partial.layer);
        },
      });
      owned.blobs.push(layer.blob.digest);
      owned.layers.push(layer.layer.chainId);
      const expected = plan.config.rootfs.diff_ids[i];
      if (layer.diffId !== expected) {
        throw new EngineError('INVALID_ARGUMENT', `layer ${i + 1} (${name}) of the archive has diff ID ${layer.diffId}, but the image config says ${expected}: the archive is corrupt`);
      }
      layerBlobs.push({ mediaType: MEDIA_TYPE_LAYER_GZIP, digest: layer.blob.digest, size: layer.blob.size });
      parent = layer.layer.chainId;
    }
  } catch (err) {
    await deps.discard(owned);
    throw err;
  }
  return deps.commit(plan.config, layerBlobs, { tags: plan.tags, action: 'load', owned, configText: plan.configText });
}
