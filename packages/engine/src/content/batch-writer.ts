import type { FileHandle } from 'node:fs/promises';

/** Bytes gathered before one `writev`: a few hundred system calls for 256 MiB instead of thousands. */
const BATCH_BYTES = 1024 * 1024;

/**
 * Appends chunks to a file in batches of about 1 MiB, one `writev` at a time, while the next batch
 * is gathered: the source keeps flowing during a write, and at most two batches are held in memory.
 * `write` resolves once the chunk is taken (it waits only when a batch is full and the previous
 * write has not finished); a failed write surfaces from the next `write` or `flush`.
 */
export class BatchWriter {
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: FileHandle) {}

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

  /** Waits for the write under way, ignoring its outcome (before closing the file on an error path). */
  async settle(): Promise<void> {
    await this.writing.catch(() => undefined);
  }

  private async startBatch(): Promise<void> {
    await this.writing;
    const chunks = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    this.writing = writeAll(this.file, chunks);
    this.writing.catch(() => undefined); // awaited by the next write or flush
  }
}

/** `writev` until every byte is written (a regular file may take fewer bytes than asked). */
async function writeAll(file: FileHandle, chunks: Uint8Array[]): Promise<void> {
  let pending = chunks;
  while (pending.length > 0) {
    const { bytesWritten } = await file.writev(pending as NodeJS.ArrayBufferView[]);
    let skip = bytesWritten;
    let i = 0;
    while (i < pending.length && skip >= pending[i]!.byteLength) skip -= pending[i++]!.byteLength;
    pending = pending.slice(i);
    if (pending.length > 0 && skip > 0) pending[0] = pending[0]!.subarray(skip);
  }
}
