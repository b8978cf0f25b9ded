import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import { deflateRaw, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const deflateRawAsync = promisify(deflateRaw);

/** Samples taken across a block to tell whether it compresses: this many slices of this many bytes. */
const PROBE_SLICES = 4;
const PROBE_SLICE_BYTES = 8 * 1024;
/** A block whose sample shrinks by less than this share is stored (deflate level 0) instead of compressed. */
const MIN_SAVING = 0.03;

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
 *
 * Blocks that do not compress (media, archives, encrypted or random bytes) are stored, as deflate
 * allows, instead of compressed: zlib spends about 3× longer on such bytes than on text at level 1
 * (≈40 MB/s a thread here) to end up with stored blocks of the same size anyway. A sample of the
 * block, compressed at level 1, decides; the members are valid gzip either way.
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
    const member = this.compress(data);
    member.catch(() => undefined); // awaited in order later; never an unhandled rejection
    this.queue.push(member);
  }

  private async compress(data: Buffer): Promise<Buffer> {
    const store = this.level !== 0 && (await incompressible(data));
    // Room for the whole member in one output chunk: zlib's default of 16 KiB is a thread-pool round trip per 16 KiB.
    return gzipAsync(data, { level: store ? 0 : this.level, chunkSize: data.length + (data.length >> 8) + 1024 });
  }
}

/** True when a sample across `data` saves less than MIN_SAVING at level 1 (blocks too small to sample are compressed). */
async function incompressible(data: Buffer): Promise<boolean> {
  if (data.length < PROBE_SLICES * PROBE_SLICE_BYTES * 2) return false;
  const step = Math.floor(data.length / PROBE_SLICES);
  const sample = Buffer.concat(Array.from({ length: PROBE_SLICES }, (_, i) => data.subarray(i * step, i * step + PROBE_SLICE_BYTES)));
  const packed = await deflateRawAsync(sample, { level: 1 });
  return packed.length > sample.length * (1 - MIN_SAVING);
}
