import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_TYPES, NotFoundError, RegistryClient, type ImageIndex } from '../src/index.js';
import { collect, manifestUpload, MemorySink, sourceOf, stepsByBlob, testImage, type TestImage } from './support/images.js';
import { startBerthRegistry, startDistribution, type RegistryProcess } from './support/registries.js';

// The same client behaviour against Berth's registry and the CNCF distribution registry.
describe.each([
  ['berth-registry', startBerthRegistry],
  ['distribution', startDistribution],
] as const)('RegistryClient against %s', (_name, start) => {
  let registry: RegistryProcess;
  let client: RegistryClient;

  beforeAll(async () => {
    registry = await start();
    client = new RegistryClient();
  });
  afterAll(async () => {
    client?.close();
    await registry?.stop();
  });

  async function push(repo: string, image: TestImage, mountFrom?: string) {
    return collect(client.push(`${registry.host}/${repo}`, { manifest: image.manifest, source: sourceOf(image), ...(mountFrom && { mountFrom }) }));
  }

  it('pushes an image (config, two layers, manifest) and pulls it back byte for byte', async () => {
    const image = testImage();
    const pushed = await push('team/app:v1', image);
    const last = pushed.at(-1);
    expect(last).toMatchObject({ type: 'manifest-done', reference: `${registry.host}/team/app:v1`, manifest: { digest: image.manifest.digest } });

    const sink = new MemorySink();
    const pulled = await collect(client.pull(`${registry.host}/team/app:v1`, { sink }));
    const done = pulled.at(-1);
    expect(done?.type).toBe('manifest-done');
    if (done?.type !== 'manifest-done') return;
    expect(done.manifest.bytes.equals(image.manifest.bytes)).toBe(true);
    expect(done.manifest).toMatchObject({ digest: image.manifest.digest, mediaType: MEDIA_TYPES.OCI_MANIFEST });
    for (const b of [image.config, ...image.layers]) expect(sink.blobs.get(b.descriptor.digest)?.equals(b.data)).toBe(true);

    const byDigest = await client.getManifest(`${registry.host}/team/app@${image.manifest.digest}`);
    expect(byDigest.bytes.equals(image.manifest.bytes)).toBe(true);
    expect(await client.listTags(`${registry.host}/team/app`)).toEqual(['v1']);
  });

  it('reports progress per blob, and skips blobs the registry or the sink has', async () => {
    const image = testImage({ layerSizes: [400_000, 1_000] });
    const first = await push('progress/app:1', image);
    const big = image.layers[0]!.descriptor;
    expect(stepsByBlob(first)[big.digest]).toEqual(['blob-started', 'blob-done']);
    const progress = first.filter((e) => e.type === 'blob-progress' && e.digest === big.digest);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ type: 'blob-progress', digest: big.digest, current: big.size, total: big.size });

    const again = await push('progress/app:2', image);
    expect(Object.values(stepsByBlob(again))).toEqual([0, 1, 2].map(() => ['blob-started', 'blob-exists']));

    const sink = new MemorySink();
    sink.blobs.set(image.config.descriptor.digest, image.config.data);
    const pulled = await collect(client.pull(`${registry.host}/progress/app:2`, { sink }));
    expect(stepsByBlob(pulled)).toEqual({
      [image.config.descriptor.digest]: ['blob-started', 'blob-exists'],
      [big.digest]: ['blob-started', 'blob-done'],
      [image.layers[1]!.descriptor.digest]: ['blob-started', 'blob-done'],
    });
    const pulledProgress = pulled.filter((e) => e.type === 'blob-progress' && e.digest === big.digest);
    expect(pulledProgress.at(-1)).toMatchObject({ current: big.size, total: big.size });
  });

  it('mounts blobs from another repository, and uploads when the source repository lacks them', async () => {
    const image = testImage();
    await push('mount/source:1', image);
    const mounted = await push('mount/target:1', image, 'mount/source');
    expect(Object.values(stepsByBlob(mounted))).toEqual([0, 1, 2].map(() => ['blob-started', 'blob-mounted']));
    expect(mounted.find((e) => e.type === 'blob-mounted')).toMatchObject({ from: 'mount/source' });
    expect(await client.blobExists(`${registry.host}/mount/target`, image.layers[0]!.descriptor.digest)).toBe(true);

    const other = testImage();
    const fallback = await push('mount/target:2', other, 'mount/empty');
    expect(Object.values(stepsByBlob(fallback))).toEqual([0, 1, 2].map(() => ['blob-started', 'blob-done']));
    const sink = new MemorySink();
    await collect(client.pull(`${registry.host}/mount/target:2`, { sink }));
    expect(sink.blobs.get(other.layers[1]!.descriptor.digest)?.equals(other.layers[1]!.data)).toBe(true);
  });

  it.each([
    ['an OCI index', false],
    ['a Docker manifest list', true],
  ])('pulls the linux/amd64 image of %s', async (_kind, docker) => {
    const amd64 = testImage({ docker, platform: { os: 'linux', architecture: 'amd64' }, layerSizes: [2_000, 3_000] });
    const arm64 = testImage({ docker, platform: { os: 'linux', architecture: 'arm64' }, layerSizes: [2_000, 3_000] });
    const repo = `multi/${docker ? 'docker' : 'oci'}`;
    for (const [tag, image] of [['amd64', amd64], ['arm64', arm64]] as const) await push(`${repo}:${tag}`, image);
    const indexType = docker ? MEDIA_TYPES.DOCKER_MANIFEST_LIST : MEDIA_TYPES.OCI_INDEX;
    const entry = (image: TestImage, architecture: string) => ({
      mediaType: image.manifest.mediaType, digest: image.manifest.digest, size: image.manifest.bytes.length, platform: { os: 'linux', architecture },
    });
    const index: ImageIndex = { schemaVersion: 2, mediaType: indexType, manifests: [entry(arm64, 'arm64'), entry(amd64, 'amd64')] };
    const indexUpload = manifestUpload(index, indexType);
    await collect(client.push(`${registry.host}/${repo}:multi`, { manifest: indexUpload, source: sourceOf() }));

    const { manifest, index: fetchedIndex } = await client.getImageManifest(`${registry.host}/${repo}:multi`);
    expect(fetchedIndex).toMatchObject({ digest: indexUpload.digest, mediaType: indexType });
    expect(manifest.digest).toBe(amd64.manifest.digest);

    const sink = new MemorySink();
    const events = await collect(client.pull(`${registry.host}/${repo}:multi`, { sink, platform: { os: 'linux', architecture: 'arm64' } }));
    expect(events.at(-1)).toMatchObject({ type: 'manifest-done', manifest: { digest: arm64.manifest.digest }, index: { digest: indexUpload.digest } });
    expect(sink.blobs.has(arm64.layers[0]!.descriptor.digest)).toBe(true);
    expect(sink.blobs.has(amd64.layers[0]!.descriptor.digest)).toBe(false);
  });

  it('lists tags and the catalog across pages', async () => {
    const image = testImage({ layerSizes: [100, 100] });
    await push('paged/app:a', image);
    for (const tag of ['b', 'c', 'd', 'e']) await client.putManifest(`${registry.host}/paged/app:${tag}`, image.manifest);
    // distribution 2.8 answers every tag at once, unsorted; Berth's registry pages with Link.
    expect((await client.listTags(`${registry.host}/paged/app`, { pageSize: 2 })).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const repositories = await client.catalog(registry.host, { pageSize: 2 });
    expect(repositories).toEqual(expect.arrayContaining(['paged/app', 'team/app', 'mount/source']));
    expect(repositories).toEqual([...repositories].sort());
  });

  it('says a missing manifest is not found, in Docker\'s words', async () => {
    const err = await client.getManifest(`${registry.host}/team/app:nope`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', ociCode: 'MANIFEST_UNKNOWN', status: 404 });
    expect((err as Error).message).toMatch(new RegExp(`^manifest for ${registry.host}/team/app:nope not found: manifest unknown\\b`));
  });
});
