import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openMetadata } from '../metadata/prisma-metadata.js';
import type { RegistryStores } from '../server.js';
import { BlobStore } from '../storage/blob-store.js';
import { FilesystemDriver } from '../storage/filesystem-driver.js';

// Real stores for the collector's tests: SQLite metadata on a temp file and a blob store on a
// temp directory, with the few writes a push makes.

export interface TestStores extends RegistryStores {
  dir: string;
  /** Stores random bytes and links them into `repo`, as a finished upload does; their digest. */
  pushBlob(repo: string, size?: number): Promise<string>;
  /** Stores bytes without a record, as a crash between storing and linking leaves them. */
  storeOnly(size?: number): Promise<string>;
  /** Stores an image manifest (or, with `children`, an index) document and records it, as a manifest put does. */
  pushManifest(repo: string, refs: { blobs?: string[]; children?: string[]; subject?: string; tag?: string }): Promise<string>;
  /** Digests of every stored blob. */
  storedDigests(): Promise<string[]>;
  /** Whether the bytes of `digest` are stored. */
  isStored(digest: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function openTestStores(): Promise<TestStores> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-registry-gc-'));
  const metadata = await openMetadata(join(dir, 'registry.db'));
  const blobs = new BlobStore(new FilesystemDriver(join(dir, 'storage')));
  const store = async (data: Buffer): Promise<string> => {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    await blobs.putBlob(Readable.from([data]), digest);
    return digest;
  };
  return {
    dir,
    blobs,
    metadata,
    storeOnly: (size = 64) => store(randomBytes(size)),
    pushBlob: async (repo, size = 64) => {
      const digest = await store(randomBytes(size));
      await metadata.linkBlob(repo, { digest, size });
      return digest;
    },
    pushManifest: async (repo, refs) => {
      const blobDigests = refs.blobs ?? [];
      const children = refs.children ?? [];
      const mediaType = children.length > 0 ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json';
      const descriptor = (digest: string) => ({ mediaType: 'application/octet-stream', digest, size: 1 });
      const doc = {
        schemaVersion: 2,
        mediaType,
        ...(children.length > 0 ? { manifests: children.map(descriptor) } : { config: descriptor(blobDigests[0]!), layers: blobDigests.slice(1).map(descriptor) }),
        ...(refs.subject !== undefined && { subject: descriptor(refs.subject) }),
        annotations: { nonce: randomBytes(8).toString('hex') },
      };
      const data = Buffer.from(JSON.stringify(doc));
      const digest = await store(data);
      await metadata.putManifest(repo, { digest, mediaType, size: data.length, subject: refs.subject ?? null, blobs: blobDigests, children }, refs.tag);
      return digest;
    },
    storedDigests: async () => {
      const found: string[] = [];
      for await (const b of blobs.walkBlobs()) found.push(b.digest);
      return found.sort();
    },
    isStored: async (digest) => (await blobs.stat(digest)) !== null,
    close: async () => {
      await metadata.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Upload directories in storage. */
export async function uploadDirs(stores: TestStores): Promise<string[]> {
  return (await readdir(join(stores.dir, 'storage', 'uploads')).catch(() => [])).sort();
}

/** A clock this far ahead of now: everything stored so far is past the grace period. */
export function later(ms = 2 * 3_600_000): Date {
  return new Date(Date.now() + ms);
}
