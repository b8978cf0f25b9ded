import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryEvent } from '../src/api/events.js';
import { request } from './support/http.js';
import { randomBlob, smallImage } from './support/oci.js';
import { pushBlob, pushImage, pushManifest, startTestRegistry, type TestRegistry } from './support/registry.js';

// Content management: deleting tags, manifests and blobs, and the events they emit.
let registry: TestRegistry;
let url: string;
const events: RegistryEvent[] = [];
beforeAll(async () => {
  registry = await startTestRegistry();
  url = registry.url;
  registry.events.on('event', (e) => events.push(e));
});
afterAll(async () => registry?.destroy());

describe('delete', () => {
  it('a tag: 202, the tag is gone at once, the manifest stays by digest', async () => {
    const image = smallImage();
    await pushImage(url, 'mgmt/tag', 'one', image);
    expect((await pushManifest(url, 'mgmt/tag', 'two', image.manifest)).status).toBe(201);
    expect((await request(`${url}/v2/mgmt/tag/manifests/one`, { method: 'DELETE' })).status).toBe(202);
    expect((await request(`${url}/v2/mgmt/tag/manifests/one`, { method: 'HEAD' })).status).toBe(404);
    expect((await request(`${url}/v2/mgmt/tag/manifests/two`, { method: 'HEAD' })).status).toBe(200);
    expect((await request(`${url}/v2/mgmt/tag/manifests/${image.manifest.digest}`, { method: 'HEAD' })).status).toBe(200);
    const again = await request(`${url}/v2/mgmt/tag/manifests/one`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.code()).toBe('MANIFEST_UNKNOWN');
  });

  it('a manifest by digest: 202, the digest and every tag pointing at it are gone', async () => {
    const image = smallImage();
    await pushImage(url, 'mgmt/man', 'x', image);
    expect((await pushManifest(url, 'mgmt/man', 'y', image.manifest)).status).toBe(201);
    expect((await request(`${url}/v2/mgmt/man/manifests/${image.manifest.digest}`, { method: 'DELETE' })).status).toBe(202);
    for (const ref of ['x', 'y', image.manifest.digest]) {
      const r = await request(`${url}/v2/mgmt/man/manifests/${ref}`);
      expect(r.status).toBe(404);
      expect(r.code()).toBe('MANIFEST_UNKNOWN');
    }
    expect((await request(`${url}/v2/mgmt/man/tags/list`)).json<{ tags: string[] }>().tags).toEqual([]);
    const again = await request(`${url}/v2/mgmt/man/manifests/${image.manifest.digest}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('a blob: 202, then 404 BLOB_UNKNOWN in that repository only', async () => {
    const blob = randomBlob(100);
    expect((await pushBlob(url, 'mgmt/blob-a', blob)).status).toBe(201);
    expect((await pushBlob(url, 'mgmt/blob-b', blob)).status).toBe(201);
    expect((await request(`${url}/v2/mgmt/blob-a/blobs/${blob.digest}`, { method: 'DELETE' })).status).toBe(202);
    const gone = await request(`${url}/v2/mgmt/blob-a/blobs/${blob.digest}`);
    expect(gone.status).toBe(404);
    expect(gone.code()).toBe('BLOB_UNKNOWN');
    expect((await request(`${url}/v2/mgmt/blob-b/blobs/${blob.digest}`)).status).toBe(200);
    const again = await request(`${url}/v2/mgmt/blob-a/blobs/${blob.digest}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.code()).toBe('BLOB_UNKNOWN');
  });
});

describe('events', () => {
  it('every push, pull and delete is an event with repository, digest, tag, type, size and user', async () => {
    events.length = 0;
    const image = smallImage(2048);
    await pushImage(url, 'mgmt/events', 'v1', image);
    await request(`${url}/v2/mgmt/events/manifests/v1`);
    await request(`${url}/v2/mgmt/events/blobs/${image.layer.digest}`);
    // A blob pull is published once its last byte was handed to the socket, which may be just
    // after the client has read it.
    await eventually(() => events.some((e) => e.action === 'pull' && e.digest === image.layer.digest));
    await request(`${url}/v2/mgmt/events/manifests/v1`, { method: 'HEAD' });
    await request(`${url}/v2/mgmt/events/manifests/v1`, { method: 'DELETE' });
    // The previous test's last blob pull may be published after it ended: only this repository counts.
    const mine = events.filter((e) => e.repository === 'mgmt/events');
    const summary = mine.map((e) => `${e.action} ${e.digest === image.manifest.digest ? 'manifest' : e.digest === image.layer.digest ? 'layer' : 'config'}${e.tag ? `:${e.tag}` : ''}`);
    expect(summary).toEqual(['push config', 'push layer', 'push manifest:v1', 'pull manifest:v1', 'pull layer', 'delete manifest:v1']);
    expect(mine[2]).toMatchObject({
      repository: 'mgmt/events', mediaType: image.manifest.mediaType, size: image.manifest.size, user: null,
    });
    expect(mine[1]).toMatchObject({ mediaType: 'application/octet-stream', size: 2048 });
  });
});

async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
