import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { digestHex, isDigest, sha256Digest } from '../content/digest.js';
import { EngineError } from '../errors.js';
import { type ExtractResult, extractLayer } from './extract.js';
import type { ExtractLimits } from './extract-limits.js';
import { FilesystemSync } from './filesystem-sync.js';
const INCOMPLETE = '.incomplete';

/** An unpacked, read-only layer as recorded in its `layer.json`. */
export interface LayerInfo {
  chainId: string;
  diffId: string;
  parent: string | null;
  /** Bytes of regular-file content in the layer. */
  size: number;
  /** ISO 8601 time the layer was unpacked. */
  created: string;
}

/** OCI chain IDs of a stack of layers, bottom first: the first is its diff ID, each next is sha256("<parent chain> <diff>"). */
export function chainIds(diffIds: string[]): string[] {
  const chain: string[] = [];
  for (const diffId of diffIds) {
    digestHex(diffId);
    const parent = chain.at(-1);
    chain.push(parent === undefined ? diffId : sha256Digest(`${parent} ${diffId}`));
  }
  return chain;
}

/** Unpacks a layer blob into a fresh directory: `extractLayer` itself, or the same run elsewhere (`UnpackPool`, in worker threads). */
export type LayerExtractor = (source: Readable, dest: string, limits?: Partial<ExtractLimits>) => Promise<ExtractResult>;

/** A layer unpacked into an incomplete directory of the store, not yet committed (see `LayerStore.unpack`). */
export interface UnpackedLayer {
  readonly dir: string;
  readonly diffId: string;
  /** Bytes of regular-file content. */
  readonly size: number;
}

/**
 * Unpacked layers keyed by chain ID, each in `<root>/<chainHex>/` with `diff/` (the files) and `layer.json`.
 * A layer is unpacked into `<random>.incomplete/` and committed by one rename, so a crash leaves only
 * incomplete directories, which `init()` sweeps. Removing a layer others use is the caller's decision.
 */
export class LayerStore {
  private readonly flush: FilesystemSync;

  constructor(
    readonly root: string,
    private readonly options: { limits?: Partial<ExtractLimits>; extract?: LayerExtractor } = {},
  ) {
    this.flush = new FilesystemSync(root);
  }

