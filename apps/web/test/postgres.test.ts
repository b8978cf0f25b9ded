import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../../packages/registry/test/support/postgres.js';
import { startConsole, type RunningConsole } from '../src/console-app.js';
import { Browser } from './support/api.js';

let pg: PostgresServer;
let dataDir: string;
let running: RunningConsole | undefined;

beforeAll(async () => {
  pg = await startPostgres();
  dataDir = await mkdtemp(join(tmpdir(), 'berth-console-pg-'));
});
afterAll(async () => {
  await running?.close();
  await pg?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('keeps users, sessions, hosts and the audit log in PostgreSQL across restarts', async () => {
  const databaseUrl = await pg.createDatabase('console');
  const config = { host: '127.0.0.1', port: 0, dataDir, databaseUrl, engines: [`unix://${join(dataDir, 'none.sock')}`] };
  running = await startConsole(config, { logger: false });
  const b = new Browser(running.url);
  expect((await b.call('POST', '/api/auth/setup', { token: running.setupToken, username: 'ada', password: 'correct horse' })).status).toBe(201);
  const hosts = (await b.call('GET', '/api/hosts')).body;
  expect(hosts).toEqual([expect.objectContaining({ status: 'unreachable', lastError: expect.stringContaining('none.sock') })]);
  expect((await b.call('PATCH', `/api/hosts/${hosts[0].id}`, { name: 'renamed' })).status).toBe(200);
  await running.close();

  running = await startConsole(config, { logger: false });
  expect(running.setupToken).toBeUndefined();
  const again = new Browser(running.url);
  expect((await again.call('POST', '/api/auth/login', { username: 'ada', password: 'correct horse' })).status).toBe(200);
  expect((await again.call('GET', '/api/hosts')).body).toEqual([expect.objectContaining({ name: 'renamed' })]);
  const audit = (await again.call('GET', '/api/audit')).body;
  expect(audit.map((e: { action: string }) => e.action)).toContain('host.update');
});
