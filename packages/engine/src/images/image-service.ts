import type { Readable } from 'node:stream';
import type {
  ImageDeleteItem, ImageHistoryItem, ImageInspect, ImagePruneResponse, ImageSummary, OciImageConfig,
} from '@berth/sdk';
import type { ProgressMessage, RegistryClient } from '@berth/sdk';
import type { Logger } from 'pino';
import { EngineError, isEngineError } from '../errors.js';
import {
  LIST_FILTER_KEYS, PRUNE_FILTER_KEYS, matchCreated, matchLabels, matchReference, parseImageFilters,
} from './image-filters.js';
import { ImageIndex, type Image } from './image-index.js';
import { importedConfig, layerDescriptor, planImport, type ImportOptions } from './image-import.js';
import type { BlobRole, ImageEvent, ImageRecordsRole, ImageUser, LayerRole } from './image-ports.js';
import { planRemoval } from './image-remove.js';
import { ImageStorage, type CommitOptions } from './image-storage.js';
import { imageHistory, imageInspect, imageSummary, type ViewOptions } from './image-view.js';
import { loadImages, planSave, saveImages, type LoadedImage, type TransferDeps } from './image-transfer.js';
import { ingestLayer } from './layer-ingest.js';
import { pullImage } from './image-pull.js';
import { pushImage } from './image-push.js';
import type { RegistryTarget } from './registry-access.js';
import type { Descriptor } from './oci-documents.js';
import { familiarString, parseRepoTag } from './reference.js';

export type { Image } from './image-index.js';
export type { ImportOptions } from './image-import.js';
export type { LoadedImage } from './image-transfer.js';

export interface ImageServiceDeps {
  blobs: BlobRole;
  layers: LayerRole;
  store: ImageRecordsRole;
  /** Containers whose image is `imageId` (running or not). */
  containersUsing: (imageId: string) => ImageUser[];
  logger: Logger;
  /** Receives image events for the event bus. */
  events?: (event: ImageEvent) => void;
  /** gzip level of layer blobs written on import. */
  gzipLevel?: number;
  /** A folder on the data root's filesystem for staging image archives (`docker load`). */
  scratchDir: string;
}

export interface ListOptions extends ViewOptions {
  all?: boolean;
  filters?: Map<string, string[]>;
  /** Compute `SharedSize` and `Containers` (as `docker system df` shows them). */
  usage?: boolean;
}

/**
 * Names → manifests → configs. Images and tags live in memory (loaded by `init`) and are
 * written through to the engine database; content lives in the blob and layer stores.
 */
export class ImageService {
  private readonly index = new ImageIndex();
  private readonly storage: ImageStorage;
  /** Blob downloads in progress, shared by concurrent pulls. */
  private readonly downloads = new Map<string, Promise<void>>();

  constructor(private readonly deps: ImageServiceDeps) {
    this.storage = new ImageStorage(deps, this.index);
  }

  async init(): Promise<void> {
    await this.storage.load();
  }

  /** By `name[:tag]`, `name@digest`, full ID (with or without `sha256:`) or unique ID prefix. */
  resolve(ref: string): Image {
    return this.index.resolve(ref);
  }

  /** Unpacked layer directories for an overlay mount, top-most first. */
  lowerDirs(image: Image): string[] {
    return image.chainIds.map((id) => this.deps.layers.diffDir(id)).reverse();
  }

  list(opts: ListOptions = {}): ImageSummary[] {
    const spec = parseImageFilters(opts.filters ?? new Map(), LIST_FILTER_KEYS, (ref) => this.index.resolve(ref).created);
    const out: { image: Image; summary: ImageSummary }[] = [];
    for (const image of this.index.images.values()) {
      if (!matchCreated(spec, image.created) || !matchLabels(spec, image.config.config?.Labels)) continue;
      const keep = (ref: string): boolean => spec.references.length === 0 || spec.references.some((p) => matchReference(p, ref));
      const repoTags = this.index.repoTags(image.id).filter(keep);
      const repoDigests = this.index.repoDigests(image.id).filter(keep);
      if (repoTags.length === 0 && repoDigests.length === 0) {
        if (spec.dangling === false || spec.references.length > 0) continue;
      } else if (spec.dangling === true && repoTags.length > 0) continue;
      const usage = opts.usage
        ? { sharedSize: this.storage.sharedSize(image), containers: this.deps.containersUsing(image.id).length }
        : {};
      out.push({ image, summary: imageSummary(this.index, image, { ...opts, ...usage, repoTags, repoDigests }) });
    }
    return out.sort((a, b) => b.image.created.getTime() - a.image.created.getTime()).map((e) => e.summary);
  }

