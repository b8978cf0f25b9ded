// A keep-alive HTTP client for the distribution API in Node: what the bench uses for setup
// (manifests, 10,000 tags), for the tags/list timing and for the concurrent pushes.
import { createReadStream } from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';

export class RegistryHttpError extends Error {}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export function registryClient(baseUrl, { maxSockets = 32 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });

  /**
   * One request; body is a Buffer/string or a file to stream ({ file }). Resolves with
   * { status, headers, body } once the whole response is read, or rejects when the status is
   * not in `expect`.
   */
  function request(method, target, { headers = {}, body, expect } = {}) {
    const url = new URL(target, baseUrl);
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = http.request(url, { method, agent, headers }, (res) => {
        answered = true;
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          if (expect && !expect.includes(res.statusCode)) {
            reject(new RegistryHttpError(`${method} ${url.pathname}: HTTP ${res.statusCode} (wanted ${expect.join(' or ')}): ${buf.toString('utf8', 0, 400)}`));
          } else {
            resolve({ status: res.statusCode, headers: res.headers, body: buf });
          }
        });
      });
      req.on('error', reject);
      if (body?.file) {
        // A server that answers early (an error) may close before the body is sent; its
        // response is the interesting part then, not the broken pipe.
        pipeline(createReadStream(body.file, { highWaterMark: 2 ** 20 }), req)
          .catch((err) => setImmediate(() => { if (!answered) reject(err); }));
      } else {
        req.end(body);
      }
    });
  }

  /** Monolithic upload: POST /blobs/uploads/, then PUT <location>&digest= with the whole body. */
  async function pushBlob(name, { digest, size, file, buffer }) {
    const started = await request('POST', `/v2/${name}/blobs/uploads/`, { expect: [202] });
    const location = started.headers.location;
    if (!location) throw new RegistryHttpError(`POST /v2/${name}/blobs/uploads/ answered 202 without a Location`);
    await request('PUT', withDigest(new URL(location, baseUrl).href, digest), {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: file ? { file } : buffer,
      expect: [201],
    });
  }

  function putManifest(name, reference, manifest, mediaType = OCI_MANIFEST) {
    return request('PUT', `/v2/${name}/manifests/${reference}`, {
      headers: { 'content-type': mediaType, 'content-length': String(manifest.length) },
      body: manifest,
      expect: [201],
    });
  }

  return { baseUrl, request, pushBlob, putManifest, close: () => agent.destroy() };
}

/** The upload location with ?digest= or &digest= appended, its own query kept byte for byte. */
export function withDigest(location, digest) {
  return `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
}
