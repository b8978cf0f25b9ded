import { describe, expect, it } from 'vitest';
import { acceptsManifest, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from './media-types.js';

describe('Accept negotiation for manifests', () => {
  it('serves anything without an Accept header or with a wildcard', () => {
    expect(acceptsManifest(undefined, OCI_MANIFEST)).toBe(true);
    expect(acceptsManifest('*/*', OCI_INDEX)).toBe(true);
    expect(acceptsManifest(`${DOCKER_MANIFEST}, */*;q=0.1`, OCI_MANIFEST)).toBe(true);
  });

  it('serves a type the client lists, in one header or several', () => {
    expect(acceptsManifest([DOCKER_MANIFEST, `${OCI_MANIFEST}; q=0.9`], OCI_MANIFEST)).toBe(true);
    expect(acceptsManifest(`${OCI_INDEX},${OCI_MANIFEST}`, OCI_INDEX)).toBe(true);
  });

  it('refuses OCI types and manifest lists to a client that lists only other manifest types', () => {
    expect(acceptsManifest(DOCKER_MANIFEST, OCI_MANIFEST)).toBe(false);
    expect(acceptsManifest(DOCKER_MANIFEST, OCI_INDEX)).toBe(false);
    expect(acceptsManifest(DOCKER_MANIFEST, DOCKER_MANIFEST_LIST)).toBe(false);
    expect(acceptsManifest(`${OCI_MANIFEST};q=0`, OCI_MANIFEST)).toBe(false);
  });

  it('serves schema2 manifests regardless, as distribution does', () => {
    expect(acceptsManifest(OCI_MANIFEST, DOCKER_MANIFEST)).toBe(true);
  });
});
