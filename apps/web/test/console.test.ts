import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, importBusybox, TestDaemon } from '../../../packages/engine/test/support/berthd.js';
import { startConsole, type RunningConsole } from '../src/console-app.js';
import { StreamHub } from '../src/events/stream-hub.js';
import { Browser, type WsClient } from './support/api.js';

let d1: TestDaemon;
let d2: TestDaemon;
let consoleApp: RunningConsole;
let dataDir: string;
let admin: Browser;
let c1: string;
let c2: string;
let host1: number;
let host2: number;
let events: WsClient;

beforeAll(async () => {
  [d1, d2] = await Promise.all([TestDaemon.start(), TestDaemon.start()]);
  await Promise.all([importBusybox(d1), importBusybox(d2)]);
  const [r1, r2] = await Promise.all([
    docker(d1, ['run', '-d', '--name', 'one', 'busybox', 'sh', '-c', 'i=0; while true; do echo line $i; i=$((i+1)); sleep 0.2; done']),
    docker(d2, ['create', '--name', 'two', '--stop-timeout', '1', 'busybox', 'sleep', '300']),
  ]);
  c1 = r1.stdout.trim();
  c2 = r2.stdout.trim();
  dataDir = await mkdtemp(join(tmpdir(), 'berth-console-'));
  consoleApp = await startConsole({ host: '127.0.0.1', port: 0, dataDir, databaseUrl: `file:${join(dataDir, 'console.db')}`, engines: [d1.host], probeIntervalMs: 200 }, { logger: false });
  admin = new Browser(consoleApp.url);
});
afterAll(async () => {
  events?.close();
  await consoleApp?.close();
  await Promise.all([d1?.destroy(), d2?.destroy()]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('berth-console', () => {
  it('creates the first admin with the one-time setup token, once', async () => {
    expect(consoleApp.setupToken).toMatch(/^[\w-]{20,}$/);
    expect((await admin.call('GET', '/api/hosts')).status).toBe(401);
    expect((await admin.call('POST', '/api/auth/setup', { token: 'wrong', username: 'ada', password: 'correct horse' })).status).toBe(401);
    const setup = await admin.call('POST', '/api/auth/setup', { token: consoleApp.setupToken, username: 'ada', password: 'correct horse' });
    expect(setup.status).toBe(201);
    expect(setup.body.user).toMatchObject({ username: 'ada', role: 'admin' });
    expect(admin.cookie).toMatch(/^berth_session=/);
    const again = await new Browser(consoleApp.url).call('POST', '/api/auth/setup', { token: consoleApp.setupToken, username: 'eve', password: 'correct horse' });
    expect(again.status).toBe(401);
  });

  it('registers the --engine host at first start and adds a second host; an unreachable one is saved with its error', async () => {
    const hosts = (await admin.call('GET', '/api/hosts')).body;
    expect(hosts).toEqual([expect.objectContaining({ url: d1.host, status: 'up' })]);
    host1 = hosts[0].id;
    events = admin.socket();
    await events.send({ type: 'subscribe', id: 'ev', topic: { kind: 'events' } });
    await events.waitFor((m) => m.type === 'subscribed' && m.id === 'ev');
    expect((await admin.call('POST', '/api/hosts', { name: 'second', url: d2.host }, { csrf: false })).status).toBe(403);
    const added = await admin.call('POST', '/api/hosts', { name: 'second', url: d2.host });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: 'second', status: 'up', lastError: null });
    host2 = added.body.id;
    const gone = await admin.call('POST', '/api/hosts', { name: 'gone', url: `unix://${join(dataDir, 'nobody.sock')}` });
    expect(gone.body).toMatchObject({ status: 'unreachable', lastError: expect.stringContaining('nobody.sock') });
    expect((await admin.call('POST', '/api/hosts', { url: 'http://nope' })).status).toBe(400);
  });

  it('merges the containers of every host, each with its hostId, and reports the unreachable one', async () => {
    const list = await admin.call('GET', '/api/containers?all=true');
    expect(list.status).toBe(200);
    const ids = list.body.items.map((c: { Id: string; hostId: number }) => [c.Id, c.hostId]);
    expect(ids).toEqual(expect.arrayContaining([[c1, host1], [c2, host2]]));
    expect(list.body.errors).toEqual([expect.objectContaining({ host: 'gone' })]);
  });

  it('starts and stops a container through the API; the state changes arrive over the WebSocket', async () => {
    const ws = events; // subscribed to every host's events before the second host was added
    expect((await admin.call('POST', `/api/hosts/${host2}/containers/${c2}/start`)).status).toBe(204);
    await ws.waitFor((m) => m.type === 'event' && m.hostId === host2 && m.event.Action === 'start' && m.event.Actor.ID === c2);
    expect((await admin.call('POST', `/api/hosts/${host2}/containers/${c2}/stop`)).status).toBe(204);
    await ws.waitFor((m) => m.type === 'event' && m.hostId === host2 && m.event.Action === 'die' && m.event.Actor.ID === c2);
    const inspect = await admin.call('GET', `/api/hosts/${host2}/containers/${c2}`);
    expect(inspect.body.State.Running).toBe(false);
    const bad = await admin.call('POST', `/api/hosts/${host2}/containers/nosuch/start`);
    expect(bad.status).toBe(404);
    expect(bad.body.message).toContain('nosuch');
  });

  it('answers malformed WebSocket messages with an error and keeps the connection', async () => {
    const ws = admin.socket();
    await ws.send('{not json');
    await ws.waitFor((m) => m.type === 'error' && m.id === undefined && /not JSON/.test(m.message));
    await ws.send(JSON.stringify({ type: 'subscribe', id: 'x', topic: { kind: 'bogus' } }));
    await ws.waitFor((m) => m.type === 'error' && /unknown topic kind "bogus"/.test(m.message));
    await ws.send({ type: 'subscribe', id: 'h', topic: { kind: 'hosts' } });
    await ws.waitFor((m) => m.type === 'subscribed' && m.id === 'h');
    ws.close();
    const anonymous = new Browser(consoleApp.url).socket();
    await anonymous.waitFor((m) => m.type === 'error' && m.code === 'UNAUTHENTICATED');
  });

  it('follows one container log for many browsers through one engine stream', async () => {
    const hub = consoleApp.app.get(StreamHub);
    const before = hub.size;
    const sockets = [admin.socket(), admin.socket(), admin.socket()];
    for (const ws of sockets) await ws.send({ type: 'subscribe', id: 'logs', topic: { kind: 'logs', hostId: host1, container: 'one', tail: 5 } });
    for (const ws of sockets) await ws.waitFor((m) => m.type === 'log' && /^line \d+$/.test(m.line));
    expect(hub.size).toBe(before + 1);
    const late = admin.socket();
    await late.send({ type: 'subscribe', id: 'logs', topic: { kind: 'logs', hostId: host1, container: 'one', tail: 5 } });
    await late.waitFor((m) => m.type === 'log');
    expect(hub.size).toBe(before + 1);
    for (const ws of [...sockets, late]) ws.close();
  });

  it('runs a container from the form and creates and removes volumes on a chosen host', async () => {
    const run = await admin.call('POST', `/api/hosts/${host2}/containers`, { image: 'busybox', name: 'formed', cmd: ['sleep', '60'], env: ['GREETING=hi'], restartPolicy: 'no' });
    expect(run.status).toBe(201);
    const inspect = (await admin.call('GET', `/api/hosts/${host2}/containers/formed`)).body;
    expect(inspect).toMatchObject({ Id: run.body.id, State: { Running: true } });
    expect(inspect.Config.Env).toContain('GREETING=hi');
    expect((await admin.call('DELETE', `/api/hosts/${host2}/containers/formed?force=true`)).status).toBe(204);
    expect((await admin.call('POST', `/api/hosts/${host2}/containers`, { image: 'busybox', ports: ['x'] })).body.message).toContain('port "x"');
    expect((await admin.call('POST', `/api/hosts/${host2}/volumes`, { name: 'console-data' })).status).toBe(201);
    const volumes = (await admin.call('GET', '/api/volumes')).body.items;
    expect(volumes).toContainEqual(expect.objectContaining({ Name: 'console-data', hostId: host2 }));
    expect((await admin.call('DELETE', `/api/hosts/${host2}/volumes/console-data`)).status).toBe(204);
    expect((await admin.call('POST', `/api/hosts/${host1}/networks`, { name: 'console-net' })).status).toBe(201);
    expect((await admin.call('GET', '/api/networks')).body.items).toContainEqual(expect.objectContaining({ Name: 'console-net', hostId: host1 }));
    expect((await admin.call('DELETE', `/api/hosts/${host1}/networks/console-net`)).status).toBe(204);
  });

  it('streams a container\'s stats', async () => {
    const ws = admin.socket();
    await ws.send({ type: 'subscribe', id: 'st', topic: { kind: 'stats', hostId: host1, container: 'one' } });
    const m = await ws.waitFor((x) => x.type === 'stats' && x.id === 'st');
    expect(m).toMatchObject({ hostId: host1, container: c1, stats: { memory_stats: expect.any(Object) } });
    ws.close();
  });

  it('shows a host that went away as unreachable without blocking lists, and brings it back by itself', async () => {
    const ws = admin.socket();
    await ws.send({ type: 'subscribe', id: 'h', topic: { kind: 'hosts' } });
    await ws.waitFor((m) => m.type === 'subscribed');
    await d2.kill();
    await ws.waitFor((m) => m.type === 'host' && m.host.id === host2 && 'status' in m.host && m.host.status === 'unreachable');
    const started = Date.now();
    const list = (await admin.call('GET', '/api/containers?all=true')).body;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(list.errors).toContainEqual(expect.objectContaining({ hostId: host2 }));
    expect(list.items.some((c: { hostId: number }) => c.hostId === host1)).toBe(true);
    await d2.launch();
    await ws.waitFor((m) => m.type === 'host' && m.host.id === host2 && 'status' in m.host && m.host.status === 'up');
    ws.close();
    // The events subscription opened before the host went away follows it again.
    const seen = events.received.length;
    expect((await admin.call('POST', `/api/hosts/${host2}/containers/${c2}/start`)).status).toBe(204);
    await events.waitFor((m) => events.received.indexOf(m) >= seen && m.type === 'event' && m.hostId === host2 && m.event.Action === 'start', 20_000);
    expect((await admin.call('POST', `/api/hosts/${host2}/containers/${c2}/kill`)).status).toBe(204);
  });

  it('lets a viewer read but not act (403), on routes and WebSocket exec', async () => {
    expect((await admin.call('POST', '/api/users', { username: 'val', password: 'viewer pass', role: 'viewer' })).status).toBe(201);
    const viewer = new Browser(consoleApp.url);
    expect((await viewer.call('POST', '/api/auth/login', { username: 'val', password: 'viewer pass' })).status).toBe(200);
    expect((await viewer.call('GET', '/api/containers')).status).toBe(200);
    const stop = await viewer.call('POST', `/api/hosts/${host1}/containers/${c1}/stop`);
    expect(stop.status).toBe(403);
    expect(stop.body.message).toContain('viewer');
    expect((await viewer.call('GET', '/api/audit')).status).toBe(403);
    const ws = viewer.socket();
    await ws.send({ type: 'exec.start', id: 'sh', hostId: host1, container: 'one', cmd: ['sh'] });
    await ws.waitFor((m) => m.type === 'error' && m.id === 'sh' && m.code === 'PERMISSION_DENIED');
    ws.close();
    const inspect = await admin.call('GET', `/api/hosts/${host1}/containers/${c1}`);
    expect(inspect.body.State.Running).toBe(true);
    const session = viewer.cookie;
    expect((await viewer.call('POST', '/api/auth/logout')).status).toBe(204);
    viewer.cookie = session;
    expect((await viewer.call('GET', '/api/containers')).status).toBe(401);
  });

  it('runs a command in an exec session for an operator', async () => {
    const ws = admin.socket();
    await ws.send({ type: 'exec.start', id: 'sh', hostId: host1, container: c1, cmd: ['sh', '-c', 'echo hello-$((6*7))'] });
    await ws.waitFor((m) => m.type === 'exec.output' && m.data.includes('hello-42'));
    await ws.waitFor((m) => m.type === 'exec.exit' && m.id === 'sh' && m.exitCode === 0);
    ws.close();
  });

  it('writes every action with its user to the audit log, for admins', async () => {
    const audit = await admin.call('GET', '/api/audit');
    expect(audit.status).toBe(200);
    const actions = audit.body.map((e: { username: string; action: string; outcome: string }) => `${e.username} ${e.action} ${e.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['ada host.add ok', 'ada container.start ok', 'ada container.stop ok', 'ada container.start error', 'ada container.exec ok', 'ada container.run ok', 'ada volume.create ok']));
    expect(actions.some((a: string) => a.startsWith('val '))).toBe(false);
    const gone = (await admin.call('GET', '/api/hosts')).body.find((h: { name: string }) => h.name === 'gone');
    expect((await admin.call('DELETE', `/api/hosts/${gone.id}`)).status).toBe(204);
    expect((await admin.call('GET', '/api/hosts')).body.map((h: { name: string }) => h.name)).not.toContain('gone');
  });
});
