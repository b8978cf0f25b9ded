import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GarbageReport } from '../src/gc/garbage-report.js';
import { request } from './support/http.js';
import { randomBlob, sha256, smallImage } from './support/oci.js';
import { buildRegistryBin, runBin } from './support/registry-bin.js';
import { pushBlob, pushImage, startTestRegistry, type TestRegistry } from './support/registry.js';

// `berth-registry` run as users run it, by the bin: `gc` against the storage of a registry that
// is serving, and `serve` killed in the middle of an upload.

let bin: string;
let registry: TestRegistry;
beforeAll(async () => {
  [bin, registry] = await Promise.all([buildRegistryBin(), startTestRegistry()]);
});
afterAll(async () => registry?.destroy());

/** Every file under the storage with its size and time, to see that nothing changed. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const info = await stat(file);
    out.push(`${file} ${info.size} ${info.mtimeMs}`);
  }
  return out.sort();
}

function gc(...flags: string[]) {
  const { storage, database } = registry.config;
  return runBin(bin, ['gc', ...flags, '--storage', storage, '--database', database, '--gc-grace', '0', '--log-level', 'silent']);
}

function lists(report: GarbageReport) {
  return { manifests: report.manifests, blobs: [...report.blobs].sort(), orphans: report.orphans, uploads: report.uploads, bytesFreed: report.bytesFreed };
}

describe('berth-registry gc', () => {
  it('--dry-run prints what a collection would remove as JSON and removes nothing; gc then removes just that', async () => {
    const { url } = registry;
    const kept = smallImage(4096);
    await pushImage(url, 'cli/app', 'v1', kept);
    const untagged = smallImage(2048);
    await pushImage(url, 'cli/app', 'old', untagged);
    expect((await request(`${url}/v2/cli/app/manifests/old`, { method: 'DELETE' })).status).toBe(202);
    const loose = randomBlob(1000);
    expect((await pushBlob(url, 'cli/app', loose)).status).toBe(201);
    const before = await snapshot(registry.config.storage);

    const dry = await gc('--dry-run');
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    const report = JSON.parse(dry.stdout) as GarbageReport;
    expect(report.dryRun).toBe(true);
    expect(lists(report)).toEqual({
      manifests: [{ repo: 'cli/app', digest: untagged.manifest.digest }],
      blobs: [untagged.config.digest, untagged.layer.digest, loose.digest].sort(),
      orphans: [untagged.manifest.digest],
      uploads: [],
      bytesFreed: untagged.config.size + untagged.layer.size + loose.size + untagged.manifest.size,
    });
    expect(report.counts).toEqual({ manifests: 1, blobs: 3, orphans: 1, uploads: 0 });
    expect(await snapshot(registry.config.storage)).toEqual(before);
    expect((await request(`${url}/v2/cli/app/manifests/${untagged.manifest.digest}`, { headers: { accept: untagged.manifest.mediaType } })).status).toBe(200);
    expect((await request(`${url}/v2/cli/app/blobs/${loose.digest}`)).status).toBe(200);

    const real = await gc();
    expect(real.code).toBe(0);
    const removed = JSON.parse(real.stdout) as GarbageReport;
    expect(removed.dryRun).toBe(false);
    expect(lists(removed)).toEqual(lists(report));
    expect((await request(`${url}/v2/cli/app/manifests/${untagged.manifest.digest}`, { method: 'HEAD', headers: { accept: untagged.manifest.mediaType } })).status).toBe(404);
    expect((await request(`${url}/v2/cli/app/blobs/${loose.digest}`, { method: 'HEAD' })).status).toBe(404);
    const manifest = await request(`${url}/v2/cli/app/manifests/v1`, { headers: { accept: kept.manifest.mediaType } });
    expect(sha256(manifest.body)).toBe(kept.manifest.digest);
    for (const blob of [kept.config, kept.layer]) expect(sha256((await request(`${url}/v2/cli/app/blobs/${blob.digest}`)).body)).toBe(blob.digest);
  });
});

/** `berth-registry serve` in a child process on `dir`, with the collector off; resolves once it listens. */
async function serve(dir: string): Promise<{ url: string; kill(): Promise<void> }> {
  const child = spawn(process.execPath, [
    bin, 'serve', '--listen', '127.0.0.1:0', '--storage', path.join(dir, 'storage'), '--database', `file:${path.join(dir, 'registry.db')}`,
    '--gc-interval', '0', '--log-level', 'silent',
  ]);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`berth-registry serve exited with ${code}: ${out}`)));
  });
  return {
    url,
    kill: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The last byte an upload holds, from its `Range` ("0-0" is both none and one byte: wait for more). */
async function lastByte(url: string, location: string): Promise<number> {
  const r = await request(new URL(location, url).href);
  expect(r.status).toBe(204);
  return Number(r.header('range')!.split('-')[1]);
}

describe('a registry killed in the middle of an upload', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'berth-registry-kill-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('restarts clean: the upload resumes where its bytes stopped, committed blobs are whole, and gc purges an abandoned upload', async () => {
    const first = await serve(dir);
    const committed = smallImage(64 * 1024);
    await pushImage(first.url, 'crash/app', 'v1', committed);
    const blob = randomBlob(4 * 1024 * 1024);
    const start = await request(`${first.url}/v2/crash/app/blobs/uploads/`, { method: 'POST' });
    const location = start.header('location')!;
    // A PATCH streaming its body when the registry dies.
    const body = new PassThrough();
    const patch = request(new URL(location, first.url).href, { method: 'PATCH', body }).catch((err: unknown) => err);
    body.write(blob.data.subarray(0, 1024 * 1024));
    for (let deadline = Date.now() + 10_000; (await lastByte(first.url, location)) < 1; await sleep(5)) {
      if (Date.now() > deadline) throw new Error('the PATCH never reached storage');
    }
    await first.kill();
    expect(await patch).toBeInstanceOf(Error);

    const second = await serve(dir);
    const received = (await lastByte(second.url, location)) + 1;
    expect(received).toBeGreaterThan(1);
    expect(received).toBeLessThanOrEqual(1024 * 1024);
    const resume = new URL(location, second.url);
    resume.searchParams.set('digest', blob.digest);
    const put = await request(resume.href, { method: 'PUT', body: blob.data.subarray(received), headers: { 'content-range': `${received}-${blob.size - 1}` } });
    expect(put.status).toBe(201);
    expect(sha256((await request(`${second.url}/v2/crash/app/blobs/${blob.digest}`)).body)).toBe(blob.digest);
    for (const b of [committed.config, committed.layer]) {
      expect(sha256((await request(`${second.url}/v2/crash/app/blobs/${b.digest}`)).body)).toBe(b.digest);
    }

    // An upload its client walks away from is purged by gc once it is older than --upload-max-age.
    const abandoned = await request(`${second.url}/v2/crash/app/blobs/uploads/`, { method: 'POST' });
    const abandonedAt = abandoned.header('location')!;
    expect((await request(new URL(abandonedAt, second.url).href, { method: 'PATCH', body: blob.data.subarray(0, 1000) })).status).toBe(202);
    const run = await runBin(bin, [
      'gc', '--storage', path.join(dir, 'storage'), '--database', `file:${path.join(dir, 'registry.db')}`, '--upload-max-age', '0', '--log-level', 'silent',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as GarbageReport;
    expect(report).toMatchObject({ manifests: [], blobs: [], orphans: [], uploads: [abandoned.header('docker-upload-uuid')] });
    expect((await request(new URL(abandonedAt, second.url).href)).status).toBe(404);
    const manifest = await request(`${second.url}/v2/crash/app/manifests/v1`, { headers: { accept: committed.manifest.mediaType } });
    expect(sha256(manifest.body)).toBe(committed.manifest.digest);
    await second.kill();
  });
});
