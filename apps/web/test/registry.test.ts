import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RegistryClient } from '@berth/sdk';
import { freePort, startBerthRegistry, type RegistryProcess } from '@berth/sdk/testing';
import { docker, importBusybox, TestDaemon } from '../../../packages/engine/test/support/berthd.js';
import { collect, sourceOf, testImage } from '../../../packages/sdk/test/support/images.js';
import { startConsole, type RunningConsole } from '../src/console-app.js';
import { StreamHub } from '../src/events/stream-hub.js';
import type { WsServerMessage } from '../src/events/ws-messages.js';
import { Browser, type WsClient } from './support/api.js';

let d: TestDaemon;
let registry: RegistryProcess;
let running: RunningConsole;
let dataDir: string;
let admin: Browser;

beforeAll(async () => {
  [d, registry] = await Promise.all([TestDaemon.start(), startBerthRegistry()]);
  await importBusybox(d);
  const ref = `${registry.host}/library/busybox:1`;
  expect((await docker(d, ['tag', 'busybox', ref])).code).toBe(0);
  expect((await docker(d, ['push', ref])).code).toBe(0);
  expect((await docker(d, ['rmi', ref])).code).toBe(0);
  dataDir = await mkdtemp(join(tmpdir(), 'berth-console-reg-'));
  running = await startConsole({ host: '127.0.0.1', port: 0, dataDir, databaseUrl: `file:${join(dataDir, 'c.db')}`, engines: [d.host] }, { logger: false });
  admin = new Browser(running.url);
  await admin.call('POST', '/api/auth/setup', { token: running.setupToken, username: 'ada', password: 'correct horse' });
});
afterAll(async () => {
  await running?.close();
  await Promise.all([d?.destroy(), registry?.stop()]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('browses a registry: repositories, tags, and a manifest with its layers and sizes', async () => {
  const added = await admin.call('POST', '/api/registries', { name: 'local', url: registry.host });
  expect(added.status).toBe(201);
  const id = added.body.id;
  expect((await admin.call('GET', `/api/registries/${id}/repositories`)).body).toContain('library/busybox');
  expect((await admin.call('GET', `/api/registries/${id}/tags?repository=library/busybox`)).body).toEqual(['1']);
  const manifest = (await admin.call('GET', `/api/registries/${id}/manifest?repository=library/busybox&tag=1`)).body;
  expect(manifest.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(manifest.layers.length).toBeGreaterThan(0);
  expect(manifest.layers[0].size).toBeGreaterThan(100_000);
  const missing = await admin.call('GET', `/api/registries/${id}/manifest?repository=library/busybox&tag=nope`);
  expect(missing.status).toBe(404);
});

it('pulls an image with its progress over the WebSocket, and removes it', async () => {
  const ws = admin.socket();
  await ws.send({ type: 'subscribe', id: 'p', topic: { kind: 'progress', operationId: 'op-1' } });
  await ws.waitFor((m) => m.type === 'subscribed');
  const ref = `${registry.host}/library/busybox:1`;
  const pull = await admin.call('POST', '/api/hosts/1/images/pull', { image: ref, operationId: 'op-1' });
  expect(pull.status).toBe(201);
  await ws.waitFor((m) => m.type === 'progress' && m.operationId === 'op-1');
  await ws.waitFor((m) => m.type === 'end' && m.id === 'p');
  const images = (await admin.call('GET', '/api/images')).body.items;
  expect(images.some((i: { RepoTags?: string[] }) => i.RepoTags?.includes(ref))).toBe(true);
  expect((await admin.call('DELETE', `/api/hosts/1/images/${encodeURIComponent(ref)}`)).status).toBe(200);
  const audit = (await admin.call('GET', '/api/audit')).body.map((e: { action: string; outcome: string }) => `${e.action} ${e.outcome}`);
  expect(audit).toEqual(expect.arrayContaining(['registry.add ok', 'image.pull ok', 'image.remove ok']));
  ws.close();
});

/** Pushes a small generated image straight to a registry (not through an engine). */
async function pushTestImage(host: string, ref: string) {
  const client = new RegistryClient();
  try {
    const image = testImage();
    await collect(client.push(`${host}/${ref}`, { manifest: image.manifest, source: sourceOf(image) }));
    return image;
  } finally {
    client.close();
  }
}

async function login(username: string, role: 'viewer' | 'operator'): Promise<Browser> {
  expect((await admin.call('POST', '/api/users', { username, password: `${username} password`, role })).status).toBe(201);
  const b = new Browser(running.url);
  expect((await b.call('POST', '/api/auth/login', { username, password: `${username} password` })).status).toBe(200);
  return b;
}

function registryEvent(ws: WsClient, sub: string, action: string, tag: string) {
  return ws.waitFor((m) => m.type === 'registry-event' && m.id === sub && m.event.action === action && m.event.tag === tag);
}

async function hubSize(hub: StreamHub, size: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (hub.size !== size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(hub.size).toBe(size);
}

it('deletes a tag (operator, audited) while browsers follow the registry live through one registry stream', async () => {
  const id = (await admin.call('GET', '/api/registries')).body.find((r: { name: string }) => r.name === 'local').id;
  const [operator, viewer] = [await login('oscar', 'operator'), await login('vera', 'viewer')];
  const hub = running.app.get(StreamHub);
  const before = hub.size;
  const sockets = [operator.socket(), viewer.socket(), admin.socket()];
  for (const ws of sockets) await ws.send({ type: 'subscribe', id: 'reg', topic: { kind: 'registry-events', registryId: id } });
  for (const ws of sockets) await ws.waitFor((m) => m.type === 'registry-status' && m.registryId === id && m.status === 'up');
  expect(hub.size).toBe(before + 1);
  expect((await admin.call('GET', '/api/registries')).body.find((r: { id: number }) => r.id === id)).toMatchObject({ status: 'up', lastError: null });

  const image = await pushTestImage(registry.host, 'team/app:v1');
  for (const ws of sockets) {
    const pushed = await registryEvent(ws, 'reg', 'push', 'v1');
    expect(pushed).toMatchObject({ registryId: id, event: { repository: 'team/app', digest: image.manifest.digest } });
  }

  const path = `/api/registries/${id}/tags?repository=team/app&tag=v1`;
  const refused = await viewer.call('DELETE', path);
  expect(refused.status).toBe(403);
  expect((await operator.call('DELETE', path)).status).toBe(204);
  for (const ws of sockets) await registryEvent(ws, 'reg', 'delete', 'v1');
  expect((await admin.call('GET', `/api/registries/${id}/tags?repository=team/app`)).body).toEqual([]);

  const again = await operator.call('DELETE', path);
  expect(again.status).toBe(404);
  expect((await operator.call('DELETE', `/api/registries/${id}/tags?repository=team/app&tag=no/such`)).status).toBe(400);
  expect((await operator.call('DELETE', `/api/registries/${id}/tags?repository=team/app`)).status).toBe(400);
  const audit = (await admin.call('GET', '/api/audit')).body.filter((e: { action: string }) => e.action === 'registry.tag.remove');
  expect(audit.map((e: { username: string; outcome: string; target: string }) => `${e.username} ${e.outcome} ${e.target}`)).toEqual([
    `oscar error ${registry.host}/team/app:no/such`,
    `oscar error ${registry.host}/team/app:v1`,
    `oscar ok ${registry.host}/team/app:v1`,
  ]);

  for (const ws of sockets) ws.close();
  await hubSize(hub, before);
});

it('reports a registry that cannot be reached, keeps retrying quietly, and follows it once it is up', async () => {
  const port = await freePort();
  const added = await admin.call('POST', '/api/registries', { name: 'later', url: `127.0.0.1:${port}` });
  expect(added.status).toBe(201);
  const id = added.body.id as number;
  const ws = admin.socket();
  await ws.send({ type: 'subscribe', id: 'all', topic: { kind: 'registry-events' } });
  const down = await ws.waitFor((m) => m.type === 'registry-status' && m.registryId === id && m.status === 'unreachable');
  expect(down).toMatchObject({ lastError: expect.stringMatching(/connection refused/) });
  expect((await admin.call('GET', '/api/registries')).body.find((r: { id: number }) => r.id === id)).toMatchObject({ status: 'unreachable' });
  // Nothing hangs on it meanwhile.
  const started = Date.now();
  expect((await admin.call('GET', `/api/registries/${id}/repositories`)).status).toBe(502);
  expect(Date.now() - started).toBeLessThan(5_000);

  const later = await startBerthRegistry({ port });
  try {
    await ws.waitFor((m) => m.type === 'registry-status' && m.registryId === id && m.status === 'up', 30_000);
    await pushTestImage(later.host, 'late/app:v2');
    const event = await ws.waitFor((m) => m.type === 'registry-event' && m.registryId === id && m.event.tag === 'v2');
    expect(event).toMatchObject({ id: 'all', event: { action: 'push', repository: 'late/app' } });
    // The subscription follows the other registry too, and survives the removal of this one.
    await pushTestImage(registry.host, 'team/app:v3');
    await ws.waitFor((m) => m.type === 'registry-event' && m.registryId !== id && m.event.tag === 'v3');
    const hub = running.app.get(StreamHub);
    const open = hub.size;
    expect((await admin.call('DELETE', `/api/registries/${id}`)).status).toBe(204);
    await hubSize(hub, open - 1);
    await pushTestImage(registry.host, 'team/app:v4');
    await ws.waitFor((m) => m.type === 'registry-event' && m.event.tag === 'v4');
    const ended = (m: WsServerMessage) => (m.type === 'end' || m.type === 'error') && m.id === 'all';
    expect(ws.received.some(ended)).toBe(false);
  } finally {
    ws.close();
    await later.stop();
  }
});
