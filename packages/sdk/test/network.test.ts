import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DigestMismatchError, MEDIA_TYPES, RegistryClient, type SdkError } from '../src/index.js';
import { HttpTransport } from '../src/registry/http-transport.js';
import { blackHole, fakeServer, ociError, type FakeServer } from './support/fake-server.js';
import { blob, collect, manifestUpload, MemorySink } from './support/images.js';
import { freePort } from './support/registries.js';

// Registry behaviour no well-behaved registry shows on demand, played by small local servers.
const servers: FakeServer[] = [];
const clients: RegistryClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

async function serve(handle: Parameters<typeof fakeServer>[0]): Promise<FakeServer> {
  const server = await fakeServer(handle);
  servers.push(server);
  return server;
}

function client(options: ConstructorParameters<typeof RegistryClient>[0] = {}): RegistryClient {
  const c = new RegistryClient(options);
  clients.push(c);
  return c;
}

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as SdkError,
  );
}

const layer = blob(randomBytes(200_000), MEDIA_TYPES.OCI_LAYER_GZIP);
const blobPath = `/v2/team/app/blobs/${layer.descriptor.digest}`;

describe('redirects', () => {
  it('send Authorization to the registry only, not to the storage host it redirects to', async () => {
    const storage = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(layer.data.length) });
      res.end(layer.data);
    });
    const registry = await serve((req, res) => {
      if (req.url?.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'registry-token', expires_in: 300 }));
      } else if (req.headers.authorization !== 'Bearer registry-token') {
        const realm = `http://${registryHost()}/token`;
        ociError(res, 401, 'UNAUTHORIZED', 'authentication required', {
          'www-authenticate': `Bearer realm="${realm}",service="fake",scope="repository:team/app:pull"`,
        });
      } else if (req.url === blobPath) {
        res.writeHead(307, { location: `/storage${blobPath}` }); // same origin: keeps the token
        res.end();
      } else {
        res.writeHead(302, { location: `http://${storage.host}/bucket/blob?signature=abc` });
        res.end();
      }
    });
    const registryHost = () => registry.host;
    const credentials = { [registry.host]: { username: 'alice', password: 'secret' } };
    const data = await client({ credentials }).fetchBlob(`${registry.host}/team/app`, layer.descriptor);
    expect(data.equals(layer.data)).toBe(true);

    const token = registry.seen.find((r) => r.url.startsWith('/token'));
    expect(token?.url).toBe('/token?service=fake&scope=repository%3Ateam%2Fapp%3Apull&account=alice');
    expect(token?.headers.authorization).toBe(`Basic ${Buffer.from('alice:secret').toString('base64')}`);
    expect(registry.seen.filter((r) => !r.url.startsWith('/token')).map((r) => [r.url, r.headers.authorization])).toEqual([
      [blobPath, undefined],
      [blobPath, 'Bearer registry-token'],
      [`/storage${blobPath}`, 'Bearer registry-token'],
    ]);
    expect(storage.seen).toHaveLength(1);
    expect(storage.seen[0]!.url).toBe('/bucket/blob?signature=abc');
    expect(storage.seen[0]!.headers.authorization).toBeUndefined();
  });
});

describe('the token flow', () => {
  /** A registry whose tokens carry their scope; `refuse` answers 401 even to good tokens. */
  async function tokenRegistry(options: { refuse?: boolean } = {}) {
    const manifest = manifestUpload({ schemaVersion: 2, manifests: [] }, MEDIA_TYPES.OCI_INDEX);
    const registry = await serve((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token: `tok ${url.searchParams.getAll('scope').join(' ')}` }));
        return;
      }
      const repo = /^\/v2\/(.+)\/manifests\//.exec(url.pathname)?.[1];
      const scope = `repository:${repo}:pull`;
      if (options.refuse || req.headers.authorization !== `Bearer tok ${scope}`) {
        ociError(res, 401, 'UNAUTHORIZED', 'authentication required', {
          'www-authenticate': `Bearer realm="http://${registry.host}/token",service="fake",scope="${scope}"`,
        });
        return;
      }
      res.writeHead(200, { 'content-type': manifest.mediaType, 'docker-content-digest': manifest.digest });
      res.end(manifest.bytes);
    });
    return registry;
  }

  it('caches a token per registry and scope, and asks for new scopes before the registry challenges', async () => {
    const registry = await tokenRegistry();
    const c = client();
    await c.getManifest(`${registry.host}/team/a:1`);
    await c.getManifest(`${registry.host}/team/a:2`);
    await c.getManifest(`${registry.host}/team/b:1`);
    expect(registry.seen.map((r) => `${r.url.split('?')[0]} ${r.headers.authorization ?? '-'}`)).toEqual([
      '/v2/team/a/manifests/1 -',
      '/token -',
      '/v2/team/a/manifests/1 Bearer tok repository:team/a:pull',
      '/v2/team/a/manifests/2 Bearer tok repository:team/a:pull',
      '/token -',
      '/v2/team/b/manifests/1 Bearer tok repository:team/b:pull',
    ]);
  });

  it('retries once on 401, then fails with the registry\'s message', async () => {
    const registry = await tokenRegistry({ refuse: true });
    const err = await rejection(client().getManifest(`${registry.host}/team/a:1`));
    expect(err).toMatchObject({ name: 'UnauthorizedError', code: 'UNAUTHORIZED', message: `manifest for ${registry.host}/team/a:1: unauthorized: authentication required` });
    expect(registry.seen.filter((r) => r.url.startsWith('/v2/'))).toHaveLength(2);
  });
});

