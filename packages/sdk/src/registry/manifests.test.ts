import { describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../protocol/manifests.js';
import { parseManifest } from './manifests.js';

const descriptor = { mediaType: MEDIA_TYPES.OCI_CONFIG, digest: `sha256:${'a'.repeat(64)}`, size: 2 };
const json = (doc: object) => Buffer.from(JSON.stringify(doc));

describe('parseManifest', () => {
  it('takes the media type from the document, else from Content-Type, else from the shape', () => {
    const docker = json({ schemaVersion: 2, mediaType: MEDIA_TYPES.DOCKER_MANIFEST, config: descriptor, layers: [] });
    expect(parseManifest(docker, `${MEDIA_TYPES.DOCKER_MANIFEST}; charset=utf-8`, 'm').mediaType).toBe(MEDIA_TYPES.DOCKER_MANIFEST);
    const bare = json({ schemaVersion: 2, manifests: [] });
    expect(parseManifest(bare, MEDIA_TYPES.DOCKER_MANIFEST_LIST, 'm').mediaType).toBe(MEDIA_TYPES.DOCKER_MANIFEST_LIST);
    expect(parseManifest(bare, 'application/json', 'm').mediaType).toBe(MEDIA_TYPES.OCI_INDEX);
    expect(parseManifest(json({ schemaVersion: 2, config: descriptor, layers: [] }), undefined, 'm').mediaType).toBe(MEDIA_TYPES.OCI_MANIFEST);
  });

  it('refuses ambiguous and mislabelled documents (CVE-2021-41190)', () => {
    const both = json({ schemaVersion: 2, mediaType: MEDIA_TYPES.OCI_INDEX, manifests: [], layers: [] });
    expect(() => parseManifest(both, MEDIA_TYPES.OCI_INDEX, 'manifest for r/a:1')).toThrow('manifest for r/a:1 is not a valid manifest: it has both manifests and layers');
    const image = json({ schemaVersion: 2, mediaType: MEDIA_TYPES.OCI_MANIFEST, config: descriptor, layers: [] });
    expect(() => parseManifest(image, MEDIA_TYPES.DOCKER_MANIFEST, 'm')).toThrow('disagrees with Content-Type');
    const shape = json({ schemaVersion: 2, mediaType: MEDIA_TYPES.OCI_INDEX, config: descriptor, layers: [] });
    expect(() => parseManifest(shape, undefined, 'm')).toThrow('does not fit media type');
  });

  it('refuses schema1, non-JSON and shapeless documents as INVALID_ARGUMENT', () => {
    for (const bytes of [json({ schemaVersion: 1, name: 'x' }), Buffer.from('not json'), json({ schemaVersion: 2 }), json([1])]) {
      expect(() => parseManifest(bytes, undefined, 'm')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});
