import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import { deflateRaw, deflateRawSync, gzip, gzipSync } from 'node:zlib';

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
  /** zlib's memLevel (1-9, default 8): 9 finds matches a little faster at level 1. */
  memLevel?: number;
  /**
   * Compresses one block into one member (`gzipMember`'s contract) somewhere else, e.g. in a worker thread; by
   * default on libuv's thread pool, which the file reads of whatever feeds this stream share.
   */
  compress?: BlockCompressor;
}

/** Compresses one block into one gzip member (`gzipMember`'s contract). */
export type BlockCompressor = (block: Buffer, opts: MemberOptions) => Promise<Buffer>;

/** How one block is compressed into a gzip member. */
export interface MemberOptions {
  level: number;
  memLevel?: number;
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
  private readonly memLevel: number | undefined;
  private readonly compressBlock: (block: Buffer, opts: MemberOptions) => Promise<Buffer>;
  private block: Buffer[] = [];
  private blockBytes = 0;
  private readonly queue: Promise<Buffer>[] = [];

  constructor(opts: ParallelGzipOptions) {
    super({ readableHighWaterMark: 4 * 1024 * 1024, writableHighWaterMark: 1024 * 1024 });
    this.level = opts.level;
    this.blockSize = opts.blockSize ?? 1024 * 1024;
    this.parallel = Math.max(1, opts.parallel ?? Math.min(4, availableParallelism()));
    this.memLevel = opts.memLevel;
    this.compressBlock = opts.compress ?? gzipMemberAsync;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.addChunk(chunk).then(() => callback(), callback);
  }

  /**
   * Adds `chunk` to the blocks, cutting them at exact multiples of the block size whatever the sizes of the
   * chunks written (the same input always gives the same members); waits while `parallel` blocks are in flight.
   */
  private async addChunk(chunk: Buffer): Promise<void> {
    let rest = chunk;
    while (this.blockBytes + rest.length >= this.blockSize) {
      const cut = this.blockSize - this.blockBytes;
      this.block.push(rest.subarray(0, cut));
      this.blockBytes += cut;
      rest = rest.subarray(cut);
      this.startBlock();
      if (this.queue.length >= this.parallel) this.push(await this.queue.shift()!);
    }
    if (rest.length === 0) return;
    this.block.push(rest);
    this.blockBytes += rest.length;
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
    const member = this.compressBlock(data, { level: this.level, ...(this.memLevel === undefined ? {} : { memLevel: this.memLevel }) });
    member.catch(() => undefined); // awaited in order later; never an unhandled rejection
    this.queue.push(member);
  }
}

/** zlib options of a block's member: stored when `store`; room for the whole member in one output chunk (zlib's default of 16 KiB is a thread-pool round trip per 16 KiB). */
function memberOptions(data: Buffer, opts: MemberOptions, store: boolean): { level: number; chunkSize: number; memLevel?: number } {
  return { level: store ? 0 : opts.level, chunkSize: data.length + (data.length >> 8) + 1024, ...(opts.memLevel === undefined ? {} : { memLevel: opts.memLevel }) };
}

/** One block as one gzip member, on libuv's thread pool; blocks that do not compress are stored. */
async function gzipMemberAsync(data: Buffer, opts: MemberOptions): Promise<Buffer> {
  const sample = opts.level === 0 ? null : sampleOf(data);
  const store = sample !== null && !saves(sample, await deflateRawAsync(sample, { level: 1 }));
  return gzipAsync(data, memberOptions(data, opts, store));
}

/** {@link gzipMemberAsync} in the calling thread (a worker's): the same member for the same block. */
export function gzipMember(data: Buffer, opts: MemberOptions): Buffer {
  const sample = opts.level === 0 ? null : sampleOf(data);
  const store = sample !== null && !saves(sample, deflateRawSync(sample, { level: 1 }));
  return gzipSync(data, memberOptions(data, opts, store));
}

/** Slices taken across `data` to tell whether it compresses, or null when it is too small to sample (it is compressed). */
function sampleOf(data: Buffer): Buffer | null {
  if (data.length < PROBE_SLICES * PROBE_SLICE_BYTES * 2) return null;
  const step = Math.floor(data.length / PROBE_SLICES);
  return Buffer.concat(Array.from({ length: PROBE_SLICES }, (_, i) => data.subarray(i * step, i * step + PROBE_SLICE_BYTES)));
}

/** True when the sample compressed at level 1 saves at least MIN_SAVING. */
function saves(sample: Buffer, packed: Buffer): boolean {
  return packed.length <= sample.length * (1 - MIN_SAVING);
}
