import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { content, descriptor, imageManifest, OCI_CONFIG, OCI_LAYER, randomBlob, smallImage } from './support/oci.js';
import { pushBlob, pushImage, pushManifest, startTestRegistry, type TestRegistry } from './support/registry.js';

// The push workflows of the OCI conformance suite: monolithic (POST+PUT and single POST),
// streamed and chunked PATCH, resumable status, cancel, cross-repository mount, manifests.
let registry: TestRegistry;
let url: string;
beforeAll(async () => {
  registry = await startTestRegistry();
  url = registry.url;
});
afterAll(async () => registry?.destroy());

async function startSession(repo: string): Promise<URL> {
  const r = await request(`${url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { 'content-length': '0' } });
  expect(r.status).toBe(202);
  expect(r.header('docker-upload-uuid')).toMatch(/^[a-z0-9-]+$/);
  expect(r.header('location')).toBe(`/v2/${repo}/blobs/uploads/${r.header('docker-upload-uuid')}`);
  expect(r.header('range')).toBe('0-0');
  return new URL(r.header('location')!, url);
}

async function expectBlob(repo: string, blob: { digest: string; data: Buffer }, location?: string): Promise<void> {
  const r = await request(location === undefined ? `${url}/v2/${repo}/blobs/${blob.digest}` : new URL(location, url).href);
  expect(r.status).toBe(200);
  expect(r.header('docker-content-digest')).toBe(blob.digest);
  expect(r.header('content-length')).toBe(String(blob.data.length));
  expect(r.body.equals(blob.data)).toBe(true);
}

describe('base', () => {
  it('GET /v2/ answers 200 with the API version header', async () => {
    const r = await request(`${url}/v2/`);
    expect(r.status).toBe(200);
    expect(r.header('docker-distribution-api-version')).toBe('registry/2.0');
  });
});

describe('push a blob monolithically', () => {
  it('POST then PUT with the blob: 201, Location pulls it back', async () => {
    const blob = randomBlob(5000);
    const r = await pushBlob(url, 'push/mono', blob);
    expect(r.status).toBe(201);
    expect(r.header('location')).toBe(`/v2/push/mono/blobs/${blob.digest}`);
    expect(r.header('docker-content-digest')).toBe(blob.digest);
    await expectBlob('push/mono', blob, r.header('location'));
  });

  it('single POST ?digest= with the body: 201', async () => {
    const blob = randomBlob(3000);
    const r = await request(`${url}/v2/push/single/blobs/uploads/?digest=${blob.digest}`, {
      method: 'POST', body: blob.data, headers: { 'content-type': 'application/octet-stream' },
    });
    expect(r.status).toBe(201);
    expect(r.header('location')).toBe(`/v2/push/single/blobs/${blob.digest}`);
    await expectBlob('push/single', blob);
  });

  it('empty blob and the empty JSON blob', async () => {
    for (const blob of [content(''), content('{}')]) {
      expect((await pushBlob(url, 'push/empty', blob)).status).toBe(201);
      const head = await request(`${url}/v2/push/empty/blobs/${blob.digest}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.header('content-length')).toBe(String(blob.size));
      expect(head.body.length).toBe(0);
    }
  });

  it('a digest that does not match: 400 DIGEST_INVALID and nothing is stored', async () => {
    const blob = randomBlob(100);
    const wrong = randomBlob(100).digest;
    const single = await request(`${url}/v2/push/bad/blobs/uploads/?digest=${wrong}`, { method: 'POST', body: blob.data });
    expect(single.status).toBe(400);
    expect(single.code()).toBe('DIGEST_INVALID');
    const session = await startSession('push/bad');
    session.searchParams.set('digest', wrong);
    const put = await request(session.href, { method: 'PUT', body: blob.data });
    expect(put.status).toBe(400);
    expect(put.code()).toBe('DIGEST_INVALID');
    for (const digest of [wrong, blob.digest]) {
      expect((await request(`${url}/v2/push/bad/blobs/${digest}`, { method: 'HEAD' })).status).toBe(404);
    }
    // The failed session is gone.
    expect((await request(new URL(session.pathname, url).href)).status).toBe(404);
  });
});

