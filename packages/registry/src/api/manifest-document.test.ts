import { describe, expect, it } from 'vitest';
import { parseManifest, requiredBlobs } from './manifest-document.js';
import { DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST } from './media-types.js';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('a'), size: 2 };
const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('b'), size: 10 };
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

function invalid(body: Buffer, contentType?: string): string {
  try {
    parseManifest(body, contentType);
  } catch (err) {
    expect((err as { code: string }).code).toBe('MANIFEST_INVALID');
    return (err as Error).message;
  }
  throw new Error('expected MANIFEST_INVALID');
}

describe('parseManifest', () => {
  it('reads an OCI image manifest and its references', () => {
    const doc = parseManifest(json({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] }), OCI_MANIFEST);
    expect(doc.kind).toBe('manifest');
    expect(requiredBlobs(doc).map((x) => x.digest)).toEqual([d('a'), d('b')]);
    expect(doc.artifactType).toBe(config.mediaType);
  });

  it('takes the type from mediaType when the Content-Type is generic, and infers it when both are missing', () => {
    expect(parseManifest(json({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config, layers: [] }), 'application/json').mediaType).toBe(DOCKER_MANIFEST);
    expect(parseManifest(json({ schemaVersion: 2, manifests: [] }), undefined).mediaType).toBe(OCI_INDEX);
  });

  it('keeps artifactType, subject and annotations, and skips non-distributable layers', () => {
    const foreign = { ...layer, digest: d('c'), mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar', urls: ['https://x'] };
    const doc = parseManifest(
      json({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/x-sbom', config, layers: [layer, foreign], subject: { ...config, digest: d('e') }, annotations: { k: 'v' } }),
      OCI_MANIFEST,
    );
    expect(doc.artifactType).toBe('application/x-sbom');
    expect(doc.subject?.digest).toBe(d('e'));
    expect(doc.annotations).toEqual({ k: 'v' });
    expect(requiredBlobs(doc).map((x) => x.digest)).toEqual([d('a'), d('b')]);
  });

  it('refuses a mediaType that disagrees with the Content-Type', () => {
    expect(invalid(json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }), OCI_MANIFEST)).toMatch(/does not match/);
  });

  it('refuses a document that is both a manifest and an index (CVE-2021-41190)', () => {
    expect(invalid(json({ schemaVersion: 2, config, layers: [layer], manifests: [] }), OCI_MANIFEST)).toMatch(/ambiguous/);
    expect(invalid(json({ schemaVersion: 2, layers: [layer], manifests: [] }), OCI_INDEX)).toMatch(/ambiguous/);
  });

  it('refuses bad JSON, schema1, bad descriptors and unknown types', () => {
    invalid(Buffer.from('{nope'), OCI_MANIFEST);
    invalid(json({ schemaVersion: 1, name: 'x' }), 'application/vnd.docker.distribution.manifest.v1+prettyjws');
    invalid(json({ schemaVersion: 2, config: { ...config, digest: 'sha256:nothex' }, layers: [] }), OCI_MANIFEST);
    invalid(json({ schemaVersion: 2, config: { ...config, size: -1 }, layers: [] }), OCI_MANIFEST);
    invalid(json({ schemaVersion: 2, config, layers: 'x' }), OCI_MANIFEST);
    invalid(json({ schemaVersion: 2, mediaType: 'application/x-mine', config, layers: [] }), 'application/x-mine');
    invalid(json([1, 2]), OCI_MANIFEST);
  });
});
