import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { BlobStore } from './blob-store.js';
import { sha256Digest } from './digest.js';

let root: string;
let store: BlobStore;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'berth-blobs-'));
  store = new BlobStore(root);
  await store.init();
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(EngineError);
  expect((err as EngineError).code).toBe(code);
}

describe('BlobStore', () => {
  it('ingests a stream, verifying digest and size, and reads it back', async () => {
    const data = Buffer.from('hello berth');
    const digest = sha256Digest(data);
    const ref = await store.ingest(Readable.from([data.subarray(0, 5), data.subarray(5)]), { digest, size: data.length });
    expect(ref).toEqual({ digest, size: data.length });
    expect(await store.has(digest)).toBe(true);
    expect(await store.size(digest)).toBe(data.length);
    expect(await store.readBytes(digest)).toEqual(data);
    expect(await text(store.open(digest, 6))).toBe('berth');
    expect(await store.list()).toEqual([digest]);
    expect(store.path(digest)).toBe(path.join(root, 'blobs', 'sha256', digest.slice(7)));
    expect(await readdir(path.join(root, 'ingest'))).toEqual([]);
  });

  it('rejects a digest mismatch and leaves nothing behind', async () => {
    const wrong = sha256Digest('something else');
    await expectCode(store.putBytes(Buffer.from('payload'), { digest: wrong }), 'INVALID_ARGUMENT');
    expect(await store.list()).toEqual([]);
    expect(await store.has(wrong)).toBe(false);
    expect(await readdir(path.join(root, 'ingest'))).toEqual([]);
  });

  it('rejects a size mismatch in either direction and leaves nothing behind', async () => {
    await expectCode(store.putBytes(Buffer.from('12345'), { size: 4 }), 'INVALID_ARGUMENT');
    await expectCode(store.putBytes(Buffer.from('12345'), { size: 6 }), 'INVALID_ARGUMENT');
    expect(await store.list()).toEqual([]);
    expect(await readdir(path.join(root, 'ingest'))).toEqual([]);
  });

  it('stops reading a source that runs past the expected size', async () => {
    let produced = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        produced += 1024;
        yield new Uint8Array(1024);
      }
    }
    await expectCode(store.ingest(endless(), { size: 4096 }), 'INVALID_ARGUMENT');
    expect(produced).toBeLessThanOrEqual(8192);
    expect(await readdir(path.join(root, 'ingest'))).toEqual([]);
  });

  it('is idempotent when the blob already exists', async () => {
    const first = await store.putBytes(Buffer.from('same'));
    const second = await store.ingest(Readable.from([Buffer.from('sa'), Buffer.from('me')]));
    expect(second).toEqual(first);
    expect(await store.list()).toEqual([first.digest]);
  });

  it('removes a source error temp file and passes the error through', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('partial');
      throw new Error('connection reset');
    }
    await expect(store.ingest(failing())).rejects.toThrow('connection reset');
    expect(await readdir(path.join(root, 'ingest'))).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  it('reports missing blobs as NOT_FOUND', async () => {
    const missing = sha256Digest('missing');
    expect(await store.has(missing)).toBe(false);
    await expectCode(store.readBytes(missing), 'NOT_FOUND');
    await expectCode(store.size(missing), 'NOT_FOUND');
    await expectCode(store.delete(missing), 'NOT_FOUND');
    await expectCode(text(store.open(missing)), 'NOT_FOUND');
  });

  it('deletes blobs', async () => {
    const { digest } = await store.putBytes(Buffer.from('bye'));
    await store.delete(digest);
    expect(await store.has(digest)).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('validates digests before they reach a path', async () => {
    const bad = ['sha256:../../etc/passwd', `sha256:${'A'.repeat(64)}`, `sha512:${'a'.repeat(64)}`, `sha256:${'a'.repeat(63)}`, ''];
    for (const digest of bad) {
      expect(() => store.path(digest)).toThrow(EngineError);
      expect(() => store.open(digest)).toThrow(EngineError);
      await expectCode(store.has(digest), 'INVALID_ARGUMENT');
      await expectCode(store.readBytes(digest), 'INVALID_ARGUMENT');
      await expectCode(store.delete(digest), 'INVALID_ARGUMENT');
      await expectCode(store.putBytes(Buffer.from('x'), { digest }), 'INVALID_ARGUMENT');
    }
  });

  it('sweeps leftover ingest files at init and ignores strangers in the blob dir', async () => {
    await writeFile(path.join(root, 'ingest', 'crashed-write'), 'half a blob');
    await writeFile(path.join(root, 'blobs', 'sha256', 'not-a-digest'), 'junk');
    await store.init();
    expect(await readdir(path.join(root, 'ingest'))).toEqual([]);
    expect(await store.list()).toEqual([]);
  });
  it('writes a blob of many chunks in order, across write batches', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 12_345);
    const chunks = Array.from({ length: Math.ceil(data.length / 65_536) }, (_, i) => data.subarray(i * 65_536, (i + 1) * 65_536));
    const digest = sha256Digest(data);
    await store.ingest(Readable.from(chunks), { digest, size: data.length });
    expect((await store.readBytes(digest)).equals(data)).toBe(true);
    expect((await buffer(store.open(digest, 100))).equals(data.subarray(100))).toBe(true);
  });

  it('takes the digest from a source that verifies itself, and keeps nothing when that source fails at its end', async () => {
    const data = Buffer.from('verified upstream');
    const digest = sha256Digest(data);
    expect(await store.ingest(Readable.from([data]), { digest, size: data.length, sourceVerifies: true })).toEqual({ digest, size: data.length });
    expect(await store.readBytes(digest)).toEqual(data);

    const other = sha256Digest('other');
    async function* mismatched(): AsyncGenerator<Buffer> {
      yield Buffer.from('bytes');
      throw new Error('the bytes do not match their digest');
    }
    await expect(store.ingest(mismatched(), { digest: other, sourceVerifies: true })).rejects.toThrow('do not match');
    expect(await store.has(other)).toBe(false);
    expect(await readdir(path.join(root, 'ingest'))).toEqual([]);
    await expectCode(store.ingest(Readable.from([data]), { sourceVerifies: true }), 'INVALID_ARGUMENT');
  });
});