describe('push a blob in chunks', () => {
  it('PATCH chunks in order with Content-Range, then PUT: Range tracks the bytes', async () => {
    const blob = randomBlob(30_000);
    let location = await startSession('push/chunked');
    for (const [start, end] of [[0, 9_999], [10_000, 19_999]] as const) {
      const r = await request(location.href, {
        method: 'PATCH',
        body: blob.data.subarray(start, end + 1),
        headers: { 'content-type': 'application/octet-stream', 'content-range': `${start}-${end}` },
      });
      expect(r.status).toBe(202);
      expect(r.header('range')).toBe(`0-${end}`);
      location = new URL(r.header('location')!, url);
    }
    // The last chunk rides on the closing PUT.
    location.searchParams.set('digest', blob.digest);
    const put = await request(location.href, {
      method: 'PUT', body: blob.data.subarray(20_000), headers: { 'content-range': '20000-29999' },
    });
    expect(put.status).toBe(201);
    await expectBlob('push/chunked', blob, put.header('location'));
  });

  it('an out-of-order chunk is 416 and the session carries on from GET status', async () => {
    const blob = randomBlob(3000);
    const location = await startSession('push/ooo');
    const skip = await request(location.href, { method: 'PATCH', body: blob.data.subarray(1000, 2000), headers: { 'content-range': '1000-1999' } });
    expect(skip.status).toBe(416);
    expect(skip.header('location')).toBe(location.pathname);
    const first = await request(location.href, { method: 'PATCH', body: blob.data.subarray(0, 1000), headers: { 'content-range': '0-999' } });
    expect(first.status).toBe(202);
    const again = await request(location.href, { method: 'PATCH', body: blob.data.subarray(0, 1000), headers: { 'content-range': '0-999' } });
    expect(again.status).toBe(416);
    expect(again.header('range')).toBe('0-999');
    // An out-of-order last chunk on the PUT is 416 too, and keeps the session.
    const badPut = new URL(location.href);
    badPut.searchParams.set('digest', blob.digest);
    expect((await request(badPut.href, { method: 'PUT', body: blob.data.subarray(2000), headers: { 'content-range': '2000-2999' } })).status).toBe(416);
    const status = await request(location.href);
    expect(status.status).toBe(204);
    expect(status.header('range')).toBe('0-999');
    expect(status.header('docker-upload-uuid')).toBe(location.pathname.split('/').pop());
    const rest = await request(location.href, { method: 'PATCH', body: blob.data.subarray(1000), headers: { 'content-range': '1000-2999' } });
    expect(rest.status).toBe(202);
    expect((await request(badPut.href, { method: 'PUT' })).status).toBe(201);
    await expectBlob('push/ooo', blob);
  });

  it('streamed PATCH without Content-Range (chunked transfer), then an empty PUT', async () => {
    const blob = randomBlob(200_000);
    const location = await startSession('push/stream');
    const parts = [blob.data.subarray(0, 70_000), blob.data.subarray(70_000, 150_000), blob.data.subarray(150_000)];
    const r = await request(location.href, { method: 'PATCH', body: parts, headers: { 'content-type': 'application/octet-stream' } });
    expect(r.status).toBe(202);
    expect(r.header('range')).toBe('0-199999');
    const put = new URL(r.header('location')!, url);
    put.searchParams.set('digest', blob.digest);
    expect((await request(put.href, { method: 'PUT', headers: { 'content-length': '0' } })).status).toBe(201);
    await expectBlob('push/stream', blob);
  });

  it('DELETE cancels a session: 204, then it is unknown', async () => {
    const location = await startSession('push/cancel');
    await request(location.href, { method: 'PATCH', body: Buffer.from('abc') });
    expect((await request(location.href, { method: 'DELETE' })).status).toBe(204);
    const after = await request(location.href);
    expect(after.status).toBe(404);
    expect(after.code()).toBe('BLOB_UPLOAD_UNKNOWN');
  });

  it('a session belongs to its repository', async () => {
    const location = await startSession('push/owner');
    const other = location.pathname.replace('/push/owner/', '/push/thief/');
    const r = await request(`${url}${other}`, { method: 'PATCH', body: Buffer.from('x') });
    expect(r.status).toBe(404);
    expect(r.code()).toBe('BLOB_UPLOAD_UNKNOWN');
  });
});

