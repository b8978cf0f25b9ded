import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { makeTar, snapshotTree } from './tar-fixtures.js';
import { UnpackPool } from './unpack-pool.js';

let base: string;
const pool = new UnpackPool(2);
afterAll(() => pool.close());

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'berth-unpack-pool-'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const sha = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function freshDir(name: string): Promise<string> {
  const dir = path.join(base, name);
  await mkdir(dir);
  return dir;
}

/** Network-sized chunks of `data`, as a download hands them on. */
function chunked(data: Buffer): Readable {
  return Readable.from((function* () {
    for (let i = 0; i < data.length; i += 65_536) yield data.subarray(i, i + 65_536);
  })());
}

describe('UnpackPool', () => {
  it('unpacks several gzip layers at once in worker threads, with the diff ID of each uncompressed tar', async () => {
    const layers = await Promise.all(Array.from({ length: 4 }, async (_, i) => {
      const body = randomBytes(3 * 1024 * 1024 + i);
      return { body, tar: await makeTar([{ name: `d${i}/data.bin`, body }, { name: `.wh.gone${i}`, body: '' }]) };
    }));
    const results = await Promise.all(layers.map(async ({ tar }, i) => pool.extract(chunked(gzipSync(tar)), await freshDir(`l${i}`))));
    for (const [i, result] of results.entries()) {
      expect(result).toEqual({ diffId: sha(layers[i]!.tar), size: layers[i]!.body.length, compressed: true });
      expect((await readFile(path.join(base, `l${i}`, `d${i}`, 'data.bin'))).equals(layers[i]!.body)).toBe(true);
    }
  });

  it('reads the source no further ahead of the unpacker than a few MiB', async () => {
    // A worker that never reads what it is sent: the pool must stop reading the source.
    const stuck = new UnpackPool(1, { url: new URL("data:text/javascript,import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => {});"), execArgv: [] });
    let read = 0;
    const source = Readable.from((function* () {
      for (;;) {
        read += 65_536;
        yield Buffer.alloc(65_536);
      }
    })());
    const unpacking = stuck.extract(source, await freshDir('l')).catch((err: unknown) => err);
    const deadline = Date.now() + 5000;
    while (read < 4 * 1024 * 1024 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(read).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    expect(read).toBeLessThan(8 * 1024 * 1024);
    await stuck.close();
    expect(await unpacking).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('fails with the source error when the download breaks off, and writes nothing more after', async () => {
    const tar = await makeTar([{ name: 'a.bin', body: randomBytes(2 * 1024 * 1024) }, { name: 'b.bin', body: randomBytes(2 * 1024 * 1024) }]);
    const source = new PassThrough({ objectMode: true });
    const dest = await freshDir('l');
    const unpacking = pool.extract(source, dest);
    source.write(tar.subarray(0, 3 * 1024 * 1024));
    source.destroy(new Error('the layer download stopped'));
    await expect(unpacking).rejects.toThrow('the layer download stopped');
    const after = await snapshotTree(dest);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await snapshotTree(dest)).toEqual(after);
  });

  it('stops the job when its signal aborts', async () => {
    const source = new PassThrough({ objectMode: true });
    const controller = new AbortController();
    const unpacking = pool.extract(source, await freshDir('l'), {}, controller.signal);
    source.write(await makeTar([{ name: 'f', body: 'x' }]).then((t) => t.subarray(0, 512)));
    controller.abort(new EngineError('UNAVAILABLE', 'the pull was cancelled'));
    await expect(unpacking).rejects.toThrow('the pull was cancelled');
    expect(source.destroyed).toBe(true);
  });

  it('passes the unpacker errors back as the same EngineErrors and destroys the source', async () => {
    const source = chunked(await makeTar([{ name: '../escape', body: 'x' }]));
    const error = await pool.extract(source, await freshDir('l')).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/"\.\.\/escape" escapes the layer root/) });
    expect(await readdir(path.join(base, 'l'))).toEqual([]);
  });

  it('fails the layer, not the process, when its worker dies', async () => {
    const broken = new UnpackPool(1, { url: new URL('data:text/javascript,setTimeout(() => { throw new Error("boom") }, 10)'), execArgv: [] });
    const error = await broken.extract(chunked(Buffer.alloc(1024)), await freshDir('l')).catch((err: unknown) => err);
    await broken.close();
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/layer unpack worker stopped \(boom/) });
  });
});
