import type { Readable } from 'node:stream';

/**
 * Where the registry keeps bytes: a small, path-based interface in the spirit of the CNCF
 * distribution registry's storage drivers, so that an S3-compatible driver can follow the
 * filesystem one. Paths are absolute, `/`-separated, made only of `[a-z0-9._-]` segments
 * (the registry builds them from validated digests and ids; drivers still refuse anything
 * else with INVALID_ARGUMENT). Every driver passes `runStorageDriverSuite`.
 */
export interface StorageDriver {
  readonly name: string;
  /** The whole content of a small file; NOT_FOUND when absent. */
  getContent(path: string): Promise<Buffer>;
  /** Replaces a small file atomically (readers see the old or the new content, never a mix). */
  putContent(path: string, content: Uint8Array): Promise<void>;
  /** A stream of the file from `offset` (0 by default); NOT_FOUND when absent, INVALID_ARGUMENT past the end. */
  reader(path: string, offset?: number): Promise<Readable>;
  /** The file open for reads at any offset, into the caller's buffers (how blobs are served); NOT_FOUND when absent. */
  openFile(path: string): Promise<RandomAccessFile>;
  /** A writer that appends to the file (creating it); `append: false` truncates first. */
  writer(path: string, append: boolean): Promise<FileWriter>;
  /** Size and kind of a path; NOT_FOUND when absent. */
  stat(path: string): Promise<FileInfo>;
  /** Full paths of the direct children of a directory; NOT_FOUND when absent. */
  list(path: string): Promise<string[]>;
  /** Moves a file; never replaces an existing destination (ALREADY_EXISTS) — the caller decides. */
  move(source: string, destination: string): Promise<void>;
  /** Removes a file or a whole directory tree; `/a` never touches `/ab`. NOT_FOUND when absent. */
  delete(path: string): Promise<void>;
  /** Every file under a directory, depth first (for garbage collection and the catalog). */
  walk(path: string): AsyncIterable<FileInfo>;
}

/** A file open for reading at any offset. */
export interface RandomAccessFile {
  /** Its size when it was opened. */
  readonly size: number;
  /** Reads into `into` from `position`: the number of bytes read, 0 at the end. */
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
}

export interface FileInfo {
  path: string;
  size: number;
  modified: Date;
  isDirectory: boolean;
}

/** An open append handle; bytes become durable on `commit` (then the handle is closed). */
export interface FileWriter {
  /** Bytes in the file so far, including what earlier writers appended. */
  readonly size: number;
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and syncs; the file keeps its content for a later `writer(path, true)`. */
  commit(): Promise<void>;
  /** Closes without syncing (a resumable upload that the client paused). */
  close(): Promise<void>;
  /** Closes and deletes the file. */
  cancel(): Promise<void>;
}
