import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Image } from './image-index.js';
import { manifestMediaType, type Descriptor } from './oci-documents.js';
import { fullName, parseReference } from './reference.js';

/** What `docker save` writes of one image. */
export interface SaveItem {
  image: Image;
  /** Short references of the image to record (`name:tag`); none saves it untagged. */
  tags: string[];
}

export interface SaveSource {
  /** The stored manifest of an image (every image has one: import, load and pull write it). */
  manifestBytes(image: Image): Promise<Buffer>;
  /** A stored blob's bytes. */
  open(digest: string): Readable;
}

/**
 * A `docker save` archive: an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`)
 * with Docker's `manifest.json` and `repositories` beside it, as Docker 25 and later write
 * it. Layers are the stored blobs, compressed as they are stored: `docker load` of any
 * version and OCI tools inflate them. Every blob goes in once, however many images share it.
 */
export function saveArchive(items: SaveItem[], source: SaveSource): Readable {
  const pack = tar.pack();
  void writeArchive(pack, items, source).then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err as Error),
  );
  return Readable.from(pack, { objectMode: false });
}

async function writeArchive(pack: tar.Pack, items: SaveItem[], source: SaveSource): Promise<void> {
  const written = new Set<string>();
  const mtime = new Date(0);
  const addFile = (name: string, data: Buffer | string) =>
    new Promise<void>((resolve, reject) => pack.entry({ name, mtime, mode: 0o644 }, data, (err) => (err ? reject(err) : resolve())));
  const addBlob = async (d: Descriptor, bytes?: Buffer): Promise<void> => {
    if (written.has(d.digest)) return;
    written.add(d.digest);
    const name = blobPath(d.digest);
    if (bytes !== undefined) return addFile(name, bytes);
    const entry = pack.entry({ name, size: d.size, mtime, mode: 0o644 });
    await pipeline(source.open(d.digest), entry);
  };

  const index: unknown[] = [];
  const legacy: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { image, tags } of items) {
    const manifest = await source.manifestBytes(image);
    const configBytes = Buffer.from(image.configText);
    await addBlob({ mediaType: '', digest: image.id, size: configBytes.length }, configBytes);
    for (const layer of image.layerBlobs) await addBlob(layer);
    const manifestDigest = image.manifestDigest!;
    await addBlob({ mediaType: '', digest: manifestDigest, size: manifest.length }, manifest);
    const mediaType = manifestMediaType(manifest);
    const named = tags.length > 0 ? tags : [undefined];
    for (const tag of named) {
      const annotations: Record<string, string> = {};
      if (tag !== undefined) {
        const ref = parseReference(tag);
        annotations['io.containerd.image.name'] = `${fullName(ref)}:${ref.tag ?? 'latest'}`;
        annotations['org.opencontainers.image.ref.name'] = ref.tag ?? 'latest';
        const repo = tag.slice(0, tag.lastIndexOf(':'));
        (repositories[repo] ??= {})[ref.tag ?? 'latest'] = image.id.slice(7);
      }
      index.push({ mediaType, digest: manifestDigest, size: manifest.length, ...(tag !== undefined && { annotations }) });
    }
    legacy.push({ Config: blobPath(image.id), RepoTags: tags.length > 0 ? tags : null, Layers: image.layerBlobs.map((l) => blobPath(l.digest)) });
  }
  await addFile('index.json', JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: index }));
  await addFile('manifest.json', JSON.stringify(legacy));
  if (Object.keys(repositories).length > 0) await addFile('repositories', JSON.stringify(repositories));
  await addFile('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
}

function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `blobs/${algorithm}/${hex}`;
}
