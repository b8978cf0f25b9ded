import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { EngineError } from '../errors.js';
import { BatchWriter } from './batch-writer.js';
import { digestHex, isDigest } from './digest.js';

/** Bytes read from a blob file at a time. */
const READ_BYTES = 1024 * 1024;

/** What a caller already knows about a blob it is writing; either part is checked. */
export interface ExpectedBlob {
  digest?: string;
  size?: number;
  /**
   * The source itself verifies `digest` while it streams and throws at its end when the bytes do not
   * match (the registry client's downloads do): the store then does not hash them a second time. The
   * blob still becomes visible only after the source ended without an error.
   */
  sourceVerifies?: boolean;
}

/** A verified blob: its digest and its size in bytes. */
export interface BlobRef {
  digest: string;
  size: number;
}

/** Content-addressed blobs on disk: only verified content is ever visible under `blobs/`. */
export class BlobStore {
  private readonly blobsDir: string;
  private readonly ingestDir: string;

  constructor(readonly root: string) {
    this.blobsDir = path.join(root, 'blobs', 'sha256');
    this.ingestDir = path.join(root, 'ingest');
  }

  /** Creates the directories and sweeps partial writes a crash left in the ingest dir. */
  async init(): Promise<void> {
    await mkdir(this.blobsDir, { recursive: true });
    await rm(this.ingestDir, { recursive: true, force: true });
    await mkdir(this.ingestDir, { recursive: true });
  }

  /** The file path of a blob (the digest is validated first). */
  path(digest: string): string {
    return path.join(this.blobsDir, digestHex(digest));
  }

  /** True when the blob is present. */
  async has(digest: string): Promise<boolean> {
    return (await this.statBlob(digest)) !== null;
  }

  /** The blob's size in bytes; NOT_FOUND when it is missing. */
  async size(digest: string): Promise<number> {
    const info = await this.statBlob(digest);
    if (!info) throw notFound(digest);
    return info.size;
  }

  /** Streams content into the store, hashing as it goes; verifies `expected` before the blob becomes visible. */
  async ingest(source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, expected: ExpectedBlob = {}): Promise<BlobRef> {
    if (expected.digest !== undefined) digestHex(expected.digest);
    if (expected.sourceVerifies && expected.digest === undefined) {
      throw new EngineError('INVALID_ARGUMENT', 'a source that verifies itself needs the digest it verifies');
    }
    if (expected.size !== undefined && !(Number.isSafeInteger(expected.size) && expected.size >= 0)) {
      throw new EngineError('INVALID_ARGUMENT', `invalid expected blob size ${expected.size}`);
    }
    const temp = path.join(this.ingestDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    const file = await open(temp, 'wx', 0o644);
    const writer = new BatchWriter(file);
    let closed = false;
    try {
      const hash = expected.sourceVerifies ? null : createHash('sha256');
      let size = 0;
      for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.byteLength;
        if (expected.size !== undefined && size > expected.size) {
          throw new EngineError('INVALID_ARGUMENT', `blob is larger than the expected ${expected.size} bytes`);
        }
        hash?.update(bytes);
        await writer.write(bytes);
      }
      await writer.flush();
      const digest = hash ? `sha256:${hash.digest('hex')}` : expected.digest!;
      if (expected.size !== undefined && size !== expected.size) {
        throw new EngineError('INVALID_ARGUMENT', `blob has ${size} bytes, expected ${expected.size}`);
      }
      if (expected.digest !== undefined && digest !== expected.digest) {
        throw new EngineError('INVALID_ARGUMENT', `blob digest ${digest} does not match the expected ${expected.digest}`);
      }
      await writer.sync();
      await file.close();
      closed = true;
      if (await this.has(digest)) {
        await unlink(temp);
      } else {
        await rename(temp, this.path(digest));
        await syncDir(this.blobsDir);
      }
      return { digest, size };
    } catch (err) {
      await writer.settle();
      if (!closed) await file.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw err;
    }
  }

  /** Stores a byte array as a blob (same verification as `ingest`). */
  async putBytes(data: Uint8Array, expected?: ExpectedBlob): Promise<BlobRef> {
    return this.ingest(
      (async function* once() {
        yield data;
      })(),
      expected,
    );
  }

  /** Reads a whole blob into memory; NOT_FOUND when it is missing. Meant for small blobs (manifests, configs). */
  async readBytes(digest: string): Promise<Buffer> {
    try {
      return await readFile(this.path(digest));
    } catch (err) {
      throw mapMissing(err, digest);
    }
  }

  /** A stream of the blob from byte `start`; the stream fails with NOT_FOUND when the blob is missing. */
  open(digest: string, start = 0): Readable {
    const file = this.path(digest);
    if (!(Number.isSafeInteger(start) && start >= 0)) {
      throw new EngineError('INVALID_ARGUMENT', `invalid read offset ${start} for blob ${digest}`);
    }
    async function* read(): AsyncGenerator<Buffer> {
      let handle;
      try {
        handle = await open(file, 'r');
      } catch (err) {
        throw mapMissing(err, digest);
      }
      try {
        let position = start;
        for (;;) {
          // A fresh buffer per read is handed on as it is (no copy); 1 MiB keeps the reads few.
          const buffer = Buffer.allocUnsafe(READ_BYTES);
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) return;
          position += bytesRead;
          yield buffer.subarray(0, bytesRead);
        }
      } finally {
        await handle.close();
      }
    }
    return Readable.from(read(), { objectMode: false });
  }

  /** Removes a blob; NOT_FOUND when it is missing. */
  async delete(digest: string): Promise<void> {
    try {
      await unlink(this.path(digest));
    } catch (err) {
      throw mapMissing(err, digest);
    }
  }

  /** Digests of every blob in the store. */
  async list(): Promise<string[]> {
    const names = await readdir(this.blobsDir);
    return names.map((name) => `sha256:${name}`).filter(isDigest).sort();
  }

  private async statBlob(digest: string): Promise<{ size: number } | null> {
    try {
      const info = await stat(this.path(digest));
      return info.isFile() ? info : null;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return null;
      throw err;
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

function notFound(digest: string): EngineError {
  return new EngineError('NOT_FOUND', `blob ${digest} not found`);
}

function mapMissing(err: unknown, digest: string): unknown {
  return isErrno(err, 'ENOENT') ? notFound(digest) : err;
}
