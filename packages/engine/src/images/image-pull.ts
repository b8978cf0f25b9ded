import { Readable } from 'node:stream';
import { familiarString, type Descriptor, type ImageManifest, type ProgressMessage, type RegistryClient } from '@berth/sdk';
import { EngineError } from '../errors.js';
import type { Image } from './image-index.js';
import type { BlobRole, LayerRole, UnpackedLayerView } from './image-ports.js';
import type { CommitOptions } from './image-storage.js';
import { storeAndUnpack } from './layer-download.js';
import { plainTar } from './layer-ingest.js';
import { chainIdsOf, parseConfig } from './oci-documents.js';
import type { RegistryTarget } from './registry-access.js';
import { ProgressThrottle, layerProgress, layerStatus } from './transfer-progress.js';

export interface PullDeps {
  blobs: BlobRole;
  layers: LayerRole;
  /** Downloads of the same blob share one transfer (two pulls of one image move each layer once). */
  downloads: Map<string, Promise<void>>;
  commit(config: ReturnType<typeof parseConfig>, layerBlobs: Descriptor[], opts: CommitOptions): Promise<Image>;
  discard(content: { blobs: string[]; layers: string[] }): Promise<void>;
  /** Keeps blobs and layers from removal (another pull's discard, say) until the returned function is called. */
  pin(ids: string[]): () => Promise<void>;
  hasImage(id: string): boolean;
}

/**
 * `docker pull`: the manifest (the host platform's, from an index), the config and the layer
 * blobs (three at a time, verified while they stream, stored compressed as they came), each
 * layer unpacked once from the same bytes as it downloads (out of sight) and committed in order
 * once its blob is stored, its diff ID checked and the layers below it are committed, then the
 * image record with the registry's exact config and manifest bytes, tagged by name and by
 * digest. Yields Docker's progress messages. Everything the image needs is pinned while the pull
 * runs, so another pull that fails cannot take it away; on failure or abort, what the pull stored
 * and no image refers to (or still needs) is removed again.
 */
