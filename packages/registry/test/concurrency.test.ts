import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { randomBlob, sha256, smallImage } from './support/oci.js';
import { startPostgres, type PostgresServer } from './support/postgres.js';
import { pushBlob, pushImage, startTestRegistry, type TestRegistry } from './support/registry.js';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

// The same workloads on both metadata databases: SQLite (one writer at a time) and PostgreSQL
// (concurrent transactions that lose unique-key races and must retry).
let postgres: PostgresServer | undefined;
afterAll(async () => postgres?.stop());
const databases: [string, () => Promise<string | undefined>][] = [
  ['SQLite', async () => undefined],
  ['PostgreSQL', async () => {
    postgres ??= await startPostgres();
    return postgres.createDatabase('concurrency');
  }],
];

describe.each(databases)('concurrency on %s', (_name, database) => {
  let registry: TestRegistry;
  let url: string;
  beforeAll(async () => {
    const databaseUrl = await database();
    registry = await startTestRegistry({
      configure: (config) => {
        if (databaseUrl !== undefined) config.database = databaseUrl;
      },
    });
    url = registry.url;
  });
  afterAll(async () => registry?.destroy());

  it('32 clients pushing the same blob into 32 repositories at once all succeed; it is stored once', async () => {
    const blob = randomBlob(4 * 1024 * 1024);
    const repos = Array.from({ length: 32 }, (_, i) => `conc/repo-${i}`);
    // Half monolithic POST+PUT, half chunked PATCH+PUT, all in flight together.
    const results = await Promise.all(repos.map(async (repo, i) => {
      if (i % 2 === 0) return pushBlob(url, repo, blob);
      const start = await request(`${url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
      const location = new URL(start.header('location')!, url);
      const half = blob.size / 2;
      await request(location.href, { method: 'PATCH', body: blob.data.subarray(0, half), headers: { 'content-range': `0-${half - 1}` } });
      location.searchParams.set('digest', blob.digest);
      return request(location.href, { method: 'PUT', body: blob.data.subarray(half), headers: { 'content-range': `${half}-${blob.size - 1}` } });
    }));
    expect(results.map((r) => r.status)).toEqual(repos.map(() => 201));

    const stored = (await filesUnder(path.join(registry.config.storage, 'blobs'))).filter((f) => f.includes(blob.digest.slice(7)));
    expect(stored).toHaveLength(1);
    expect(await filesUnder(path.join(registry.config.storage, 'uploads'))).toEqual([]);
    const heads = await Promise.all(repos.map((repo) => request(`${url}/v2/${repo}/blobs/${blob.digest}`, { method: 'HEAD' })));
    expect(heads.map((h) => h.status)).toEqual(repos.map(() => 200));
  });

  it('50 concurrent pulls of one image all get the right bytes', async () => {
    const image = smallImage(8 * 1024 * 1024);
    await pushImage(url, 'conc/pull', 'latest', image);
    const pulls = await Promise.all(Array.from({ length: 50 }, async () => {
      const manifest = await request(`${url}/v2/conc/pull/manifests/latest`, { headers: { accept: image.manifest.mediaType } });
      const doc = manifest.json<{ config: { digest: string }; layers: { digest: string }[] }>();
      const [config, layer] = await Promise.all([
        request(`${url}/v2/conc/pull/blobs/${doc.config.digest}`),
        request(`${url}/v2/conc/pull/blobs/${doc.layers[0]!.digest}`),
      ]);
      return { manifest: sha256(manifest.body), config: sha256(config.body), layer: sha256(layer.body) };
    }));
    for (const pull of pulls) {
      expect(pull).toEqual({ manifest: image.manifest.digest, config: image.config.digest, layer: image.layer.digest });
    }
  });
});
