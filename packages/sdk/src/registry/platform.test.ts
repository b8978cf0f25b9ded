import { describe, expect, it } from 'vitest';
import { MEDIA_TYPES, type Descriptor, type ImageIndex } from '../protocol/manifests.js';
import { parsePlatform, selectPlatform } from './platform.js';

function entry(n: number, platform?: Descriptor['platform']): Descriptor {
  return { mediaType: MEDIA_TYPES.OCI_MANIFEST, digest: `sha256:${String(n).repeat(64)}`, size: 100, ...(platform && { platform }) };
}

const index: ImageIndex = {
  schemaVersion: 2,
  mediaType: MEDIA_TYPES.OCI_INDEX,
  manifests: [
    entry(1, { os: 'linux', architecture: 'arm', variant: 'v7' }),
    entry(2, { os: 'linux', architecture: 'arm64' }),
    entry(3, { os: 'unknown', architecture: 'unknown' }),
    entry(4, { os: 'linux', architecture: 'amd64' }),
    entry(5, { os: 'windows', architecture: 'amd64' }),
  ],
};

describe('selectPlatform', () => {
  it('picks the linux/amd64 entry, skipping attestations and other OSes', () => {
    expect(selectPlatform(index, { os: 'linux', architecture: 'amd64' }, 'app:1')).toBe(index.manifests[3]);
  });

  it('matches variants, taking arm64 as arm64/v8, and aliases such as aarch64', () => {
    expect(selectPlatform(index, parsePlatform('linux/arm64/v8'), 'app:1')).toBe(index.manifests[1]);
    expect(selectPlatform(index, parsePlatform('linux/aarch64'), 'app:1')).toBe(index.manifests[1]);
    expect(selectPlatform(index, parsePlatform('linux/arm/v7'), 'app:1')).toBe(index.manifests[0]);
  });

  it('says what the index offers when nothing matches', () => {
    expect(() => selectPlatform(index, parsePlatform('linux/s390x'), '127.0.0.1:5000/app:1')).toThrow(
      'no matching manifest for linux/s390x in the manifest list entries of 127.0.0.1:5000/app:1 (it has linux/arm/v7, linux/arm64, unknown/unknown, linux/amd64, windows/amd64)',
    );
    expect(() => selectPlatform(index, parsePlatform('linux/s390x'), 'x')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('refuses malformed platforms', () => {
    expect(() => parsePlatform('linux')).toThrow('use os/architecture[/variant]');
    expect(() => parsePlatform('linux/amd64/v2/x')).toThrow('invalid platform');
  });
});