describe('manifests', () => {
  it('fail when the bytes do not match Docker-Content-Digest or the digest asked for', async () => {
    const real = manifestUpload({ schemaVersion: 2, manifests: [] }, MEDIA_TYPES.OCI_INDEX);
    const other = manifestUpload({ schemaVersion: 2, manifests: [], annotations: { a: 'b' } }, MEDIA_TYPES.OCI_INDEX);
    const registry = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': MEDIA_TYPES.OCI_INDEX, 'docker-content-digest': real.digest });
      res.end(other.bytes);
    });
    const byTag = await rejection(client().getManifest(`${registry.host}/team/app:1`));
    expect(byTag).toBeInstanceOf(DigestMismatchError);
    expect(byTag.message).toBe(`manifest for ${registry.host}/team/app:1 does not match its digest: the bytes received hash to ${other.digest}`);
    const byDigest = await rejection(client().getManifest(`${registry.host}/team/app@${real.digest}`));
    expect(byDigest).toMatchObject({ code: 'DATA_LOSS', expected: real.digest, actual: other.digest });
  });
});

describe('blob downloads', () => {
  it('resume with Range after the connection is cut halfway, and verify the whole', async () => {
    const half = Math.floor(layer.data.length / 2);
    let cut = false;
    const registry = await serve((req, res) => {
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        res.writeHead(206, { 'content-range': `bytes ${start}-${layer.data.length - 1}/${layer.data.length}`, 'content-length': String(layer.data.length - start) });
        res.end(layer.data.subarray(start));
      } else if (!cut) {
        cut = true;
        res.writeHead(200, { 'content-length': String(layer.data.length) });
        res.write(layer.data.subarray(0, half), () => res.destroy());
      } else {
        res.writeHead(200, { 'content-length': String(layer.data.length) });
        res.end(layer.data);
      }
    });
    const data = await client().fetchBlob(`${registry.host}/team/app`, layer.descriptor);
    expect(data.equals(layer.data)).toBe(true);
    expect(registry.seen.map((r) => r.headers.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
    const resumedAt = Number(/\d+/.exec(registry.seen[1]!.headers.range!)![0]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(half);
  });

  it('resume from a registry that ignores Range by reading past what it already has', async () => {
    let requests = 0;
    const registry = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(layer.data.length) });
      if (requests++ === 0) res.write(layer.data.subarray(0, 70_000), () => res.destroy());
      else res.end(layer.data);
    });
    const data = await client().fetchBlob(`${registry.host}/team/app`, layer.descriptor);
    expect(data.equals(layer.data)).toBe(true);
  });

  it('give up after the resumes allowed, saying how far they got', async () => {
    const registry = await serve((req, res) => {
      const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
      res.writeHead(start === 0 ? 200 : 206, {
        'content-length': String(layer.data.length - start),
        ...(start > 0 && { 'content-range': `bytes ${start}-${layer.data.length - 1}/${layer.data.length}` }),
      });
      res.write(layer.data.subarray(start, start + 1000), () => res.destroy());
    });
    const err = await rejection(client({ downloadRetries: 2 }).fetchBlob(`${registry.host}/team/app`, layer.descriptor));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toMatch(new RegExp(`^blob ${layer.descriptor.digest} from ${registry.host}/team/app was cut off 3 times, last at byte \\d+`));
    expect(registry.seen).toHaveLength(3);
  });

  it('fail a blob whose bytes do not match its digest, naming it, and a pull keeps none of it', async () => {
    const config = blob(Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] } })), MEDIA_TYPES.OCI_CONFIG);
    const manifest = manifestUpload({ schemaVersion: 2, mediaType: MEDIA_TYPES.OCI_MANIFEST, config: config.descriptor, layers: [layer.descriptor] }, MEDIA_TYPES.OCI_MANIFEST);
    const tampered = Buffer.from(layer.data);
    tampered[1000] = tampered[1000]! ^ 0xff;
    const registry = await serve((req, res) => {
      const body = req.url?.includes('/manifests/') ? manifest.bytes : req.url?.endsWith(config.descriptor.digest) ? config.data : tampered;
      res.writeHead(200, { 'content-length': String(body.length), 'content-type': req.url?.includes('/manifests/') ? manifest.mediaType : 'application/octet-stream' });
      res.end(body);
    });
    const c = client();
    const err = await rejection(c.fetchBlob(`${registry.host}/team/app`, layer.descriptor));
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect(err.code).toBe('DATA_LOSS');
    expect(err.message).toContain(`blob ${layer.descriptor.digest} from ${registry.host}/team/app does not match its digest`);

    const sink = new MemorySink();
    const pull = await rejection(collect(c.pull(`${registry.host}/team/app:1`, { sink })));
    expect(pull).toBeInstanceOf(DigestMismatchError);
    expect(pull.message).toContain(layer.descriptor.digest);
    expect(sink.blobs.has(layer.descriptor.digest)).toBe(false);
    expect(sink.blobs.get(config.descriptor.digest)?.equals(config.data)).toBe(true);
  });
});

