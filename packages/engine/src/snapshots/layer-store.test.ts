import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { LayerStore, chainIds } from './layer-store.js';
import { makeTar } from './tar-fixtures.js';

let root: string;
let store: LayerStore;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'berth-layers-'));
  store = new LayerStore(root);
  await store.init();
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const sha = (data: string | Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const stream = (data: Buffer): Readable => Readable.from([data]);

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(EngineError);
  return (err as EngineError).code;
}

describe('chainIds', () => {
  it('follows the OCI chain ID rule', () => {
    const [a, b, c] = [sha('a'), sha('b'), sha('c')];
    const ab = sha(`${a} ${b}`);
    expect(chainIds([a, b, c])).toEqual([a, ab, sha(`${ab} ${c}`)]);
    expect(chainIds([])).toEqual([]);
    expect(() => chainIds(['not-a-digest'])).toThrow(EngineError);
  });
});

describe('LayerStore', () => {
  it('unpacks a base layer and a child layer under their chain IDs', async () => {
    const baseTar = await makeTar([{ name: 'etc/os-release', body: 'ID=berth\n' }]);
    const base = await store.create(null, stream(gzipSync(baseTar)), sha(baseTar));
    expect(base).toMatchObject({ chainId: sha(baseTar), diffId: sha(baseTar), parent: null, size: 9 });
    expect(await readFile(path.join(store.diffDir(base.chainId), 'etc', 'os-release'), 'utf8')).toBe('ID=berth\n');

    const childTar = await makeTar([{ name: 'etc/.wh.os-release', body: '' }, { name: 'app', body: 'bin' }]);
    const child = await store.create(base.chainId, stream(childTar));
    expect(child.chainId).toBe(chainIds([base.diffId, sha(childTar)])[1]);
    expect(child.parent).toBe(base.chainId);
    expect(store.diffDir(child.chainId)).toBe(path.join(root, child.chainId.slice(7), 'diff'));

    const record = JSON.parse(await readFile(path.join(root, child.chainId.slice(7), 'layer.json'), 'utf8')) as unknown;
    expect(record).toEqual(child);
    expect(await store.get(child.chainId)).toEqual(child);
    expect(await store.has(base.chainId)).toBe(true);
    expect((await store.list()).map((l) => l.chainId).sort()).toEqual([base.chainId, child.chainId].sort());
    expect((await readdir(root)).filter((n) => n.endsWith('.incomplete'))).toEqual([]);
  });

  it('returns the existing layer when the same layer is unpacked again', async () => {
    const tarball = await makeTar([{ name: 'f', body: 'same' }]);
    const first = await store.create(null, stream(tarball));
    const [second, third] = await Promise.all([store.create(null, stream(tarball)), store.create(null, stream(gzipSync(tarball)))]);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(await readdir(root)).toEqual([first.chainId.slice(7)]);
  });

  it('rejects a diff ID mismatch and a hostile layer, leaving nothing behind', async () => {
    const tarball = await makeTar([{ name: 'f', body: 'content' }]);
    expect(await codeOf(store.create(null, stream(tarball), sha('other')))).toBe('INVALID_ARGUMENT');
    const hostile = await makeTar([{ name: 'x', type: 'symlink', linkname: '/' }, { name: 'x/etc/pwned', body: 'y' }]);
    expect(await codeOf(store.create(null, stream(hostile)))).toBe('INVALID_ARGUMENT');
    expect(await readdir(root)).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  it('requires the parent layer and valid chain IDs', async () => {
    const source = stream(await makeTar([{ name: 'f', body: 'x' }]));
    expect(await codeOf(store.create(sha('missing parent'), source))).toBe('NOT_FOUND');
    expect(source.destroyed).toBe(true);
    expect(await codeOf(store.get('sha256:../../etc'))).toBe('INVALID_ARGUMENT');
    expect(() => store.diffDir('../x')).toThrow(EngineError);
    expect(await store.get(sha('absent'))).toBeNull();
  });

  it('removes layers', async () => {
    const layer = await store.create(null, stream(await makeTar([{ name: 'd/f', body: 'x' }])));
    await chmod(path.join(store.diffDir(layer.chainId), 'd'), 0o000);
    await store.remove(layer.chainId);
    expect(await store.has(layer.chainId)).toBe(false);
    expect(await readdir(root)).toEqual([]);
    expect(await codeOf(store.remove(layer.chainId))).toBe('NOT_FOUND');
  });

  it('sweeps incomplete layers at start', async () => {
    await mkdir(path.join(root, 'abc.incomplete', 'diff', 'half'), { recursive: true });
    await writeFile(path.join(root, 'abc.incomplete', 'diff', 'half', 'file'), 'partial');
    const kept = await store.create(null, stream(await makeTar([{ name: 'k', body: 'k' }])));
    await new LayerStore(root).init();
    expect(await readdir(root)).toEqual([kept.chainId.slice(7)]);
  });
  it('unpacks a layer out of sight before its parent is there, and commits it once the parent is', async () => {
    const baseTar = await makeTar([{ name: 'base', body: 'b' }]);
    const childTar = await makeTar([{ name: 'child', body: 'c' }]);
    const child = await store.unpack(stream(gzipSync(childTar)));
    expect(child.diffId).toBe(sha(childTar));
    // Only an incomplete directory, which nothing lists and a restart sweeps.
    expect(await store.list()).toEqual([]);
    expect((await readdir(root)).every((name) => name.endsWith('.incomplete'))).toBe(true);

    const base = await store.create(null, stream(baseTar));
    expect(await codeOf(store.commit(child, sha('missing parent')))).toBe('NOT_FOUND');
    const again = await store.unpack(stream(childTar));
    const committed = await store.commit(again, base.chainId, sha(childTar));
    expect(committed).toMatchObject({ chainId: chainIds([base.diffId, sha(childTar)])[1], parent: base.chainId, size: 1 });
    expect(await readFile(path.join(store.diffDir(committed.chainId), 'child'), 'utf8')).toBe('c');
    expect((await readdir(root)).sort()).toEqual([base.chainId.slice(7), committed.chainId.slice(7)].sort());
  });

  it('drops an unpacked layer whose diff ID does not match, or that is abandoned', async () => {
    const tarball = await makeTar([{ name: 'f', body: 'x' }]);
    const wrong = await store.unpack(stream(tarball));
    expect(await codeOf(store.commit(wrong, null, sha('other')))).toBe('INVALID_ARGUMENT');
    await store.abandon(await store.unpack(stream(tarball)));
    expect(await codeOf(store.unpack(stream(Buffer.from('not a tar archive, not at all'.repeat(40)))))).toBe('INVALID_ARGUMENT');
    expect(await readdir(root)).toEqual([]);
  });
});
