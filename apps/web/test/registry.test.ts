import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBerthRegistry, type RegistryProcess } from '@berth/sdk/testing';
import { docker, importBusybox, TestDaemon } from '../../../packages/engine/test/support/berthd.js';
import { startConsole, type RunningConsole } from '../src/console-app.js';
import { Browser } from './support/api.js';

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