  /** Total size of all unpacked layers, each counted once (`docker system df`). */
  layersSize(): number {
    return this.storage.layersSize();
  }

  inspect(ref: string, opts: ViewOptions = {}): ImageInspect {
    const image = this.index.resolve(ref);
    return imageInspect(this.index, image, this.lowerDirs(image), opts);
  }

  history(ref: string): ImageHistoryItem[] {
    return imageHistory(this.index, this.index.resolve(ref), this.storage.layerSizes);
  }

  /** `docker tag`: points `repo[:tag]` at the image (moving it from another image if needed). */
  async tag(ref: string, repo: string, tag?: string): Promise<void> {
    if (!repo) throw new EngineError('INVALID_ARGUMENT', 'repository name must have at least one component');
    const target = parseRepoTag(repo, tag);
    const key = familiarString(target);
    if (key.split(':')[0] === 'sha256') {
      throw new EngineError('INVALID_ARGUMENT', 'refusing to create an ambiguous tag using digest algorithm as name');
    }
    await this.storage.serial(async () => {
      const image = this.index.resolve(ref);
      await this.storage.setTag(key, image.id);
    });
  }

  /** `docker rmi`: untags, and deletes the image with its unshared layers and blobs when nothing else refers to it. */
  async remove(ref: string, opts: { force?: boolean; noprune?: boolean } = {}): Promise<ImageDeleteItem[]> {
    return this.storage.serial(() => this.removeLocked(ref, opts.force ?? false));
  }

  private async removeLocked(ref: string, force: boolean): Promise<ImageDeleteItem[]> {
    const image = this.index.resolve(ref);
    const users = this.deps.containersUsing(image.id);
    const plan = planRemoval(this.index, ref, force, users);
    const records: ImageDeleteItem[] = [];
    for (const reference of plan.untag) {
      await this.storage.dropTag(reference);
      records.push({ Untagged: reference });
    }
    if (!plan.deleteImage) return records;
    await this.storage.dropImage(image);
    records.push({ Deleted: image.id });
    for (const chainId of await this.storage.collect(image)) records.push({ Deleted: chainId });
    return records;
  }

