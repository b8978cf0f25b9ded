import type { OciImageConfig } from '@berth/sdk';
import type { Logger } from 'pino';
import { EngineError, isEngineError } from '../errors.js';
import type { Image, ImageIndex } from './image-index.js';
import type { BlobRole, ImageEvent, ImageRecord, ImageRecordsRole, LayerRole } from './image-ports.js';
import {
  MEDIA_TYPE_CONFIG, buildManifest, canonicalBytes, chainIdsOf, parseConfig, parseManifest, sha256, type Descriptor,
} from './oci-documents.js';

export interface CommitOptions {
  tags: string[];
  action: ImageEvent['action'] | undefined;
  /** Content the operation wrote itself: pinned while committing, discarded on failure. */
  owned: { blobs: string[]; layers: string[] };
  /** The config's exact bytes (a pulled or loaded image keeps its ID); default: `config` serialised. */
  configText?: string;
  /** The manifest's exact bytes (a pulled image keeps its digest); default: an OCI manifest made here. */
  manifest?: Buffer;
}

interface StorageDeps {
  blobs: BlobRole;
  layers: LayerRole;
  store: ImageRecordsRole;
  logger: Logger;
  events?: (event: ImageEvent) => void;
}

/**
 * The write side of the image service: records written through to the database, content
 * collected when no image refers to it, and one lock so mutations never interleave.
 * Content an operation is still writing or relying on is pinned so a concurrent removal or
 * another operation's failure leaves it alone; it goes when the last pin does, if no image took it.
 */
