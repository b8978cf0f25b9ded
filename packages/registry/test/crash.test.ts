import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { randomBlob, sha256, smallImage } from './support/oci.js';
import { pushImage } from './support/registry.js';

// A berth-registry process killed with SIGKILL in the middle of uploads: started again on the
// same storage and database it serves every committed image, resumes the chunked upload from
// the bytes that reached storage, and shows nothing of the upload that never finished.
const BIN = path.resolve(import.meta.dirname, '../dist/berth-registry.js');

interface Server {
  url: string;
  process: ChildProcess;
}

let dir: string;
let server: Server | undefined;
beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the registry first (npm test does)`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'berth-registry-crash-'));
});
afterAll(async () => {
  server?.process.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Starts the registry on a free port over the test's storage; resolves once it is listening. */
function startServer(): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', '127.0.0.1:0', '--storage', dir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ url, process: child });
    });
    child.once('exit', (code) => reject(new Error(`berth-registry exited with ${code} before listening: ${err}`)));
  });
}

function kill(s: Server): Promise<void> {
  return new Promise((resolve) => {
    s.process.once('exit', () => resolve());
    s.process.kill('SIGKILL');
  });
}

/** Starts a PATCH or PUT whose body is longer than `head`, sends `head` and leaves it unfinished. */
function partialRequest(url: string, method: string, head: Buffer, headers: Record<string, string>): http.ClientRequest {
  const req = http.request(url, { method, headers: { 'content-type': 'application/octet-stream', ...headers } });
  req.on('error', () => undefined); // the server dies under it
  req.write(head);
  return req;
}

async function uploadSize(url: string): Promise<number> {
  const r = await request(url);
  expect(r.status).toBe(204);
  return Number(/^0-(\d+)$/.exec(r.header('range') ?? '')?.[1] ?? -1) + 1;
}

describe('a registry killed mid-upload', () => {
  it('restarts clean: committed images intact, the chunked upload resumes, the unfinished blob is not visible', async () => {
    server = await startServer();
    const image = smallImage(2 * 1024 * 1024);
    await pushImage(server.url, 'crash/app', 'v1', image);

    // A chunked upload with its first chunk stored, and a second chunk cut off by the kill.
    const blob = randomBlob(8 * 1024 * 1024);
    const half = blob.size / 2;
    const start = await request(`${server.url}/v2/crash/big/blobs/uploads/`, { method: 'POST' });
    const location = start.header('location')!;
    const first = await request(new URL(location, server.url).href, {
      method: 'PATCH', body: blob.data.subarray(0, half), headers: { 'content-range': `0-${half - 1}` },
    });
    expect(first.status).toBe(202);
    const cut = partialRequest(new URL(location, server.url).href, 'PATCH', blob.data.subarray(half, half + 1024 * 1024), {
      'content-range': `${half}-${blob.size - 1}`, 'content-length': String(blob.size - half),
    });
    // A monolithic upload cut off the same way.
    const lost = randomBlob(4 * 1024 * 1024);
    const lostStart = await request(`${server.url}/v2/crash/lost/blobs/uploads/`, { method: 'POST' });
    const lostUrl = new URL(lostStart.header('location')!, server.url);
    lostUrl.searchParams.set('digest', lost.digest);
    const lostReq = partialRequest(lostUrl.href, 'PUT', lost.data.subarray(0, 1024 * 1024), { 'content-length': String(lost.size) });
    await waitUntil(async () => (await uploadSize(new URL(location, server!.url).href)) > half);
    await kill(server);
    cut.destroy();
    lostReq.destroy();

    server = await startServer();
    const url = server.url;
    const manifest = await request(`${url}/v2/crash/app/manifests/v1`, { headers: { accept: image.manifest.mediaType } });
    expect(manifest.status).toBe(200);
    expect(sha256(manifest.body)).toBe(image.manifest.digest);
    for (const c of [image.config, image.layer]) {
      expect(sha256((await request(`${url}/v2/crash/app/blobs/${c.digest}`)).body)).toBe(c.digest);
    }

    // Resume from what storage holds, as a client does after GET on the upload.
    const resumeAt = await uploadSize(new URL(location, url).href);
    expect(resumeAt).toBeGreaterThan(half);
    expect(resumeAt).toBeLessThanOrEqual(half + 1024 * 1024);
    const finish = new URL(location, url);
    finish.searchParams.set('digest', blob.digest);
    const done = await request(finish.href, {
      method: 'PUT', body: blob.data.subarray(resumeAt), headers: { 'content-range': `${resumeAt}-${blob.size - 1}` },
    });
    expect(done.status).toBe(201);
    expect(sha256((await request(`${url}/v2/crash/big/blobs/${blob.digest}`)).body)).toBe(blob.digest);

    expect((await request(`${url}/v2/crash/lost/blobs/${lost.digest}`, { method: 'HEAD' })).status).toBe(404);
    await kill(server);
    server = undefined;
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
