/**
 * The registry's metadata: the graph of repositories, manifests, tags, blob links and the
 * references between them, and upload sessions. Bytes (blobs, manifest documents) live in the
 * storage driver; this is SQL through Prisma (SQLite file by default, PostgreSQL by URL).
 * All names and digests reaching it have been validated by the API layer.
 */
export interface RegistryMetadata {
  /** Repositories in lexical order after `last`, at most `n`. */
  repositories(page: Page): Promise<string[]>;

  // Blobs: a blob is stored once (by digest); a repository sees it only when linked.
  /** Records a verified blob (idempotent) and links it into `repo` (creating the repository). */
  linkBlob(repo: string, blob: BlobRecord): Promise<void>;
  /** The blob as `repo` sees it, or null when not linked there. */
  linkedBlob(repo: string, digest: string): Promise<BlobRecord | null>;
  /** The blob if stored at all (for cross-repository mounts), or null. */
  blob(digest: string): Promise<BlobRecord | null>;
  /** Unlinks a blob from a repository; false when it was not linked. */
  unlinkBlob(repo: string, digest: string): Promise<boolean>;

  // Manifests and tags.
  /**
   * Stores a manifest in `repo` with what it references, and points `tag` at it when given.
   * The API layer has already checked that every referenced blob and child manifest exists.
   */
  putManifest(repo: string, manifest: ManifestRecord, tag?: string): Promise<void>;
  /** By tag or by digest; null when unknown in `repo`. */
  manifest(repo: string, reference: string): Promise<ManifestRecord | null>;
  /** Whether `digest` is a manifest of `repo` (for index children). */
  hasManifest(repo: string, digest: string): Promise<boolean>;
  /**
   * Deletes a manifest and the tags that point at it; false when unknown. Refuses with
   * FAILED_PRECONDITION while an index of the repository lists it (delete the index first).
   * With `onlyIf` (garbage collection) it deletes only a manifest that is still what
   * {@link unreferencedManifests} returns for that time, and answers false otherwise.
   */
  deleteManifest(repo: string, digest: string, onlyIf?: { unreferencedBefore: Date }): Promise<boolean>;
  /** Removes a tag only; false when unknown. */
  deleteTag(repo: string, tag: string): Promise<boolean>;
  /** Tags in lexical order after `last`, at most `n`; null when the repository is unknown. */
  tags(repo: string, page: Page): Promise<string[] | null>;
  /** Manifests in `repo` whose `subject` is `digest`, optionally of one artifact type. */
  referrers(repo: string, digest: string, artifactType?: string): Promise<ManifestRecord[]>;

  // Upload sessions (resumable; the hash state lives with the bytes in storage).
  createUpload(repo: string): Promise<UploadRecord>;
  upload(repo: string, id: string): Promise<UploadRecord | null>;
  /** Records progress after a chunk was appended. */
  updateUpload(id: string, size: number): Promise<void>;
  deleteUpload(id: string): Promise<void>;
  /** Sessions not touched since `before` (for purging). */
  staleUploads(before: Date): Promise<UploadRecord[]>;

  // Garbage collection (online: each step is a short transaction).
  /**
   * Manifests last put before `before` that nothing keeps: untagged, listed by no index of
   * their repository, and without a subject there (referrers live and die with their subject:
   * a signature of a kept image is kept, and goes once the image has gone).
   */
  unreferencedManifests(before: Date): Promise<{ repo: string; digest: string }[]>;
  /** Blobs created before `before` that no manifest of any repository references and no repository linked since. */
  unreferencedBlobs(before: Date): Promise<string[]>;
  /**
   * Forgets a blob everywhere (its links and its record, in one transaction) unless a manifest
   * references it; with `unreferencedBefore`, also unless it was created or linked since.
   * `deleteBytes` runs inside that transaction, after the rows are deleted and before that is
   * committed, and only when the blob goes: a linkBlob of the same digest meanwhile waits for
   * it, and a manifest put that references the blob fails with MANIFEST_BLOB_UNKNOWN instead
   * of pointing at bytes that are gone. A link that waited re-creates the record after the
   * bytes went, so the API checks the bytes after every link (api/linked-bytes.ts) and takes
   * the link back when they are gone.
   */
  forgetBlob(digest: string, options?: ForgetBlobOptions): Promise<void>;

  close(): Promise<void>;
}

export interface ForgetBlobOptions {
  /** Keep the blob if it was created or linked at or after this time. */
  unreferencedBefore?: Date;
  /** Deletes the bytes; called only when the blob is forgotten, before that commits. */
  deleteBytes?: (digest: string) => Promise<void>;
}

export interface Page {
  last?: string;
  n?: number;
}

export interface BlobRecord {
  digest: string;
  size: number;
  /** When the blob was linked or created; GC leaves younger blobs alone. */
  created?: Date;
}

export interface ManifestRecord {
  digest: string;
  mediaType: string;
  artifactType?: string | null;
  size: number;
  /** Digest of the manifest this one refers to (`subject`), if any. */
  subject?: string | null;
  /** Layer and config digests. */
  blobs: string[];
  /** Child manifest digests (for an index / manifest list). */
  children: string[];
  annotations?: Record<string, string> | null;
  created?: Date;
}

export interface UploadRecord {
  id: string;
  repo: string;
  /** Bytes received so far. */
  size: number;
  started: Date;
  updated: Date;
}
