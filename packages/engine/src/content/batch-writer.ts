import type { FileHandle } from 'node:fs/promises';
import { EarlyWriteback } from '@berth/sdk';

/** Bytes gathered before one `writev`: a few hundred system calls for 256 MiB instead of thousands. */
const BATCH_BYTES = 1024 * 1024;

/**
 * Appends chunks to a file in batches of about 1 MiB, one `writev` at a time, while the next batch
 * is gathered: the source keeps flowing during a write, and at most two batches are held in memory.
 * `write` resolves once the chunk is taken (it waits only when a batch is full and the previous
 * write has not finished); a failed write surfaces from the next `write` or `flush`. The file is flushed
 * to disk in the background as it grows, so that `sync` at the end has little left to write.
 */
export class BatchWriter {
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private writing: Promise<void> = Promise.resolve();
  private readonly writeback: EarlyWriteback;

  constructor(private readonly file: FileHandle) {
    this.writeback = new EarlyWriteback(file);
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.byteLength === 0) return;
    this.batch.push(chunk);
    this.batchBytes += chunk.byteLength;
    if (this.batchBytes >= BATCH_BYTES) await this.startBatch();
  }

  /** Writes what is gathered and waits for every write to finish. */
  async flush(): Promise<void> {
    if (this.batchBytes > 0) await this.startBatch();
    await this.writing;
  }

  /** Writes what is gathered and makes the whole file durable. */
  async sync(): Promise<void> {
    await this.flush();
    await this.writeback.sync();
  }

  /** Waits for the write and background flush under way, ignoring their outcome (before closing the file on an error path). */
  async settle(): Promise<void> {
    await this.writing.catch(() => undefined);
    await this.writeback.settle().catch(() => undefined);
  }

  private async startBatch(): Promise<void> {
    await this.writing;
    const chunks = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    this.writing = writeAll(this.file, chunks).then((bytes) => this.writeback.wrote(bytes));
    this.writing.catch(() => undefined); // awaited by the next write or flush
  }
}

/** `writev` until every byte is written (a regular file may take fewer bytes than asked). */
async function writeAll(file: FileHandle, chunks: Uint8Array[]): Promise<number> {
  let total = 0;
  let pending = chunks;
  while (pending.length > 0) {
    const { bytesWritten } = await file.writev(pending as NodeJS.ArrayBufferView[]);
    total += bytesWritten;
    let skip = bytesWritten;
    let i = 0;
    while (i < pending.length && skip >= pending[i]!.byteLength) skip -= pending[i++]!.byteLength;
    pending = pending.slice(i);
    if (pending.length > 0 && skip > 0) pending[0] = pending[0]!.subarray(skip);
  }
  return total;
}
