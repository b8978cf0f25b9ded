import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { EngineError } from '../errors.js';

const SNIFF_BYTES = 6;

/**
 * Output chunk of the gunzip stream. Every chunk in and out of zlib is a round trip to the thread pool,
 * and every chunk the tar parser passes on is one file write: zlib's default of 16 KiB makes thousands of
 * them per 256 MiB layer and inflates it about 4× slower than 1 MiB here.
 */
export const GUNZIP_CHUNK = 1024 * 1024;

/** The source (network chunks of about 64 KiB) is handed on in blocks of at least this size, for the same reason. */
const BLOCK_BYTES = 1024 * 1024;

/** Compression formats recognised by their magic bytes; only gzip can be unpacked for now. */
const MAGIC: Array<{ name: string; bytes: number[] }> = [
  { name: 'gzip', bytes: [0x1f, 0x8b] },
  { name: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'bzip2', bytes: [0x42, 0x5a, 0x68] },
];

/**
 * A layer blob turned into its uncompressed tar stream: gzip is detected by its magic bytes and inflated,
 * and every uncompressed byte is hashed (the diff ID) and counted against a ceiling as it passes.
 */
export class LayerStream {
  /** The uncompressed tar bytes; fails with INVALID_ARGUMENT past `maxBytes` or on corrupt gzip. */
  readonly tar: Readable;
  private readonly hash = createHash('sha256');
  private isCompressed = false;
  private sourceFailure: { error: unknown } | null = null;
  private bytes = 0;

  /** `digest: false` skips the hashing, for trees whose diff ID nobody asks for (a build context, `docker cp`). */
  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly maxBytes: number,
    private readonly digest = true,
  ) {
    this.tar = Readable.from(this.uncompressed(source), { objectMode: false });
  }

  /** True when the blob was gzip-compressed (known once the stream has started). */
  get compressed(): boolean {
    return this.isCompressed;
  }

  /** `sha256:` of the uncompressed tar; meaningful once `tar` has been read to the end. */
  diffId(): string {
    if (!this.digest) throw new EngineError('INTERNAL', 'the diff ID of a layer stream read without its digest was asked for');
    return `sha256:${this.hash.copy().digest('hex')}`;
  }

  /** True when `err` came from the caller's source stream rather than from the layer's content. */
  isSourceError(err: unknown): boolean {
    return this.sourceFailure !== null && this.sourceFailure.error === err;
  }

  private async *uncompressed(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
    const iterator = source[Symbol.asyncIterator]();
    const head: Buffer[] = [];
    let headBytes = 0;
    while (headBytes < SNIFF_BYTES) {
      const next = await this.guard(() => iterator.next());
      if (next.done) break;
      const chunk = asBuffer(next.value);
      head.push(chunk);
      headBytes += chunk.length;
    }
    const start = Buffer.concat(head);
    const format = MAGIC.find(({ bytes }) => bytes.every((byte, i) => start[i] === byte))?.name;
    if (format !== undefined && format !== 'gzip') {
      await iterator.return?.()?.catch(() => undefined);
      throw new EngineError('INVALID_ARGUMENT', `${format}-compressed layers are not supported; use gzip or an uncompressed tar`);
    }
    this.isCompressed = format === 'gzip';
    const raw = Readable.from(this.rest(start, iterator), { objectMode: false });
    const body = this.isCompressed ? pipeline(raw, createGunzip({ chunkSize: GUNZIP_CHUNK }), () => undefined) : raw;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        this.bytes += chunk.length;
        if (this.bytes > this.maxBytes) {
          throw new EngineError('INVALID_ARGUMENT', `layer is larger than the limit of ${this.maxBytes} uncompressed bytes`);
        }
        if (this.digest) this.hash.update(chunk);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof EngineError || this.isSourceError(err)) throw err;
      throw new EngineError('INVALID_ARGUMENT', `layer is not a valid gzip stream: ${(err as Error).message}`, { cause: err });
    }
  }

  private async *rest(start: Buffer, iterator: AsyncIterator<Uint8Array>): AsyncGenerator<Buffer> {
    const block: Buffer[] = start.length > 0 ? [start] : [];
    let blockBytes = start.length;
    try {
      for (;;) {
        const next = await this.guard(() => iterator.next());
        if (!next.done) {
          block.push(asBuffer(next.value));
          blockBytes += next.value.byteLength;
        }
        if (blockBytes > 0 && (next.done || blockBytes >= BLOCK_BYTES)) {
          yield block.length === 1 ? block[0]! : Buffer.concat(block, blockBytes);
          block.length = 0;
          blockBytes = 0;
        }
        if (next.done) return;
      }
    } finally {
      await iterator.return?.()?.catch(() => undefined);
    }
  }

  private async guard<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      this.sourceFailure = { error };
      throw error;
    }
  }
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