export async function* pullImage(
  deps: PullDeps,
  client: RegistryClient,
  target: RegistryTarget,
  signal: AbortSignal,
): AsyncGenerator<ProgressMessage> {
  const { remote } = target;
  const { manifest, index } = await client.getImageManifest(remote, { signal });
  const document = manifest.document as ImageManifest;
  const digest = (index ?? manifest).digest;
  yield { status: `Pulling from ${remote.path}`, id: remote.tag ?? remote.digest ?? 'latest' };

  const owned = { blobs: [] as string[], layers: [] as string[] };
  // Blob writes under way: the SDK's pull ends at the first failure, before the others have stopped.
  const writes: Promise<void>[] = [];
  // Layers this pull unpacked while downloading them, by blob digest, until they are committed.
  const unpacked = new Map<string, UnpackedLayerView>();
  const releases = [deps.pin([document.config.digest, ...document.layers.map((d) => d.digest)])];
  const pin = (ids: string[]): void => void releases.push(deps.pin(ids));
  const queue: ProgressMessage[] = [];
  let wake: (() => void) | undefined;
  const say = (message: ProgressMessage): void => {
    queue.push(message);
    wake?.();
  };
  // Unpacking runs beside the downloads; when it fails, the downloads stop too.
  const stop = new AbortController();
  const inner = AbortSignal.any([signal, stop.signal]);
  const work = (async () => {
    const fetched = new Map([document.config, ...document.layers].map((d) => [d.digest, deferred()]));
    const layersDone = unpackInOrder({ ...deps, pin }, document, fetched, unpacked, owned, say, inner);
    layersDone.catch(() => stop.abort());
    const throttle = new ProgressThrottle();
    const pinned = { ...remote, tag: undefined, digest: manifest.digest };
    try {
      for await (const event of client.pull(pinned, { signal: inner, sink: blobSink(deps, document, unpacked, owned, writes) })) {
        if (event.type === 'manifest-done') continue;
        const isLayer = event.digest !== document.config.digest;
        if (event.type === 'blob-started' && isLayer) say(layerStatus(event.digest, 'Pulling fs layer'));
        if (event.type === 'blob-progress' && isLayer && throttle.due(event.digest, event.current, event.total)) {
          say(layerProgress(event.digest, 'Downloading', event.current, event.total));
        }
        if (event.type === 'blob-done' && isLayer) say(layerStatus(event.digest, 'Download complete'));
        if (event.type === 'blob-done' || event.type === 'blob-exists') fetched.get(event.digest)?.resolve();
      }
    } catch (err) {
      // Unpacking waits no more; its own error (if it failed first) says more than the abort it caused.
      for (const d of fetched.values()) d.reject(err);
      throw await layersDone.then(() => err, (unpackError: unknown) => unpackError);
    }
    const { config, configText } = await layersDone;
    const existed = deps.hasImage(config.id);
    await deps.commit(config.doc, document.layers, {
      tags: [...new Set([target.local, `${target.localRepository}@${digest}`])], action: 'pull', owned, configText, manifest: manifest.bytes,
    });
    say({ status: `Digest: ${digest}` });
    say({ status: `Status: ${existed ? 'Image is up to date' : 'Downloaded newer image'} for ${target.local}` });
  })();
  const state: { done: boolean; error?: unknown } = { done: false };
  work.then(() => (state.done = true), (error: unknown) => Object.assign(state, { done: true, error })).finally(() => wake?.());
  let committed = false;
  try {
    for (;;) {
      const next = queue.shift();
      if (next) yield next;
      else if (state.done) break;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
    if (state.error !== undefined) throw state.error;
    committed = true;
  } finally {
    if (!committed) {
      stop.abort();
      await work.catch(() => undefined);
      await Promise.allSettled(writes);
    }
    for (const layer of unpacked.values()) await deps.layers.abandon(layer);
    for (const release of releases) await release();
    if (!committed) await deps.discard(owned);
  }
}

/**
 * Stores blobs in the content store, once each however many pulls want them at a time; each write is added to
 * `writes`. A layer blob is unpacked while it downloads; the uncommitted layer goes into `unpacked`.
 */
function blobSink(
  deps: PullDeps,
  document: ImageManifest,
  unpacked: Map<string, UnpackedLayerView>,
  owned: { blobs: string[] },
  writes: Promise<void>[],
) {
  const layerDigests = new Set(document.layers.map((d) => d.digest));
  const has = async (d: Descriptor): Promise<boolean> => {
    const running = deps.downloads.get(d.digest);
    if (running) await running.catch(() => undefined);
    return deps.blobs.has(d.digest);
  };
  const store = async (d: Descriptor, data: AsyncIterable<Buffer>): Promise<void> => {
    // Another pull may have begun it since has(): its blob is ours too; if it failed (its client went away, say), we download.
    while (deps.downloads.has(d.digest)) if (await has(d)) return;
    // The registry client verifies the digest as the bytes stream and fails at the end if it does not match.
    const expected = { digest: d.digest, size: d.size, sourceVerifies: true };
    const job = layerDigests.has(d.digest)
      ? storeAndUnpack(deps.blobs, deps.layers, expected, data)
      : deps.blobs.ingest(data, expected).then(() => null);
    const shared = job.then(() => undefined);
    shared.catch(() => undefined); // awaited by other pulls of the blob, if any
    deps.downloads.set(d.digest, shared);
    try {
      const stored = await job;
      owned.blobs.push(d.digest);
      if (stored?.layer) unpacked.set(d.digest, stored.layer);
      else if (stored) throw stored.unpackError;
    } finally {
      deps.downloads.delete(d.digest);
    }
  };
  return {
    has,
    write: (d: Descriptor, data: AsyncIterable<Buffer>): Promise<void> => {
      const writing = store(d, data);
      writes.push(writing);
      return writing;
    },
  };
}

/**
 * Commits the layers bottom up, each once its blob (and the config) is stored: the copy unpacked while it
 * downloaded if there is one (taken out of `unpacked`), else unpacked from the stored blob now. Pins their
 * chain IDs first.
 */
async function unpackInOrder(
  deps: Pick<PullDeps, 'blobs' | 'layers'> & { pin(ids: string[]): void },
  document: ImageManifest,
  fetched: Map<string, Deferred>,
  unpacked: Map<string, UnpackedLayerView>,
  owned: { layers: string[] },
  say: (message: ProgressMessage) => void,
  signal: AbortSignal,
): Promise<{ config: { id: string; doc: ReturnType<typeof parseConfig> }; configText: string }> {
  await fetched.get(document.config.digest)!.promise;
  const configText = (await deps.blobs.readBytes(document.config.digest)).toString('utf8');
  const doc = parseConfig(configText, document.config.digest);
  const diffIds = doc.rootfs.diff_ids;
  if (diffIds.length !== document.layers.length) {
    throw new EngineError('INVALID_ARGUMENT', `the image config names ${diffIds.length} layers but its manifest ${document.layers.length}`);
  }
  const chainIds = chainIdsOf(diffIds);
  deps.pin(chainIds);
  for (const [i, layer] of document.layers.entries()) {
    await fetched.get(layer.digest)!.promise;
    signal.throwIfAborted();
    const chainId = chainIds[i]!;
    const early = unpacked.get(layer.digest);
    unpacked.delete(layer.digest);
    if (await deps.layers.has(chainId)) {
      if (early) await deps.layers.abandon(early);
      say(layerStatus(layer.digest, 'Already exists'));
      continue;
    }
    say(layerStatus(layer.digest, 'Extracting'));
    const parent = i === 0 ? null : chainIds[i - 1]!;
    try {
      const info = early
        ? await deps.layers.commit(early, parent, diffIds[i])
        : await deps.layers.create(parent, Readable.from(plainTar(deps.blobs.open(layer.digest)), { objectMode: false }), diffIds[i]);
      owned.layers.push(info.chainId);
    } catch (err) {
      if (err instanceof EngineError && /diff ID/i.test(err.message)) {
        throw new EngineError('INVALID_ARGUMENT', `layer ${layer.digest} does not match the image config: ${err.message}`, { cause: err });
      }
      throw err;
    }
    say(layerStatus(layer.digest, 'Pull complete'));
  }
  return { config: { id: document.config.digest, doc }, configText };
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