  /** Creates the root and sweeps layers a crash left half unpacked or half removed. */
  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    for (const name of await readdir(this.root)) {
      if (name.endsWith(INCOMPLETE)) await rm(path.join(this.root, name), { recursive: true, force: true });
    }
  }

  /** True when the layer is unpacked and committed. */
  async has(chainId: string): Promise<boolean> {
    return (await this.get(chainId)) !== null;
  }

  /** The layer's record, or null when it is not here. */
  async get(chainId: string): Promise<LayerInfo | null> {
    const file = path.join(this.root, digestHex(chainId), 'layer.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const info = JSON.parse(text) as LayerInfo;
    if (info.chainId !== chainId || !isDigest(info.diffId)) {
      throw new EngineError('INTERNAL', `layer record ${file} is corrupt; remove the layer and pull its image again`);
    }
    return info;
  }

  /** The directory holding the layer's files (the overlayfs lower dir). */
  diffDir(chainId: string): string {
    return path.join(this.root, digestHex(chainId), 'diff');
  }

  /**
   * Unpacks a layer blob on top of `parentChainId` (null for a base layer) and commits it under its chain ID.
   * If that layer already exists the new copy is discarded and the existing one returned. A diff ID other
   * than `expectedDiffId` fails with INVALID_ARGUMENT and leaves nothing behind. The source is always
   * consumed or destroyed.
   */
  async create(parentChainId: string | null, source: Readable, expectedDiffId?: string): Promise<LayerInfo> {
    try {
      if (expectedDiffId !== undefined) digestHex(expectedDiffId);
      if (parentChainId !== null && !(await this.has(parentChainId))) throw missingParent(parentChainId);
    } catch (err) {
      source.destroy();
      throw err;
    }
    return this.commit(await this.unpack(source), parentChainId, expectedDiffId);
  }

  /**
   * The first half of `create`: unpacks a layer blob into a fresh incomplete directory, which nobody sees
   * until `commit` (a crash leaves it to `init()`'s sweep). It needs no parent, so a layer can be unpacked
   * while it downloads, before the layers below it are there. The files are flushed to disk here (one
   * syncfs, shared with layers unpacked at the same time), while the caller may still be busy with other
   * work (the blob's own fsync, other layers), so that `commit` has only its record to make durable. The source is always consumed or destroyed;
   * on failure nothing is left behind. Each unpacked layer must be committed or abandoned.
   */
  async unpack(source: Readable): Promise<UnpackedLayer> {
    const dir = path.join(this.root, `${randomBytes(12).toString('hex')}${INCOMPLETE}`);
    try {
      await mkdir(path.join(dir, 'diff'), { recursive: true });
      const extract = this.options.extract ?? extractLayer;
      const result = await extract(source, path.join(dir, 'diff'), this.options.limits);
      await this.flush.sync();
      return { dir, diffId: result.diffId, size: result.size };
    } catch (err) {
      source.destroy();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Commits an unpacked layer on top of `parentChainId` (which must be committed) under its chain ID, after
   * checking its diff ID against `expectedDiffId`: its record is written and synced, then the directory is
   * renamed into place. Returns the existing layer when it is there already. On failure (a mismatch, say)
   * the unpacked directory is removed.
   */
  async commit(layer: UnpackedLayer, parentChainId: string | null, expectedDiffId?: string): Promise<LayerInfo> {
    const temp = layer.dir;
    try {
      if (expectedDiffId !== undefined && layer.diffId !== expectedDiffId) {
        throw new EngineError('INVALID_ARGUMENT', `layer diff ID ${layer.diffId} does not match the expected ${expectedDiffId}`);
      }
      if (parentChainId !== null && !(await this.has(parentChainId))) throw missingParent(parentChainId);
      const chainId = parentChainId === null ? layer.diffId : sha256Digest(`${parentChainId} ${layer.diffId}`);
      const info: LayerInfo = { chainId, diffId: layer.diffId, parent: parentChainId, size: layer.size, created: new Date().toISOString() };
      await writeSynced(path.join(temp, 'layer.json'), `${JSON.stringify(info, null, 2)}\n`);
      await syncDir(temp);
      if (!(await this.moveIntoPlace(temp, chainId))) {
        await rm(temp, { recursive: true, force: true });
        const existing = await this.get(chainId);
        if (!existing) throw new EngineError('INTERNAL', `layer ${chainId} vanished while being committed`);
        return existing;
      }
      return info;
    } catch (err) {
      await rm(temp, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Takes the directory `tree` as the files of a new layer without copying them: `tree` must be on the store's
   * filesystem, hold its files in overlayfs form (whiteouts as 0/0 devices, opaque xattrs), as a container's
   * upper dir does, and be left alone by everyone else from now on. It is moved into a fresh incomplete
   * directory and flushed to disk while `describe` (given its new place) works out the diff ID and size from
   * the same files. To be committed or abandoned as {@link unpack}'s result; on failure nothing is left behind.
   * Fails with the rename's error (EXDEV, say) while `tree` is still where it was.
   */
  async adopt(tree: string, describe: (diff: string) => Promise<{ diffId: string; size: number }>): Promise<UnpackedLayer> {
    const dir = path.join(this.root, `${randomBytes(12).toString('hex')}${INCOMPLETE}`);
    const diff = path.join(dir, 'diff');
    await mkdir(dir);
    try {
      await rename(tree, diff);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    try {
      const [described] = await Promise.all([describe(diff), this.flush.sync()]);
      digestHex(described.diffId);
      return { dir, diffId: described.diffId, size: described.size };
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Drops an unpacked layer that will not be committed. */
  async abandon(layer: UnpackedLayer): Promise<void> {
    await rm(layer.dir, { recursive: true, force: true });
  }

  /** Removes a layer (NOT_FOUND when absent): renamed out of sight first, so a crash mid-way is swept at start. */
  async remove(chainId: string): Promise<void> {
    const dir = path.join(this.root, digestHex(chainId));
    const doomed = path.join(this.root, `${randomBytes(12).toString('hex')}${INCOMPLETE}`);
    try {
      await rename(dir, doomed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineError('NOT_FOUND', `layer ${chainId} not found`);
      throw err;
    }
    await syncDir(this.root);
    await rm(doomed, { recursive: true, force: true });
  }

  /** Every committed layer. */
  async list(): Promise<LayerInfo[]> {
    const layers: LayerInfo[] = [];
    for (const name of (await readdir(this.root)).sort()) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      const info = await this.get(`sha256:${name}`);
      if (info) layers.push(info);
    }
    return layers;
  }

  /** Renames the unpacked dir into place; false when a layer with that chain ID already exists. */
  private async moveIntoPlace(temp: string, chainId: string): Promise<boolean> {
    try {
      await rename(temp, path.join(this.root, digestHex(chainId)));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw err;
    }
    await syncDir(this.root);
    return true;
  }
}

function missingParent(chainId: string): EngineError {
  return new EngineError('NOT_FOUND', `parent layer ${chainId} is not unpacked; unpack the layers below it first`);
}

async function writeSynced(file: string, text: string): Promise<void> {
  const handle = await open(file, 'wx', 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
