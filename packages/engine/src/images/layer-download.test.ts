import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore } from '../content/blob-store.js';
import { extractLayer } from '../snapshots/extract.js';
import { type LayerExtractor, LayerStore } from '../snapshots/layer-store.js';
import { makeTar } from '../snapshots/tar-fixtures.js';
import { UnpackPool } from '../snapshots/unpack-pool.js';
import { storeAndUnpack } from './layer-download.js';

let root: string;
let blobs: BlobStore;
let layers: LayerStore;
const pool = new UnpackPool(1);
afterAll(() => pool.close());

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'berth-layer-download-'));
  blobs = new BlobStore(path.join(root, 'content'));
  layers = new LayerStore(path.join(root, 'layers'));
  await Promise.all([blobs.init(), layers.init()]);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const sha = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** The bytes in network-sized chunks; with `corrupt`, the last step throws as the registry client does on a digest mismatch. */
async function* download(data: Buffer, corrupt = false): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += 65_536) yield data.subarray(i, i + 65_536);
  if (corrupt) throw new Error('blob does not match its digest');
}

const leftovers = async (): Promise<string[]> => [
  ...(await readdir(path.join(root, 'content', 'blobs', 'sha256'))),
  ...(await readdir(path.join(root, 'content', 'ingest'))),
  ...(await readdir(path.join(root, 'layers'))),
];

// The daemon unpacks in worker threads (UnpackPool); both ways must behave the same.
const extractors: Array<[string, LayerExtractor]> = [
  ['in this thread', extractLayer],
  ['in a worker thread', (source, dest, limits) => pool.extract(source, dest, limits)],
];

describe.each(extractors)('storeAndUnpack, unpacking %s', (_, chosen) => {
  beforeEach(async () => {
    layers = new LayerStore(path.join(root, 'layers'), { extract: chosen });
    await layers.init();
  });

  it('stores the blob and unpacks the same bytes, uncommitted, for a commit that checks the diff ID', async () => {
    const content = randomBytes(3 * 1024 * 1024);
    const tar = await makeTar([{ name: 'data/big.bin', body: content }, { name: 'etc/hostname', body: 'berth\n' }]);
    const blob = gzipSync(tar);
    const result = await storeAndUnpack(blobs, layers, { digest: sha(blob), size: blob.length, sourceVerifies: true }, download(blob));
    expect(result.layer).not.toBeNull();
    const unpacked = result.layer!;
    expect(unpacked.diffId).toBe(sha(tar));
    expect((await blobs.readBytes(sha(blob))).equals(blob)).toBe(true);
    expect(await layers.list()).toEqual([]);

    const info = await layers.commit(unpacked, null, sha(tar));
    expect((await readFile(path.join(layers.diffDir(info.chainId), 'data', 'big.bin'))).equals(content)).toBe(true);
  });

  it('keeps nothing, blob or unpacked files, when the bytes fail their digest at the end', async () => {
    const tar = await makeTar([{ name: 'f', body: randomBytes(500_000) }]);
    const error = await storeAndUnpack(blobs, layers, { digest: sha(tar), size: tar.length, sourceVerifies: true }, download(tar, true)).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toContain('does not match its digest');
    expect(await leftovers()).toEqual([]);
  });

  it('fails without waiting for bytes the store refused to read, leaving nothing', async () => {
    const tar = await makeTar([{ name: 'f', body: 'x' }]);
    const refused = storeAndUnpack(blobs, layers, { digest: `sha512:${'0'.repeat(128)}`, size: tar.length }, download(tar));
    await expect(refused).rejects.toThrow(/digest/);
    expect(await leftovers()).toEqual([]);
  });

  it('stores a verified blob that is no tar and reports why it could not be unpacked, leaving no unpacked files', async () => {
    const blob = gzipSync(randomBytes(300_000));
    const result = await storeAndUnpack(blobs, layers, { digest: sha(blob), size: blob.length }, download(blob));
    expect(result.layer).toBeNull();
    expect(String((result as { unpackError: unknown }).unpackError)).toMatch(/tar/);
    expect(await blobs.has(sha(blob))).toBe(true);
    expect(await readdir(path.join(root, 'layers'))).toEqual([]);
  });
});
