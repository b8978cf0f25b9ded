import type { FileHandle } from 'node:fs/promises';

/** Bytes written to a file between two background flushes. */
const WRITEBACK_BYTES = 16 * 1024 * 1024;

/**
 * Flushes a large file to disk while it is being written, so that the fsync that makes it durable
 * at the end has only the last few MiB left to write instead of the whole file: with plenty of
 * memory the kernel starts no writeback of its own until long after a 256 MiB blob is complete.
 * Every `WRITEBACK_BYTES` reported through `wrote`, an `fdatasync` starts in the background unless
 * one is still running. `sync` waits for it and then fsyncs; `settle` only waits. A background
 * flush that failed fails `sync` and `settle` (the kernel reports a writeback error once per file
 * description, so it must not be lost).
 */
export class EarlyWriteback {
  private pending = 0;
  private flushing: Promise<void> | null = null;
  private failure: unknown = null;

  constructor(
    private readonly handle: Pick<FileHandle, 'datasync' | 'sync'>,
    private readonly every = WRITEBACK_BYTES,
  ) {}

  /** Counts bytes the caller has written (the write has completed). */
  wrote(bytes: number): void {
    this.pending += bytes;
    if (this.pending < this.every || this.flushing !== null || this.failure !== null) return;
    this.pending = 0;
    this.flushing = this.handle.datasync().then(
      () => { this.flushing = null; },
      (err: unknown) => { this.failure = err; this.flushing = null; },
    );
  }

  /** Waits for a background flush; throws what made one fail. */
  async settle(): Promise<void> {
    await this.flushing;
    if (this.failure !== null) throw this.failure;
  }

  /** Waits for a background flush, then makes the whole file durable. */
  async sync(): Promise<void> {
    await this.settle();
    await this.handle.sync();
  }
}
