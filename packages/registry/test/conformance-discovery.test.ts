import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { content, descriptor, imageIndex, imageManifest, OCI_EMPTY, OCI_INDEX, OCI_LAYER, OCI_MANIFEST, randomBlob, smallImage, type Manifest } from './support/oci.js';
import { pushBlob, pushImage, pushManifest, startTestRegistry, type TestRegistry } from './support/registry.js';

// Content discovery: tag listing with n/last and Link, the catalog, and the referrers API.
let registry: TestRegistry;
let url: string;
beforeAll(async () => {
  registry = await startTestRegistry();
  url = registry.url;
});
afterAll(async () => registry?.destroy());

interface TagList {
  name: string;
  tags: string[];
}

describe('tags/list', () => {
  const tags = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  beforeAll(async () => {
    const image = smallImage();
    await pushImage(url, 'disc/tags', tags[0]!, image);
    for (const tag of tags.slice(1)) expect((await pushManifest(url, 'disc/tags', tag, image.manifest)).status).toBe(201);
  });

  it('lists every tag in lexical order', async () => {
    const r = await request(`${url}/v2/disc/tags/tags/list`);
    expect(r.status).toBe(200);
    expect(r.json<TagList>()).toEqual({ name: 'disc/tags', tags });
    expect(r.header('link')).toBeUndefined();
  });

  it('pages with n and last, following the Link header to the end', async () => {
    const seen: string[] = [];
    let next: string | undefined = '/v2/disc/tags/tags/list?n=3';
    let pages = 0;
    while (next !== undefined) {
      const r = await request(`${url}${next}`);
      expect(r.status).toBe(200);
      const page = r.json<TagList>();
      expect(page.tags.length).toBeLessThanOrEqual(3);
      seen.push(...page.tags);
      next = /^<([^>]+)>; rel="next"$/.exec(r.header('link') ?? '')?.[1];
      pages++;
    }
    expect(seen).toEqual(tags);
    expect(pages).toBe(3);
    const after = await request(`${url}/v2/disc/tags/tags/list?n=2&last=c`);
    expect(after.json<TagList>().tags).toEqual(['d', 'e']);
    expect(after.header('link')).toBe('</v2/disc/tags/tags/list?last=e&n=2>; rel="next"');
  });

  it('n=0 is an empty list without a Link', async () => {
    const r = await request(`${url}/v2/disc/tags/tags/list?n=0`);
    expect(r.json<TagList>().tags).toEqual([]);
    expect(r.header('link')).toBeUndefined();
  });

  it('an unknown repository is 404 NAME_UNKNOWN', async () => {
    const r = await request(`${url}/v2/disc/nothing/tags/list`);
    expect(r.status).toBe(404);
    expect(r.code()).toBe('NAME_UNKNOWN');
  });
});

describe('_catalog', () => {
  it('lists repositories in order and pages with Link', async () => {
    for (const repo of ['cat/x', 'cat/y', 'cat/z']) expect((await pushBlob(url, repo, randomBlob(16))).status).toBe(201);
    const all = (await request(`${url}/v2/_catalog`)).json<{ repositories: string[] }>().repositories;
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(['cat/x', 'cat/y', 'cat/z']));
    const first = await request(`${url}/v2/_catalog?n=1&last=cat/w`);
    expect(first.json<{ repositories: string[] }>().repositories).toEqual(['cat/x']);
    expect(first.header('link')).toBe(`</v2/_catalog?last=${encodeURIComponent('cat/x')}&n=1>; rel="next"`);
  });
});

describe('referrers', () => {
  let subject: Manifest;
  let sbom: Manifest;
  let signature: Manifest;
  let indexReferrer: Manifest;
  beforeAll(async () => {
    const image = smallImage();
    await pushImage(url, 'disc/refs', 'image', image);
    subject = image.manifest;
    const empty = content('{}');
    const layer = randomBlob(32);
    for (const blob of [empty, layer]) expect((await pushBlob(url, 'disc/refs', blob)).status).toBe(201);
    const subjectDescriptor = descriptor(subject, OCI_MANIFEST);
    sbom = imageManifest({
      config: descriptor(empty, OCI_EMPTY), layers: [descriptor(layer, OCI_LAYER)], subject: subjectDescriptor,
      artifactType: 'application/vnd.example.sbom', annotations: { 'org.example.kind': 'sbom' },
    });
    // No artifactType: the config's media type stands in for it.
    signature = imageManifest({ config: descriptor(empty, 'application/vnd.example.signature'), layers: [descriptor(layer, OCI_LAYER)], subject: subjectDescriptor });
    indexReferrer = imageIndex([descriptor(sbom, OCI_MANIFEST)], { subject: subjectDescriptor, annotations: { 'org.example.kind': 'bundle' } });
    for (const m of [sbom, signature]) expect((await pushManifest(url, 'disc/refs', m.digest, m)).status).toBe(201);
    expect((await pushManifest(url, 'disc/refs', 'bundle', indexReferrer)).status).toBe(201);
  });

  it('lists every manifest whose subject is the digest, as an OCI index', async () => {
    const r = await request(`${url}/v2/disc/refs/referrers/${subject.digest}`);
    expect(r.status).toBe(200);
    expect(r.header('content-type')).toBe(OCI_INDEX);
    expect(r.header('oci-filters-applied')).toBeUndefined();
    const index = r.json<{ schemaVersion: number; mediaType: string; manifests: Record<string, unknown>[] }>();
    expect(index.schemaVersion).toBe(2);
    expect(index.mediaType).toBe(OCI_INDEX);
    const byDigest = new Map(index.manifests.map((m) => [m.digest, m]));
    expect(byDigest.size).toBe(3);
    expect(byDigest.get(sbom.digest)).toEqual({
      mediaType: OCI_MANIFEST, digest: sbom.digest, size: sbom.size,
      artifactType: 'application/vnd.example.sbom', annotations: { 'org.example.kind': 'sbom' },
    });
    expect(byDigest.get(signature.digest)).toMatchObject({ artifactType: 'application/vnd.example.signature' });
    const bundle = byDigest.get(indexReferrer.digest)!;
    expect(bundle).toMatchObject({ mediaType: OCI_INDEX, annotations: { 'org.example.kind': 'bundle' } });
    expect(bundle.artifactType).toBeUndefined();
  });

  it('filters by artifactType and says so in OCI-Filters-Applied', async () => {
    const r = await request(`${url}/v2/disc/refs/referrers/${subject.digest}?artifactType=${encodeURIComponent('application/vnd.example.sbom')}`);
    expect(r.status).toBe(200);
    expect(r.header('oci-filters-applied')).toBe('artifactType');
    expect(r.json<{ manifests: { digest: string }[] }>().manifests.map((m) => m.digest)).toEqual([sbom.digest]);
  });

  it('an unknown subject or repository has an empty list, never 404; a bad digest is 400', async () => {
    for (const path of [`disc/refs/referrers/${randomBlob(4).digest}`, `disc/none/referrers/${subject.digest}`]) {
      const r = await request(`${url}/v2/${path}`);
      expect(r.status).toBe(200);
      expect(r.json<{ manifests: unknown[] }>().manifests).toEqual([]);
    }
    const bad = await request(`${url}/v2/disc/refs/referrers/sha256:nothex`);
    expect(bad.status).toBe(400);
    expect(bad.code()).toBe('DIGEST_INVALID');
  });
});
