import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { BlobStore } from '../content/blob-store.js';
import type { BlobRole } from '../images/image-ports.js';
import { GzipPool } from '../snapshots/gzip-pool.js';
import { LAYER_BLOCK_BYTES, storeLayerBlob } from './layer-blob.js';

let dir: string;
let blobs: BlobStore;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'layer-blob-'));
  blobs = new BlobStore(dir);
  await blobs.init();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const sha = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Text that compresses and random bytes that do not, in stretches across several blocks. */
function layerLike(bytes: number): Buffer {
  const parts: Buffer[] = [];
  for (let n = 0, i = 0; n < bytes; i++) {
    const part = i % 3 === 2 ? randomBytes(700_000) : Buffer.from(`line ${i} of a package list: Version 1.${i}\n`.repeat(30_000));
    parts.push(part);
    n += part.length;
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

/** `data` as a stream of chunks of the given sizes, in turn. */
function chunked(data: Buffer, sizes: number[]): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return Readable.from(chunks);
}

/** Offsets where the gzip members of `blob` start, found by inflating each member's deflate stream in turn. */
function memberStarts(blob: Buffer): number[] {
  const starts: number[] = [];
  let at = 0;
  while (at < blob.length) {
    starts.push(at);
    expect(blob.subarray(at, at + 3)).toEqual(Buffer.from([0x1f, 0x8b, 0x08]));
    const result = inflateRawSync(blob.subarray(at + 10), { info: true }) as unknown as { engine: { bytesWritten: number } };
    at += 10 + result.engine.bytesWritten + 8;
  }
  return starts;
}

describe('storing a layer tar as a gzip blob', () => {
  it('gunzips back to the tar, whose digest is the diff ID, in members of one block each, in order', async () => {
    const tar = layerLike(3 * LAYER_BLOCK_BYTES + 12_345);
    const stored = await storeLayerBlob(chunked(tar, [65_536]), blobs);
    expect(stored.diffId).toBe(sha(tar));
    const blob = await readFile(blobs.path(stored.blob.digest));
    expect(stored.blob).toEqual({ digest: sha(blob), size: blob.length });
    expect(gunzipSync(blob).equals(tar)).toBe(true);
    expect(blob.length).toBeLessThan(tar.length * 0.6);
    const starts = memberStarts(blob);
    expect(starts).toHaveLength(4);
    starts.forEach((start, i) => {
      const end = starts[i + 1] ?? blob.length;
      const member = gunzipSync(blob.subarray(start, end));
      expect(member.equals(tar.subarray(i * LAYER_BLOCK_BYTES, (i + 1) * LAYER_BLOCK_BYTES))).toBe(true);
    });
  });

  it('gives the same blob for the same tar however the tar arrives in chunks, in worker threads or not', async () => {
    const tar = layerLike(2 * LAYER_BLOCK_BYTES + 999);
    const first = await storeLayerBlob(chunked(tar, [65_536]), blobs);
    const second = await storeLayerBlob(chunked(tar, [1, 333_333, 4 * 1024 * 1024 + 7, 512]), blobs);
    const pool = new GzipPool(2);
    try {
      // The daemon's way: blocks compressed by the gzip pool's workers.
      const third = await storeLayerBlob(Readable.from([tar]), blobs, { compress: (block, opts) => pool.compress(block, opts) });
      expect(third).toEqual(first);
    } finally {
      await pool.close();
    }
    expect(second).toEqual(first);
  });

  it('keeps a small layer in one member', async () => {
    const tar = layerLike(200_000);
    const stored = await storeLayerBlob(chunked(tar, [10_000]), blobs);
    const blob = await readFile(blobs.path(stored.blob.digest));
    expect(memberStarts(blob)).toEqual([0]);
    expect(gunzipSync(blob).equals(tar)).toBe(true);
  });

  it('reads only a bounded amount ahead of a blob store that does not keep up', async () => {
    const total = 24 * LAYER_BLOCK_BYTES;
    let pulled = 0;
    const block = layerLike(LAYER_BLOCK_BYTES);
    const source = Readable.from((function* () {
      for (let i = 0; i < total / 65_536; i++) {
        pulled += 65_536;
        yield block.subarray((i * 65_536) % LAYER_BLOCK_BYTES, ((i * 65_536) % LAYER_BLOCK_BYTES) + 65_536);
      }
    })());
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let pulledWhileHeld = 0;
    // Only ingest is used in storing a layer blob.
    const slow = {
      ingest: async (stream: AsyncIterable<Uint8Array>) => {
        // Nothing is read from the compressor until the source has had time to run ahead.
        await held;
        pulledWhileHeld = pulled;
        return blobs.ingest(stream);
      },
    } as unknown as BlobRole;
    const storing = storeLayerBlob(source, slow);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    release();
    const stored = await storing;
    expect(pulledWhileHeld).toBeGreaterThan(0);
    expect(pulledWhileHeld).toBeLessThan(12 * LAYER_BLOCK_BYTES);
    expect(pulled).toBe(total);
    expect(gunzipSync(await readFile(blobs.path(stored.blob.digest))).length).toBe(total);
  });
});
