import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { descriptor, imageIndex, imageManifest, OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_MANIFEST, randomBlob, smallImage } from './support/oci.js';
import { pushBlob, pushImage, pushManifest, startTestRegistry, type TestRegistry } from './support/registry.js';

// Error codes and statuses, in the spec's JSON form: {"errors":[{"code","message","detail"}]}.
let registry: TestRegistry;
let url: string;
beforeAll(async () => {
  registry = await startTestRegistry();
  url = registry.url;
});
afterAll(async () => registry?.destroy());

function expectError(r: { status: number; code(): string | undefined; json<T>(): T }, status: number, code: string): void {
  expect({ status: r.status, code: r.code() }).toEqual({ status, code });
  const body = r.json<{ errors: { code: string; message: string }[] }>();
  expect(body.errors[0]?.message).toEqual(expect.any(String));
}

describe('error codes', () => {
  it('BLOB_UNKNOWN for a blob that is not there (and HEAD has no body)', async () => {
    expectError(await request(`${url}/v2/err/repo/blobs/${randomBlob(1).digest}`), 404, 'BLOB_UNKNOWN');
    const head = await request(`${url}/v2/err/repo/blobs/${randomBlob(1).digest}`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(head.body.length).toBe(0);
  });

  it('a blob pushed elsewhere is BLOB_UNKNOWN here', async () => {
    const blob = randomBlob(10);
    await pushBlob(url, 'err/elsewhere', blob);
    expectError(await request(`${url}/v2/err/repo/blobs/${blob.digest}`), 404, 'BLOB_UNKNOWN');
  });

  it('BLOB_UPLOAD_UNKNOWN for a session that does not exist', async () => {
    for (const id of ['0b7ef2d2-5f1a-4d8e-9f77-1f0b2a3c4d5e', 'NOT_AN_ID', 'a.b']) {
      expectError(await request(`${url}/v2/err/repo/blobs/uploads/${id}`), 404, 'BLOB_UPLOAD_UNKNOWN');
    }
  });

  it('BLOB_UPLOAD_INVALID for a malformed Content-Range; SIZE_INVALID when the chunk length disagrees with it', async () => {
    const start = await request(`${url}/v2/err/repo/blobs/uploads/`, { method: 'POST' });
    const location = `${url}${start.header('location')}`;
    expectError(await request(location, { method: 'PATCH', body: Buffer.from('abc'), headers: { 'content-range': 'abc' } }), 400, 'BLOB_UPLOAD_INVALID');
    expectError(await request(location, { method: 'PATCH', body: Buffer.from('abc'), headers: { 'content-range': '0-99' } }), 400, 'SIZE_INVALID');
  });

  it('DIGEST_INVALID for a malformed digest anywhere, and for a manifest whose digest is not the URL one', async () => {
    expectError(await request(`${url}/v2/err/repo/blobs/sha256:xyz`), 400, 'DIGEST_INVALID');
    expectError(await request(`${url}/v2/err/repo/blobs/uploads/?digest=sha256:123`, { method: 'POST', body: 'x' }), 400, 'DIGEST_INVALID');
    const start = await request(`${url}/v2/err/repo/blobs/uploads/`, { method: 'POST' });
    expectError(await request(`${url}${start.header('location')}`, { method: 'PUT', body: 'x' }), 400, 'DIGEST_INVALID');
    const image = smallImage();
    await pushImage(url, 'err/man', 'ok', image);
    expectError(await pushManifest(url, 'err/man', randomBlob(3).digest, image.manifest), 400, 'DIGEST_INVALID');
    expectError(await pushManifest(url, 'err/man', 'sha256:baddigeststring', image.manifest), 400, 'DIGEST_INVALID');
    expect([400, 404]).toContain((await request(`${url}/v2/err/man/manifests/sha256:baddigeststring`)).status);
  });

  it('MANIFEST_BLOB_UNKNOWN for each layer or child that is not in the repository', async () => {
    const config = randomBlob(20);
    const layers = [randomBlob(30), randomBlob(40)];
    await pushBlob(url, 'err/mbu', config);
    const manifest = imageManifest({ config: descriptor(config, OCI_CONFIG), layers: layers.map((l) => descriptor(l, OCI_LAYER)) });
    const r = await pushManifest(url, 'err/mbu', 'v1', manifest);
    expectError(r, 400, 'MANIFEST_BLOB_UNKNOWN');
    const errors = r.json<{ errors: { code: string; detail: { digest: string } }[] }>().errors;
    expect(errors.map((e) => e.detail.digest).sort()).toEqual(layers.map((l) => l.digest).sort());
    const index = imageIndex([descriptor(manifest, OCI_MANIFEST)]);
    expectError(await pushManifest(url, 'err/mbu', 'idx', index), 400, 'MANIFEST_BLOB_UNKNOWN');
    expectError(await request(`${url}/v2/err/mbu/manifests/v1`), 404, 'MANIFEST_UNKNOWN');
  });

  it('MANIFEST_INVALID for bad JSON, a mediaType that disagrees with Content-Type, and manifest+index hybrids', async () => {
    const image = smallImage();
    await pushImage(url, 'err/inv', 'ok', image);
    const put = (body: string, type: string) => request(`${url}/v2/err/inv/manifests/bad`, { method: 'PUT', body, headers: { 'content-type': type } });
    expectError(await put('{"schemaVersion":', OCI_MANIFEST), 400, 'MANIFEST_INVALID');
    expectError(await put(image.manifest.data.toString(), OCI_INDEX), 400, 'MANIFEST_INVALID');
    const doc = JSON.parse(image.manifest.data.toString()) as Record<string, unknown>;
    expectError(await put(JSON.stringify({ ...doc, manifests: [] }), OCI_MANIFEST), 400, 'MANIFEST_INVALID');
    expectError(await put(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [], layers: doc.layers }), OCI_INDEX), 400, 'MANIFEST_INVALID');
    expectError(await request(`${url}/v2/err/inv/manifests/bad%21tag`, { method: 'PUT', body: image.manifest.data, headers: { 'content-type': OCI_MANIFEST } }), 400, 'MANIFEST_INVALID');
    expectError(await request(`${url}/v2/err/inv/manifests/bad`), 404, 'MANIFEST_UNKNOWN');
  });

  it('413 for a manifest over 4 MiB', async () => {
    const image = smallImage();
    await pushImage(url, 'err/big', 'ok', image);
    const doc = JSON.parse(image.manifest.data.toString()) as Record<string, unknown>;
    const big = JSON.stringify({ ...doc, annotations: { filler: 'x'.repeat(4 * 1024 * 1024) } });
    const r = await request(`${url}/v2/err/big/manifests/big`, { method: 'PUT', body: big, headers: { 'content-type': OCI_MANIFEST } });
    expect(r.status).toBe(413);
    expect(r.code()).toBe('MANIFEST_INVALID');
  });

  it('NAME_INVALID for names outside the grammar, before anything else happens', async () => {
    for (const name of ['UPPER/case', 'a..b', 'trailing-', `${'a'.repeat(256)}`, 'a%2F..%2Fb']) {
      expectError(await request(`${url}/v2/${name}/tags/list`), 400, 'NAME_INVALID');
      expectError(await request(`${url}/v2/${name}/blobs/uploads/`, { method: 'POST' }), 400, 'NAME_INVALID');
    }
    expectError(await request(`${url}/v2/err/dst/blobs/uploads/?mount=${randomBlob(1).digest}&from=Bad..Name`, { method: 'POST' }), 400, 'NAME_INVALID');
  });

  it('NAME_UNKNOWN for the tags of a repository that does not exist', async () => {
    expectError(await request(`${url}/v2/err/never/tags/list`), 404, 'NAME_UNKNOWN');
  });

  it('RANGE_INVALID (416) for a blob range past the end; 206 with Content-Range within it', async () => {
    const blob = randomBlob(1000);
    await pushBlob(url, 'err/range', blob);
    const part = await request(`${url}/v2/err/range/blobs/${blob.digest}`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.header('content-range')).toBe('bytes 100-199/1000');
    expect(part.body.equals(blob.data.subarray(100, 200))).toBe(true);
    const tail = await request(`${url}/v2/err/range/blobs/${blob.digest}`, { headers: { range: 'bytes=900-' } });
    expect(tail.body.equals(blob.data.subarray(900))).toBe(true);
    const past = await request(`${url}/v2/err/range/blobs/${blob.digest}`, { headers: { range: 'bytes=1000-' } });
    expectError(past, 416, 'RANGE_INVALID');
    expect(past.header('content-range')).toBe('bytes */1000');
  });

  it('UNSUPPORTED (405) for a method a route does not have; 404 for no route', async () => {
    const r = await request(`${url}/v2/err/repo/tags/list`, { method: 'DELETE' });
    expectError(r, 405, 'UNSUPPORTED');
    expect(r.header('allow')).toBe('GET');
    expect((await request(`${url}/v2/err/repo/unknown/thing`)).status).toBe(404);
    expect((await request(`${url}/nothing`)).status).toBe(404);
  });
});