  /**
   * `docker image prune`: dangling images, or every unused one with `dangling=false` (`-a`) or
   * `all`. Images any container uses are skipped.
   */
  async prune(opts: { all?: boolean; filters?: Map<string, string[]> } = {}): Promise<ImagePruneResponse> {
    const spec = parseImageFilters(opts.filters ?? new Map(), PRUNE_FILTER_KEYS, () => new Date(0));
    const danglingOnly = opts.all ? false : (spec.dangling ?? true);
    return this.storage.serial(async () => {
      const deleted: ImageDeleteItem[] = [];
      let reclaimed = 0;
      const sizes = new Map(this.storage.layerSizes);
      for (const image of [...this.index.images.values()]) {
        if (!this.index.images.has(image.id)) continue;
        if (!matchCreated(spec, image.created) || !matchLabels(spec, image.config.config?.Labels)) continue;
        if (this.deps.containersUsing(image.id).length > 0) continue;
        const refs = this.index.referencesOf(image.id);
        let targets: string[];
        if (refs.length === 0) targets = [image.id];
        else if (!danglingOnly || this.index.repoTags(image.id).length === 0) targets = refs;
        else continue;
        for (const target of targets) {
          try {
            const records = await this.removeLocked(target, false);
            deleted.push(...records);
          } catch (err) {
            if (!isEngineError(err, 'CONFLICT') && !isEngineError(err, 'NOT_FOUND')) throw err;
          }
        }
      }
      for (const record of deleted) reclaimed += record.Deleted ? (sizes.get(record.Deleted) ?? 0) : 0;
      return { ImagesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
    });
  }

  /**
   * `docker import`: the archive (plain or gzip tar) becomes a one-layer image. Options are
   * checked before the archive is read; on failure nothing of the import is left behind.
   */
  async importImage(source: Readable | AsyncIterable<Uint8Array>, opts: ImportOptions = {}): Promise<Image> {
    const plan = planImport(opts);
    const layer = await ingestLayer(source, this.deps.blobs, this.deps.layers, {
      ...(this.deps.gzipLevel !== undefined ? { gzipLevel: this.deps.gzipLevel } : {}),
      discard: (partial) => this.storage.discard({ blobs: partial.blob ? [partial.blob] : [], layers: partial.layer ? [partial.layer] : [] }),
    });
    const config = importedConfig(plan, layer);
    return this.createImage(config, [layerDescriptor(layer)], {
      tags: plan.target ? [plan.target] : [],
      action: 'import',
      owned: { blobs: [layer.blob.digest], layers: [layer.layer.chainId] },
    });
  }

  /**
   * `docker save`: the archive of the named images (see planSave for which tags go in),
   * streamed. Names are resolved first, so a missing image is NOT_FOUND before any byte.
   */
  save(names: string[]): Readable {
    if (names.length === 0) throw new EngineError('INVALID_ARGUMENT', 'name at least one image to save');
    const items = planSave(this.index, names);
    for (const { image } of items) this.deps.events?.({ action: 'save', id: image.id });
    return saveImages(this.transferDeps(), items);
  }

  /** `docker load`: every image of the archive, tagged as the archive says. */
  load(source: Readable | AsyncIterable<Uint8Array>): Promise<LoadedImage[]> {
    return loadImages(this.transferDeps(), source);
  }

  /** `docker pull`: Docker's progress messages while the image comes in (see image-pull.ts). */
  pull(client: RegistryClient, target: RegistryTarget, signal: AbortSignal): AsyncGenerator<ProgressMessage> {
    return pullImage(
      {
        blobs: this.deps.blobs,
        layers: this.deps.layers,
        downloads: this.downloads,
        commit: (config, layerBlobs, opts) => this.storage.commit(config, layerBlobs, opts),
        discard: (content) => this.storage.discard(content),
        pin: (ids) => this.storage.pin(ids),
        hasImage: (id) => this.index.images.has(id),
      },
      client,
      target,
      signal,
    );
  }

  /**
   * The local images a `docker push` of `target` sends: its tag, or with no tag (`--all-tags`)
   * every tag of the repository. NOT_FOUND in Docker's words when there is none.
   */
  pushTargets(target: RegistryTarget, allTags: boolean): { target: RegistryTarget; image: Image }[] {
    if (!allTags) {
      const image = this.index.find(target.local);
      if (!image) throw new EngineError('NOT_FOUND', `An image does not exist locally with the tag: ${target.localRepository}`);
      return [{ target, image }];
    }
    const prefix = `${target.localRepository}:`;
    const tags = [...this.index.tags.keys()].filter((key) => key.startsWith(prefix)).sort();
    if (tags.length === 0) throw new EngineError('NOT_FOUND', `An image does not exist locally with the tag: ${target.localRepository}`);
    return tags.map((local) => {
      const tag = local.slice(prefix.length);
      return { target: { ...target, local, remote: { ...target.remote, tag, digest: undefined } }, image: this.index.resolve(local) };
    });
  }

  /** `docker push` of one tag (see image-push.ts). */
  async *push(client: RegistryClient, target: RegistryTarget, image: Image, signal: AbortSignal): AsyncGenerator<ProgressMessage> {
    yield* pushImage(
      { blobs: this.deps.blobs, setTag: (reference, imageId) => this.storage.serial(() => this.storage.setTag(reference, imageId)) },
      client,
      target,
      image,
      signal,
    );
    this.deps.events?.({ action: 'push', id: target.local, name: target.localRepository });
  }

  private transferDeps(): TransferDeps {
    return {
      blobs: this.deps.blobs,
      layers: this.deps.layers,
      index: this.index,
      scratchDir: this.deps.scratchDir,
      ...(this.deps.gzipLevel !== undefined && { gzipLevel: this.deps.gzipLevel }),
      commit: (config, layerBlobs, opts) => this.storage.commit(config, layerBlobs, opts),
      discard: (content) => this.storage.discard(content),
    };
  }

  /**
   * Records an image whose layers are already unpacked and whose layer blobs are stored
   * (import, build, pull): writes the config and manifest blobs, then the record, then tags.
   */
  async createImage(
    config: OciImageConfig,
    layerBlobs: Descriptor[],
    opts: Partial<CommitOptions> = {},
  ): Promise<Image> {
    return this.storage.commit(config, layerBlobs, { tags: [], action: undefined, owned: { blobs: [], layers: [] }, ...opts });
  }
}