describe('cross-repository mount', () => {
  it('mounts a blob the client may pull from: 201, readable in the target', async () => {
    const blob = randomBlob(777);
    expect((await pushBlob(url, 'mount/source', blob)).status).toBe(201);
    const r = await request(`${url}/v2/mount/target/blobs/uploads/?mount=${blob.digest}&from=mount/source`, { method: 'POST' });
    expect(r.status).toBe(201);
    expect(r.header('location')).toBe(`/v2/mount/target/blobs/${blob.digest}`);
    expect(r.header('docker-content-digest')).toBe(blob.digest);
    await expectBlob('mount/target', blob);
  });

  it('falls back to a new session (202) when the source lacks the blob', async () => {
    const blob = randomBlob(10);
    const r = await request(`${url}/v2/mount/target2/blobs/uploads/?mount=${blob.digest}&from=mount/source`, { method: 'POST' });
    expect(r.status).toBe(202);
    expect(r.header('location')).toMatch(/^\/v2\/mount\/target2\/blobs\/uploads\/[a-z0-9-]+$/);
    expect((await request(`${url}/v2/mount/target2/blobs/${blob.digest}`, { method: 'HEAD' })).status).toBe(404);
  });
});

describe('manifests', () => {
  it('PUT by tag: 201 with Location and digest; GET and HEAD by tag and digest give the same bytes and type', async () => {
    const image = smallImage();
    await pushImage(url, 'man/img', 'v1', image);
    for (const ref of ['v1', image.manifest.digest]) {
      const get = await request(`${url}/v2/man/img/manifests/${ref}`, { headers: { accept: image.manifest.mediaType } });
      expect(get.status).toBe(200);
      expect(get.header('content-type')).toBe(image.manifest.mediaType);
      expect(get.header('docker-content-digest')).toBe(image.manifest.digest);
      expect(get.body.equals(image.manifest.data)).toBe(true);
      const head = await request(`${url}/v2/man/img/manifests/${ref}`, { method: 'HEAD', headers: { accept: image.manifest.mediaType } });
      expect(head.status).toBe(200);
      expect(head.header('content-length')).toBe(String(image.manifest.size));
      expect(head.body.length).toBe(0);
    }
  });

  it('PUT by digest and an index of manifests; the stored bytes come back unchanged', async () => {
    const a = smallImage();
    const b = smallImage();
    await pushImage(url, 'man/multi', 'a', a);
    await pushImage(url, 'man/multi', 'b', b);
    const { imageIndex, OCI_MANIFEST } = await import('./support/oci.js');
    const index = imageIndex([
      { ...descriptor(a.manifest, OCI_MANIFEST), platform: { os: 'linux', architecture: 'amd64' } },
      { ...descriptor(b.manifest, OCI_MANIFEST), platform: { os: 'linux', architecture: 'arm64' } },
    ]);
    const put = await pushManifest(url, 'man/multi', index.digest, index);
    expect(put.status).toBe(201);
    expect(put.header('location')).toBe(`/v2/man/multi/manifests/${index.digest}`);
    const get = await request(`${url}/v2/man/multi/manifests/${index.digest}`, { headers: { accept: index.mediaType } });
    expect(get.body.equals(index.data)).toBe(true);
  });

  it('honours Accept like distribution: OCI content to a client that only lists Docker types is 404', async () => {
    const r = await request(`${url}/v2/man/img/manifests/v1`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    expect(r.status).toBe(404);
    expect(r.code()).toBe('MANIFEST_UNKNOWN');
    expect((await request(`${url}/v2/man/img/manifests/v1`)).status).toBe(200);
  });

  it('answers If-None-Match with 304', async () => {
    const get = await request(`${url}/v2/man/img/manifests/v1`);
    const again = await request(`${url}/v2/man/img/manifests/v1`, { headers: { 'if-none-match': get.header('etag')! } });
    expect(again.status).toBe(304);
  });

  it('a manifest with a subject gets OCI-Subject, even when the subject is not there yet', async () => {
    const config = content('{}');
    const layer = randomBlob(64);
    expect((await pushBlob(url, 'man/ref', config)).status).toBe(201);
    expect((await pushBlob(url, 'man/ref', layer)).status).toBe(201);
    const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: randomBlob(8).digest, size: 123 };
    const sbom = imageManifest({ config: descriptor(config, OCI_CONFIG), layers: [descriptor(layer, OCI_LAYER)], subject, artifactType: 'application/x-sbom' });
    const r = await pushManifest(url, 'man/ref', sbom.digest, sbom);
    expect(r.status).toBe(201);
    expect(r.header('oci-subject')).toBe(subject.digest);
  });
});
