import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

export interface ParallelGzipOptions {
  level: number;
  /** Bytes of input per gzip member. */
  blockSize?: number;
  /** Members compressed at once (on libuv's thread pool, 4 threads by default). */
  parallel?: number;
}

/**
 * gzip compression spread over several threads: the input is cut into blocks, each compressed
 * as its own gzip member, and the members are emitted in order. A series of members is one
 * valid gzip stream (RFC 1952 §2.2; bgzip works this way) that every gunzip reads whole.
 * Costs a few hundred bytes per MiB against one member; a single compressor thread is the
 * bottleneck of an import otherwise.
 */
export class ParallelGzip extends Transform {
  private readonly level: number;
  private readonly blockSize: number;
  private readonly parallel: number;
  private block: Buffer[] = [];
  private blockBytes = 0;
  private readonly queue: Promise<Buffer>[] = [];

  constructor(opts: ParallelGzipOptions) {
    super({ readableHighWaterMark: 4 * 1024 * 1024, writableHighWaterMark: 1024 * 1024 });
    this.level = opts.level;
    this.blockSize = opts.blockSize ?? 1024 * 1024;
    this.parallel = Math.max(1, opts.parallel ?? Math.min(4, availableParallelism()));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.block.push(chunk);
    this.blockBytes += chunk.length;
    if (this.blockBytes < this.blockSize) return callback();
    this.startBlock();
    if (this.queue.length < this.parallel) return callback();
    this.queue.shift()!.then((member) => {
      this.push(member);
      callback();
    }, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.blockBytes > 0) this.startBlock();
    void (async () => {
      while (this.queue.length > 0) this.push(await this.queue.shift()!);
    })().then(() => callback(), callback);
  }

  private startBlock(): void {
    const data = Buffer.concat(this.block, this.blockBytes);
    this.block = [];
    this.blockBytes = 0;
    const member = gzipAsync(data, { level: this.level });
    member.catch(() => undefined); // awaited in order later; never an unhandled rejection
    this.queue.push(member);
  }
}
