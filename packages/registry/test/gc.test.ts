import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { startRegistry, type RunningRegistry } from '../src/server.js';
import { request, type Reply } from './support/http.js';
import { content, descriptor, imageIndex, imageManifest, OCI_CONFIG, OCI_LAYER, OCI_MANIFEST, randomBlob, sha256, type Content, type Manifest } from './support/oci.js';
import { pushBlob, pushManifest } from './support/registry.js';

// The online collector against a running registry: collections back to back with a grace period
// of 50 ms while clients push (so pushes that take longer than that lose blobs to the collector
// between upload and manifest put, and start again), then every tagged image must still pull
// completely. With no grace period at all a push could never finish: every blob is garbage
// from its upload until the manifest that references it is put.

let dir: string;
let registry: RunningRegistry;
let url: string;
const collections: { manifests: number; blobs: number; orphans: number }[] = [];
const failures: unknown[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'berth-registry-gc-'));
  const config = defaultConfig();
  config.listen = { host: '127.0.0.1', port: 0 };
  config.storage = path.join(dir, 'storage');
  config.database = `file:${path.join(dir, 'registry.db')}`;
  // A collection every few milliseconds; anything unreferenced for 50 ms is fair game.
  config.gc = { intervalMinutes: 0.00005, gracePeriodMinutes: 50 / 60_000, uploadMaxAgeMinutes: 60 };
  const logger = pino({ level: 'info' }, {
    write: (line: string) => {
      const entry = JSON.parse(line) as { msg: string; level: number; manifests: number; blobs: number; orphans: number };
      if (entry.msg === 'garbage collection') collections.push(entry);
      if (entry.level >= 50) failures.push(entry);
    },
  });
  registry = await startRegistry(config, { logger });
  url = registry.url;
});
afterAll(async () => {
  await registry?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** An image to push: its manifest (by tag) and what it needs first. */
interface Image {
  manifest: Manifest;
  blobs: Content[];
  /** For an index: its platform manifests, pushed by digest first. */
  children: { manifest: Manifest; blobs: Content[] }[];
}

// Layers every image carries, so that pushes of different images race over the same blobs.
const BASE = [randomBlob(48 * 1024), randomBlob(4 * 1024)];

function singleImage(layerSize = 16 * 1024): { manifest: Manifest; blobs: Content[] } {
  const config = content(JSON.stringify({ os: 'linux', architecture: 'amd64', nonce: Math.random() }));
  const layers = [...BASE, randomBlob(layerSize)];
  const manifest = imageManifest({ config: descriptor(config, OCI_CONFIG), layers: layers.map((l) => descriptor(l, OCI_LAYER)) });
  return { manifest, blobs: [config, ...layers] };
}

function indexImage(): Image {
  const children = [singleImage(), singleImage()];
  const manifest = imageIndex(children.map((c) => descriptor(c.manifest, OCI_MANIFEST, { platform: { os: 'linux', architecture: 'amd64' } })));
  return { manifest, blobs: [], children };
}

type UploadWay = 'put' | 'head-first' | 'mount' | 'chunked';

/** Uploads a blob as different clients do; false when the registry asks for it again. */
async function upload(repo: string, blob: Content, way: UploadWay): Promise<boolean> {
  if (way === 'head-first' && (await request(`${url}/v2/${repo}/blobs/${blob.digest}`, { method: 'HEAD' })).status === 200) return true;
  if (way === 'mount') {
    const r = await request(`${url}/v2/${repo}/blobs/uploads/?mount=${blob.digest}&from=gc/base`, { method: 'POST' });
    if (r.status === 201) return true;
  }
  if (way === 'chunked') {
    const start = await request(`${url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    const location = new URL(start.header('location')!, url);
    const half = Math.floor(blob.size / 2);
    const patch = await request(location.href, { method: 'PATCH', body: blob.data.subarray(0, half), headers: { 'content-range': `0-${half - 1}` } });
    expect(patch.status).toBe(202);
    location.searchParams.set('digest', blob.digest);
    return checkUpload(await request(location.href, { method: 'PUT', body: blob.data.subarray(half), headers: { 'content-range': `${half}-${blob.size - 1}` } }));
  }
  return checkUpload(await pushBlob(url, repo, blob));
}

function checkUpload(r: Reply): boolean {
  if (r.status === 201) return true;
  // The collector took bytes this upload found already stored, or was moving into place: the
  // registry says so (the upload is gone) rather than link bytes that are not there.
  if (r.status === 404 && r.code() === 'BLOB_UPLOAD_UNKNOWN') return false;
  throw new Error(`blob upload: ${r.status} ${r.body.toString()}`);
}

/** Puts a manifest; false when the registry says something it references is gone (the push must start again). */
async function putManifest(repo: string, reference: string, manifest: Manifest): Promise<boolean> {
  const r = await pushManifest(url, repo, reference, manifest);
  if (r.status === 201) return true;
  if (r.status === 400 && r.code() === 'MANIFEST_BLOB_UNKNOWN') return false;
  throw new Error(`manifest put: ${r.status} ${r.body.toString()}`);
}

/** Pushes the image by tag, starting again as a client would whenever the collector got in between. */
async function pushTagged(repo: string, tag: string, image: Image, way: UploadWay): Promise<void> {
  for (let attempt = 1; attempt <= 200; attempt++) {
    const parts = [...image.children, { manifest: image.manifest, blobs: image.blobs }];
    let ok = true;
    for (const [i, part] of parts.entries()) {
      for (const blob of part.blobs) ok &&= await upload(repo, blob, way);
      const last = i === parts.length - 1;
      ok &&= await putManifest(repo, last ? tag : part.manifest.digest, part.manifest);
      if (!ok) break;
    }
    if (ok) return;
  }
  throw new Error(`could not push ${repo}:${tag} while the collector ran`);
}

/** Pulls by tag: the manifest, every child and every blob, checking each digest. */
async function expectPullable(repo: string, tag: string, image: Image): Promise<void> {
  const pull = async (reference: string, manifest: Manifest) => {
    const r = await request(`${url}/v2/${repo}/manifests/${reference}`, { headers: { accept: manifest.mediaType } });
    expect(r.status, `${repo}:${reference}`).toBe(200);
    expect(sha256(r.body)).toBe(manifest.digest);
  };
  const blob = async (b: Content) => {
    const r = await request(`${url}/v2/${repo}/blobs/${b.digest}`);
    expect(r.status, `${repo} blob ${b.digest}`).toBe(200);
    expect(sha256(r.body)).toBe(b.digest);
  };
  await pull(tag, image.manifest);
  for (const b of image.blobs) await blob(b);
  for (const child of image.children) {
    await pull(child.manifest.digest, child.manifest);
    for (const b of child.blobs) await blob(b);
  }
}

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('online garbage collection', () => {
  it('loses nothing a tag or a manifest references while collections run back to back during pushes', async () => {
    const base = singleImage();
    await pushTagged('gc/base', 'latest', { ...base, children: [] }, 'put');
    const ways: UploadWay[] = ['put', 'head-first', 'mount', 'chunked'];
    const pushed: { repo: string; tag: string; image: Image }[] = [];
    const garbage: { repo: string; manifest?: string; blob?: string }[] = [];
    const during = collections.length;

    await Promise.all(Array.from({ length: 8 }, async (_, worker) => {
      const repo = `gc/worker-${worker}`;
      for (let i = 0; i < 8; i++) {
        const image: Image = (worker + i) % 3 === 0 ? indexImage() : { ...singleImage(), children: [] };
        const tag = `v${i}`;
        await pushTagged(repo, tag, image, ways[(worker + i) % ways.length]!);
        pushed.push({ repo, tag, image });
        // Garbage among the pushes: an untagged image and a blob nothing references.
        const untagged = singleImage(2048);
        await pushTagged(repo, `scratch-${i}`, { ...untagged, children: [] }, 'put');
        await request(`${url}/v2/${repo}/manifests/scratch-${i}`, { method: 'DELETE' });
        garbage.push({ repo, manifest: untagged.manifest.digest });
        const loose = randomBlob(1024);
        if (await upload(repo, loose, 'put')) garbage.push({ repo, blob: loose.digest });
      }
    }));

    const ran = collections.length - during;
    // Collections slow down while pushes queue for the same SQLite connection; a handful is plenty.
    expect(ran, 'collections while pushing').toBeGreaterThanOrEqual(5);
    // A few more after the last push, then everything tagged must pull completely.
    const after = collections.length;
    await until('three more collections', () => collections.length >= after + 3);
    for (const { repo, tag, image } of pushed) await expectPullable(repo, tag, image);
    await expectPullable('gc/base', 'latest', { ...base, children: [] });

    // And the collector did collect: the garbage goes.
    await until('the garbage to go', async () => {
      for (const g of garbage) {
        const path = g.manifest !== undefined ? `manifests/${g.manifest}` : `blobs/${g.blob}`;
        if ((await request(`${url}/v2/${g.repo}/${path}`, { method: 'HEAD', headers: { accept: OCI_MANIFEST } })).status !== 404) return false;
      }
      return true;
    });
    expect(collections.some((c) => c.manifests > 0 && c.blobs > 0)).toBe(true);
    expect(failures).toEqual([]);
  });
});
