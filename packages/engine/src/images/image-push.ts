import { fullName, type ProgressMessage, type RegistryClient } from '@berth/sdk';
import { EngineError } from '../errors.js';
import type { Image } from './image-index.js';
import type { BlobRole } from './image-ports.js';
import { manifestMediaType } from './oci-documents.js';
import type { RegistryTarget } from './registry-access.js';
import { ProgressThrottle, layerProgress, layerStatus } from './transfer-progress.js';

export interface PushDeps {
  blobs: BlobRole;
  /** Records `name@digest` once the registry has the manifest. */
  setTag(reference: string, imageId: string): Promise<void>;
}

/**
 * `docker push` of one tag: the stored config and layer blobs exactly as they are (never
 * recompressed; blobs the registry has are skipped), three at a time, then the stored
 * manifest. Yields Docker's progress messages, ending with the digest line and its `aux`.
 */
export async function* pushImage(
  deps: PushDeps,
  client: RegistryClient,
  target: RegistryTarget,
  image: Image,
  signal: AbortSignal,
): AsyncGenerator<ProgressMessage> {
  if (!image.manifestDigest) throw new EngineError('INTERNAL', `image ${image.id} has no stored manifest`);
  const bytes = await deps.blobs.readBytes(image.manifestDigest);
  const mediaType = manifestMediaType(bytes);
  const configDigest = image.id;
  for (const layer of image.layerBlobs) yield layerStatus(layer.digest, 'Preparing');
  const throttle = new ProgressThrottle();
  const events = client.push(target.remote, {
    manifest: { bytes, mediaType },
    source: { open: (d) => deps.blobs.open(d.digest) },
    signal,
  });
  for await (const event of events) {
    if (event.type === 'manifest-done') {
      const { digest } = event.manifest;
      await deps.setTag(`${target.localRepository}@${digest}`, image.id);
      const tag = target.remote.tag ?? 'latest';
      yield { status: `${tag}: digest: ${digest} size: ${bytes.length}` };
      yield { progressDetail: {}, aux: { Tag: tag, Digest: digest, Size: bytes.length } };
      continue;
    }
    if (event.digest === configDigest) continue;
    if (event.type === 'blob-progress' && throttle.due(event.digest, event.current, event.total)) {
      yield layerProgress(event.digest, 'Pushing', event.current, event.total);
    }
    if (event.type === 'blob-exists') yield layerStatus(event.digest, 'Layer already exists');
    if (event.type === 'blob-mounted') yield layerStatus(event.digest, `Mounted from ${event.from}`);
    if (event.type === 'blob-done') yield layerStatus(event.digest, 'Pushed');
  }
}

/** The header line of a push. */
export function pushHeader(target: RegistryTarget): ProgressMessage {
  return { status: `The push refers to repository [${fullName(target.remote)}]` };
}