export class ImageStorage {
  /** Unpacked size of every layer an image uses, by chain ID. */
  readonly layerSizes = new Map<string, number>();
  private readonly pins = new Map<string, number>();
  /** Pinned content that was to be removed: removed when its last pin goes, unless an image uses it by then. */
  private readonly orphans = { blobs: new Set<string>(), layers: new Set<string>() };
  private tail: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly deps: StorageDeps, private readonly index: ImageIndex) {
    this.log = deps.logger;
  }

  /** Runs `fn` after every mutation queued before it. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  async load(): Promise<void> {
    const [rows, tags] = await Promise.all([this.deps.store.images.all(), this.deps.store.tags.all()]);
    for (const row of rows) {
      try {
        this.index.images.set(row.id, await this.imageFromRecord(row));
      } catch (err) {
        this.log.error({ err, imageId: row.id }, 'image record cannot be loaded; ignoring it');
      }
    }
    for (const tag of tags) {
      if (this.index.images.has(tag.imageId)) this.index.tags.set(tag.reference, { imageId: tag.imageId, updated: tag.updated });
      else {
        this.log.warn({ reference: tag.reference, imageId: tag.imageId }, 'tag points to a missing image; removing it');
        await this.deps.store.tags.delete(tag.reference).catch(ignoreNotFound);
      }
    }
    await this.sweep();
    this.log.info({ images: this.index.images.size, tags: this.index.tags.size }, 'images loaded');
  }

  /**
   * Removes blobs and layers no image refers to: what an import or removal interrupted by a
   * crash left behind (records are written last, so such content was never visible).
   */
  private async sweep(): Promise<void> {
    const blobs = new Set<string>();
    const layers = new Set<string>();
    for (const image of this.index.images.values()) {
      blobs.add(image.id);
      if (image.manifestDigest) blobs.add(image.manifestDigest);
      for (const layer of image.layerBlobs) blobs.add(layer.digest);
      for (const chainId of image.chainIds) layers.add(chainId);
    }
    const orphanBlobs = (await this.deps.blobs.list()).filter((d) => !blobs.has(d));
    const orphanLayers = (await this.deps.layers.list()).map((l) => l.chainId).filter((c) => !layers.has(c));
    if (orphanBlobs.length + orphanLayers.length === 0) return;
    this.log.info({ blobs: orphanBlobs.length, layers: orphanLayers.length }, 'removing content no image refers to');
    await this.removeContent(orphanBlobs, orphanLayers);
  }

  private async imageFromRecord(row: ImageRecord): Promise<Image> {
    const config = parseConfig(row.config, row.id);
    if (sha256(row.config) !== row.id) throw new EngineError('INTERNAL', `image ${row.id}: config text does not match its ID`);
    let layerBlobs: Descriptor[] = [];
    if (row.manifestDigest) {
      try {
        layerBlobs = parseManifest((await this.deps.blobs.readBytes(row.manifestDigest)).toString('utf8'), row.manifestDigest).layers;
      } catch (err) {
        this.log.warn({ err, imageId: row.id }, 'image manifest cannot be read; its layer blobs are unknown');
      }
    }
    const chainIds = chainIdsOf(config.rootfs.diff_ids);
    for (const chainId of chainIds) {
      const info = await this.deps.layers.get(chainId);
      if (info) this.layerSizes.set(chainId, info.size);
      else this.log.warn({ imageId: row.id, chainId }, 'image layer is missing');
    }
    return { id: row.id, config, configText: row.config, manifestDigest: row.manifestDigest, layerBlobs, chainIds, size: row.size, created: createdOf(config, row.created) };
  }

  async setTag(reference: string, imageId: string): Promise<void> {
    const updated = new Date();
    // A tag that already names the image is not written again (a rebuild from the cache re-tags its result).
    if (this.index.tags.get(reference)?.imageId !== imageId) await this.deps.store.tags.upsert({ reference, imageId, updated });
    this.index.tags.set(reference, { imageId, updated });
    this.deps.events?.({ action: 'tag', id: imageId, name: reference });
  }

  async dropTag(reference: string): Promise<void> {
    const entry = this.index.tags.get(reference);
    await this.deps.store.tags.delete(reference).catch(ignoreNotFound);
    this.index.tags.delete(reference);
    if (entry) this.deps.events?.({ action: 'untag', id: entry.imageId, name: reference });
  }

  async dropImage(image: Image): Promise<void> {
    await this.deps.store.images.delete(image.id).catch(ignoreNotFound);
    this.index.images.delete(image.id);
    this.deps.events?.({ action: 'delete', id: image.id });
  }

  /** Removes the image's layers and blobs no other image uses; returns removed chain IDs, top-most first. */
  async collect(image: Image): Promise<string[]> {
    const layers = [...image.chainIds].reverse().filter((id) => !this.index.layerInUse(id) && this.unpinned(id, this.orphans.layers));
    const blobs = [image.id, image.manifestDigest, ...image.layerBlobs.map((d) => d.digest)]
      .filter((d): d is string => d !== null && !this.index.blobInUse(d) && this.unpinned(d, this.orphans.blobs));
    const removed = await this.removeContent([...new Set(blobs)], layers);
    for (const id of removed) this.layerSizes.delete(id);
    return removed;
  }

  /** Drops content a failed operation stored, unless an image uses it; what another operation pins goes with its last pin. */
  async discard(content: { blobs: string[]; layers: string[] }): Promise<void> {
    await this.serial(() =>
      this.removeContent(
        content.blobs.filter((d) => !this.index.blobInUse(d) && this.unpinned(d, this.orphans.blobs)),
        content.layers.filter((id) => !this.index.layerInUse(id) && this.unpinned(id, this.orphans.layers)),
      ),
    );
  }

  /**
   * Keeps blobs and layers (digests, chain IDs) from removal until the returned function is
   * called; then whatever was to be removed meanwhile is, unless an image uses it by then.
   */
  pin(ids: string[]): () => Promise<void> {
    for (const id of ids) this.pins.set(id, (this.pins.get(id) ?? 0) + 1);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      const freed: string[] = [];
      for (const id of ids) {
        const n = this.pins.get(id) ?? 1;
        if (n > 1) this.pins.set(id, n - 1);
        else if (this.pins.delete(id)) freed.push(id);
      }
      const blobs = freed.filter((id) => this.orphans.blobs.delete(id));
      const layers = freed.filter((id) => this.orphans.layers.delete(id));
      if (blobs.length + layers.length > 0) await this.discard({ blobs, layers });
    };
  }

  /** True when nothing pins `id`; pinned, it is noted in `orphans` for its last pin to remove. */
  private unpinned(id: string, orphans: Set<string>): boolean {
    if (!this.pins.has(id)) return true;
    orphans.add(id);
    return false;
  }

  private async removeContent(blobs: string[], layers: string[]): Promise<string[]> {
    const removed: string[] = [];
    for (const chainId of layers) {
      try {
        await this.deps.layers.remove(chainId);
        removed.push(chainId);
      } catch (err) {
        if (isEngineError(err, 'NOT_FOUND')) removed.push(chainId);
        else this.log.warn({ err, chainId }, 'layer could not be removed');
      }
    }
    for (const digest of blobs) {
      await this.deps.blobs.delete(digest).catch((err: unknown) => {
        if (!isEngineError(err, 'NOT_FOUND')) this.log.warn({ err, digest }, 'blob could not be removed');
      });
    }
    return removed;
  }

  /**
   * Writes config and manifest blobs, checks every layer and blob is committed, then writes
   * the image record and its tags. `owned` content is pinned meanwhile and discarded on failure.
   */
  async commit(config: OciImageConfig, layerBlobs: Descriptor[], opts: CommitOptions): Promise<Image> {
    const { tags, action, owned } = opts;
    const chainIds = chainIdsOf(config.rootfs.diff_ids);
    const release = this.pin([...owned.blobs, ...owned.layers, ...chainIds, ...layerBlobs.map((d) => d.digest)]);
    const written: string[] = [];
    try {
      if (layerBlobs.length !== chainIds.length) {
        throw new EngineError('INVALID_ARGUMENT', `image has ${chainIds.length} layers in its config but ${layerBlobs.length} layer blobs`);
      }
      const configText = opts.configText ?? canonicalBytes(config).toString('utf8');
      const configBlob = await this.deps.blobs.putBytes(Buffer.from(configText));
      written.push(configBlob.digest);
      const manifestBytes = opts.manifest ?? canonicalBytes(buildManifest({ mediaType: MEDIA_TYPE_CONFIG, ...configBlob }, layerBlobs));
      const manifestBlob = await this.deps.blobs.putBytes(manifestBytes);
      written.push(manifestBlob.digest);
      let size = 0;
      for (const chainId of chainIds) {
        const info = await this.deps.layers.get(chainId);
        if (!info) throw new EngineError('FAILED_PRECONDITION', `layer ${chainId} is not in the layer store`);
        this.layerSizes.set(chainId, info.size);
        size += info.size;
      }
      for (const d of layerBlobs) {
        if (!(await this.deps.blobs.has(d.digest))) throw new EngineError('FAILED_PRECONDITION', `layer blob ${d.digest} is not in the content store`);
      }
      const image: Image = {
        id: configBlob.digest, config, configText, manifestDigest: manifestBlob.digest, layerBlobs, chainIds, size, created: createdOf(config, new Date()),
      };
      await this.serial(async () => {
        await this.deps.store.images.upsert({ id: image.id, config: configText, manifestDigest: image.manifestDigest, size, created: new Date() });
        this.index.images.set(image.id, image);
        if (action && action !== 'pull') this.deps.events?.({ action, id: image.id });
        for (const tag of tags) await this.setTag(tag, image.id);
        // dockerd reports a pull by the reference pulled, once it is tagged.
        if (action === 'pull') this.deps.events?.({ action, id: tags[0] ?? image.id, name: repositoryOf(tags[0] ?? image.id) });
      });
      return image;
    } catch (err) {
      await release();
      await this.discard({ blobs: [...owned.blobs, ...written], layers: owned.layers });
      throw err;
    } finally {
      await release();
    }
  }

  /** Bytes of the image's layers that other images share. */
  sharedSize(image: Image): number {
    return image.chainIds.filter((id) => this.index.layerInUse(id, image.id)).reduce((sum, id) => sum + (this.layerSizes.get(id) ?? 0), 0);
  }

  layersSize(): number {
    const used = new Set<string>();
    for (const image of this.index.images.values()) for (const id of image.chainIds) used.add(id);
    return [...used].reduce((sum, id) => sum + (this.layerSizes.get(id) ?? 0), 0);
  }
}

function ignoreNotFound(err: unknown): void {
  if (!isEngineError(err, 'NOT_FOUND')) throw err;
}

function createdOf(config: OciImageConfig, fallback: Date): Date {
  const t = config.created ? Date.parse(config.created) : NaN;
  return Number.isNaN(t) ? fallback : new Date(t);
}

/** `registry:5000/team/app:v1` → `registry:5000/team/app` (the tag or digest dropped). */
function repositoryOf(reference: string): string {
  const at = reference.indexOf('@');
  if (at !== -1) return reference.slice(0, at);
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? reference.slice(0, colon) : reference;
}
