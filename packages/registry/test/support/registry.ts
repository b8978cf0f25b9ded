import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultConfig, type RegistryConfig } from '../../src/config.js';
import { startRegistry, type RunningRegistry } from '../../src/server.js';
import type { RegistryMetadata } from '../../src/metadata/registry-metadata.js';
import { request, type Reply } from './http.js';
import type { Content, Manifest } from './oci.js';

export interface TestRegistry extends RunningRegistry {
  dir: string;
  config: RegistryConfig;
  /** Stops the registry and removes its files. */
  destroy(): Promise<void>;
}

/** A registry on a random loopback port with its own storage and SQLite file, started in this process. */
export async function startTestRegistry(
  options: { configure?: (config: RegistryConfig) => void; metadata?: RegistryMetadata; dir?: string } = {},
): Promise<TestRegistry> {
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'berth-registry-test-')));
  const config = defaultConfig();
  config.listen = { host: '127.0.0.1', port: 0 };
  config.storage = path.join(dir, 'storage');
  config.database = `file:${path.join(dir, 'registry.db')}`;
  config.logLevel = 'silent';
  config.gc.intervalMinutes = 0;
  options.configure?.(config);
  const running = await startRegistry(config, options.metadata ? { metadata: options.metadata } : {});
  return {
    ...running,
    dir,
    config,
    destroy: async () => {
      await running.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** POST then PUT with the whole blob. */
export async function pushBlob(url: string, repo: string, blob: Content, headers: Record<string, string> = {}): Promise<Reply> {
  const start = await request(`${url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
  if (start.status !== 202) throw new Error(`POST upload: ${start.status} ${start.body.toString()}`);
  const location = new URL(start.header('location')!, url);
  location.searchParams.set('digest', blob.digest);
  return request(location.href, { method: 'PUT', body: blob.data, headers: { 'content-type': 'application/octet-stream', ...headers } });
}

export async function pushManifest(url: string, repo: string, reference: string, manifest: Manifest, headers: Record<string, string> = {}): Promise<Reply> {
  return request(`${url}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    body: manifest.data,
    headers: { 'content-type': manifest.mediaType, ...headers },
  });
}

/** Pushes every blob, then the manifest by tag; throws unless all succeed. */
export async function pushImage(url: string, repo: string, tag: string, image: { config: Content; layer: Content; manifest: Manifest }, headers: Record<string, string> = {}): Promise<void> {
  for (const blob of [image.config, image.layer]) {
    const r = await pushBlob(url, repo, blob, headers);
    if (r.status !== 201) throw new Error(`push blob ${blob.digest}: ${r.status} ${r.body.toString()}`);
  }
  const r = await pushManifest(url, repo, tag, image.manifest, headers);
  if (r.status !== 201) throw new Error(`push manifest: ${r.status} ${r.body.toString()}`);
}