describe('a registry that is not there', () => {
  it('fails at once with UNAVAILABLE naming the registry', async () => {
    const port = await freePort();
    const started = Date.now();
    const err = await rejection(client().getManifest(`127.0.0.1:${port}/team/app:v1`));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toBe(`cannot reach 127.0.0.1:${port} (GET /v2/team/app/manifests/v1): connection refused (ECONNREFUSED); is the registry running?`);
  });

  it('gives up on a connection that does not open within the connect timeout', async () => {
    const hole = await blackHole();
    try {
      const started = Date.now();
      const err = await rejection(client({ connectTimeoutMs: 300 }).ping(hole.host));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(err.code).toBe('UNAVAILABLE');
      expect(err.message).toBe(`cannot reach ${hole.host} (GET /v2/): no connection within 0.3 s (connect timed out)`);
    } finally {
      hole.close();
    }
  });

  it('gives up on a registry that accepts but never answers, or when the caller aborts', async () => {
    const silent = await serve(() => {});
    const timedOut = await rejection(client({ idleTimeoutMs: 300 }).ping(silent.host));
    expect(timedOut.code).toBe('UNAVAILABLE');
    expect(timedOut.message).toContain('no answer for 0.3 s');

    const controller = new AbortController();
    const pending = client().getManifest(`${silent.host}/team/app:v1`, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('tag lists', () => {
  it('follow relative and absolute Link pages', async () => {
    const registry = await serve((req, res) => {
      const page = new URL(req.url!, 'http://x').searchParams.get('last');
      const [tags, link] = page === null ? [['a', 'b'], '</v2/team/app/tags/list?n=2&last=b>; rel="next"']
        : page === 'b' ? [['c', 'd'], `<http://${registry.host}/v2/team/app/tags/list?n=2&last=d>; rel="next"`] : [['e'], undefined];
      res.writeHead(200, { 'content-type': 'application/json', ...(link && { link }) });
      res.end(JSON.stringify({ name: 'team/app', tags }));
    });
    expect(await client().listTags(`${registry.host}/team/app`, { pageSize: 2 })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(registry.seen.map((r) => r.url)).toEqual([
      '/v2/team/app/tags/list?n=2', '/v2/team/app/tags/list?n=2&last=b', '/v2/team/app/tags/list?n=2&last=d',
    ]);
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('HTTPS', () => {
  it.skipIf(!hasOpenssl)('trusts a registry certificate through the CA given, and explains a TLS failure', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-sdk-tls-'));
    try {
      const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
        '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      ], { stdio: 'ignore' });
      const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.end('{}'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/v2/`);
      const trusting = new HttpTransport({ tls: { ca: readFileSync(cert) } });
      const res = await trusting.send({ method: 'GET', url });
      res.body.resume();
      expect(res.status).toBe(200);
      const strict = new HttpTransport();
      const err = await rejection(strict.send({ method: 'GET', url }));
      expect(err.code).toBe('UNAVAILABLE');
      expect(err.message).toMatch(/^cannot reach 127\.0\.0\.1:\d+ \(GET \/v2\/\): TLS failed: .*if it uses a private CA, pass the CA$/);
      for (const t of [trusting, strict]) t.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
