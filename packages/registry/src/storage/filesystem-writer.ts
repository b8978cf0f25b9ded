import { open, rm, type FileHandle } from 'node:fs/promises';
import { EarlyWriteback } from '@berth/sdk';
import { RegistryError } from '../errors.js';
import type { FileWriter } from './storage-driver.js';
import { fsError } from './filesystem-io.js';

/**
 * An append handle on one file: the descriptor is opened with O_APPEND (or O_TRUNC when not
 * appending), writes are queued one after another, `size` counts every byte in the file. The file
 * is flushed to disk in the background as it grows, so that `commit`'s fsync has little left to write.
 */
export class FilesystemWriter implements FileWriter {
  #size: number;
  #handle: FileHandle | null;
  #writeback: EarlyWriteback;
  #queue: Promise<void> = Promise.resolve();
  #failure: RegistryError | null = null;

  private constructor(
    private readonly file: string,
    private readonly path: string,
    handle: FileHandle,
    size: number,
  ) {
    this.#handle = handle;
    this.#size = size;
    this.#writeback = new EarlyWriteback(handle);
  }

  /** Opens `file` (the host path of storage path `path`); its parent directory must exist. */
  static async open(file: string, path: string, append: boolean): Promise<FilesystemWriter> {
    let handle: FileHandle;
    try {
      handle = await open(file, append ? 'a' : 'w', 0o644);
    } catch (err) {
      throw fsError(err, path);
    }
    try {
      const info = await handle.stat();
      return new FilesystemWriter(file, path, handle, info.size);
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw fsError(err, path);
    }
  }

  get size(): number {
    return this.#size;
  }

  async write(chunk: Uint8Array): Promise<void> {
    const handle = this.usable();
    const done = this.#queue.then(() => this.writeAll(handle, chunk));
    this.#queue = done.catch(() => undefined);
    return done;
  }

  async commit(): Promise<void> {
    const handle = this.usable();
    this.#handle = null;
    try {
      await this.#queue;
      if (this.#failure) throw this.#failure;
      await this.#writeback.sync();
    } catch (err) {
      throw fsError(err, this.path);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    if (!handle) return;
    this.#handle = null;
    await this.#queue;
    await this.#writeback.settle().catch(() => undefined);
    await handle.close().catch(() => undefined);
  }

  async cancel(): Promise<void> {
    await this.close();
    await rm(this.file, { force: true }).catch((err: unknown) => {
      throw fsError(err, this.path);
    });
  }

  private usable(): FileHandle {
    if (this.#failure) throw this.#failure;
    if (!this.#handle) {
      throw new RegistryError('FAILED_PRECONDITION', `writer for ${this.path} is already committed or closed`);
    }
    return this.#handle;
  }

  private async writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
    if (this.#failure) throw this.#failure;
    let offset = 0;
    try {
      while (offset < chunk.byteLength) {
        // O_APPEND: the kernel puts each write at the current end; `null` keeps no position of ours.
        const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset, null);
        offset += bytesWritten;
        this.#size += bytesWritten;
        this.#writeback.wrote(bytesWritten);
      }
    } catch (err) {
      this.#failure = fsError(err, this.path);
      throw this.#failure;
    }
  }
}
