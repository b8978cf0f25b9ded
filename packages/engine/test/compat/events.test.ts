import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox, startDocker } from '../support/berthd.js';
import { until } from '../support/poll.js';

interface Ev {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: string;
  time: number;
  timeNano: number;
  status?: string;
  from?: string;
}

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
});
afterAll(() => d?.destroy());

/** Now as the `since`/`until` value the docker CLI sends (unix seconds with nanoseconds). */
const stamp = (): string => (Date.now() / 1000).toFixed(3);
const parse = (stdout: string): Ev[] => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Ev);

/** `docker events` from `since` until now: replays and ends. (`--until 0s` would cut at the last whole second.) */
async function past(since: string, ...filters: string[]): Promise<Ev[]> {
  const args = ['events', '--since', since, '--until', stamp(), '--format', '{{json .}}'];
  for (const f of filters) args.push('--filter', f);
  const result = await docker(d, args, { timeoutMs: 15_000 });
  expect(result.code, result.stderr).toBe(0);
  return parse(result.stdout);
}

function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath: d.socket, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('docker events', () => {
  it('replays a container\'s life with dockerd\'s attributes, and filters by event and label', async () => {
    const since = stamp();
    expect((await docker(d, ['run', '--name', 'ev-life', '--label', 'app=shop', 'busybox', 'sh', '-c', 'exit 3'])).code).toBe(3);
    expect((await docker(d, ['rm', 'ev-life'])).code).toBe(0);

    const events = await past(since, 'container=ev-life');
    expect(events.map((e) => e.Action)).toEqual(['create', 'attach', 'start', 'die', 'destroy']);
    for (const e of events) {
      expect(e).toMatchObject({ Type: 'container', scope: 'local', status: e.Action, from: 'busybox' });
      expect(e.Actor.ID).toMatch(/^[0-9a-f]{64}$/);
      expect(e.Actor.Attributes).toMatchObject({ image: 'busybox', name: 'ev-life', app: 'shop' });
      expect(Math.floor(e.timeNano / 1e9)).toBe(e.time);
    }
    expect(events[3]!.Actor.Attributes.exitCode).toBe('3');

    const dies = await past(since, 'event=die', 'label=app=shop');
    expect(dies.map((e) => [e.Action, e.Actor.Attributes.name])).toEqual([['die', 'ev-life']]);
    expect(await past(since, 'event=die', 'label=app=other')).toEqual([]);
    expect(await past(stamp(), 'container=ev-life')).toEqual([]);
  });

  it('follows live events after replaying the past, with none missed or doubled, and ends at --until', async () => {
    const since = stamp();
    const id = (await docker(d, ['run', '-d', '--name', 'ev-live', 'busybox', 'sleep', '300'])).stdout.trim();
    const follow = startDocker(d, ['events', '--since', since, '--filter', `container=${id.slice(0, 12)}`, '--format', '{{json .}}'], { timeoutMs: 60_000 });
    await until(async () => follow.stdout(), (out) => out.includes('"start"'));
    for (const args of [['pause', 'ev-live'], ['unpause', 'ev-live'], ['kill', '-s', 'USR1', 'ev-live'], ['rename', 'ev-live', 'ev-renamed'], ['stop', '-t', '0', 'ev-renamed']]) {
      expect((await docker(d, args)).code).toBe(0);
    }
    const out = await until(async () => follow.stdout(), (s) => s.includes('"stop"'));
    follow.child.kill('SIGKILL');
    const events = parse(out);
    expect(events.map((e) => e.Action)).toEqual(['create', 'start', 'pause', 'unpause', 'kill', 'rename', 'kill', 'kill', 'die', 'stop']);
    expect(events[4]!.Actor.Attributes.signal).toBe('10');
    expect(events[5]!.Actor.Attributes).toMatchObject({ name: 'ev-renamed', oldName: '/ev-live' });
    // `stop -t 0`: the stop signal, then KILL at once, as dockerd reports it.
    expect([events[6]!.Actor.Attributes.signal, events[7]!.Actor.Attributes.signal]).toEqual(['15', '9']);
    expect(events[8]!.Actor.Attributes.exitCode).toBe('137');

    // An --until a moment ahead follows live events, then ends by itself.
    const bounded = await docker(d, ['events', '--since', since, '--until', String(Date.now() / 1000 + 1.5), '--filter', 'event=stop', '--format', '{{json .}}'], { timeoutMs: 10_000 });
    expect(bounded.code).toBe(0);
    expect(parse(bounded.stdout).map((e) => e.Actor.Attributes.name)).toEqual(['ev-renamed']);
  });

  it('reports exec and image events with their attributes', async () => {
    const since = stamp();
    await docker(d, ['run', '-d', '--name', 'ev-exec', 'busybox', 'sleep', '300']);
    expect((await docker(d, ['exec', 'ev-exec', 'sh', '-c', 'exit 4'])).code).toBe(4);
    expect((await docker(d, ['tag', 'busybox', 'ev-img:1'])).code).toBe(0);
    expect((await docker(d, ['rmi', 'ev-img:1'])).code).toBe(0);
    await docker(d, ['rm', '-f', 'ev-exec']);

    const execs = await past(since, 'container=ev-exec', 'event=exec_create', 'event=exec_start', 'event=exec_die');
    expect(execs.map((e) => e.Action)).toEqual(['exec_create: sh -c exit 4', 'exec_start: sh -c exit 4', 'exec_die']);
    expect(execs[2]!.Actor.Attributes).toMatchObject({ exitCode: '4', name: 'ev-exec' });
    expect(execs[2]!.Actor.Attributes.execID).toMatch(/^[0-9a-f]{64}$/);

    const images = await past(since, 'type=image');
    const imageId = images[0]!.Actor.ID;
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(images.map((e) => [e.Action, e.Actor.ID, e.Actor.Attributes.name])).toEqual([['tag', imageId, 'ev-img:1'], ['untag', imageId, imageId]]);
    expect((await past(since, 'image=ev-img')).map((e) => e.Action)).toEqual(['tag']);
  });

  it('reports volume and network events around a container that uses them', async () => {
    const since = stamp();
    expect((await docker(d, ['volume', 'create', 'ev-vol'])).code).toBe(0);
    const netId = (await docker(d, ['network', 'create', 'ev-net'])).stdout.trim();
    const id = (await docker(d, ['run', '--name', 'ev-user', '--network', 'ev-net', '-v', 'ev-vol:/data', 'busybox', 'true'])).stdout.trim()
      || (await docker(d, ['inspect', '-f', '{{.Id}}', 'ev-user'])).stdout.trim();
    await docker(d, ['rm', 'ev-user']);
    expect((await docker(d, ['volume', 'rm', 'ev-vol'])).code).toBe(0);
    expect((await docker(d, ['network', 'rm', 'ev-net'])).code).toBe(0);

    const volumes = await past(since, 'volume=ev-vol');
    expect(volumes.map((e) => e.Action)).toEqual(['create', 'mount', 'unmount', 'destroy']);
    expect(volumes[1]!.Actor).toEqual({ ID: 'ev-vol', Attributes: { container: id, destination: '/data', driver: 'local', propagation: expect.any(String), 'read/write': 'true' } });
    const networks = await past(since, 'type=network', 'network=ev-net');
    expect(networks.map((e) => e.Action)).toEqual(['create', 'connect', 'disconnect', 'destroy']);
    expect(networks.every((e) => e.Actor.ID === netId)).toBe(true);
    expect(networks[1]!.Actor.Attributes).toEqual({ container: id, name: 'ev-net', type: 'bridge' });
  });

  it('refuses invalid filters and times with a 400 naming the bad part', async () => {
    const bad = await docker(d, ['events', '--until', '0s', '--filter', 'colour=red']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("invalid filter 'colour'");
    const badType = await docker(d, ['events', '--until', '0s', '--filter', 'type=boat']);
    expect(badType.stderr).toContain('type=boat');

    const since = await rawGet('/v1.41/events?since=yesterday');
    expect(since.status).toBe(400);
    expect(JSON.parse(since.body).message).toMatch(/since: "yesterday"/);
    const order = await rawGet('/v1.41/events?since=200&until=100');
    expect(order.status).toBe(400);
    expect(order.body).toContain('cannot be after');
    // RFC3339 and durations work on the wire too.
    const rfc = await rawGet(`/v1.41/events?since=${new Date(Date.now() - 3_600_000).toISOString()}&until=0s&filters=${encodeURIComponent('{"container":{"ev-life":true}}')}`);
    expect(rfc.status).toBe(200);
    expect(parse(rfc.body).map((e) => e.Action)).toContain('destroy');
  });

  it('replays events from before a berthd restart', async () => {
    const since = stamp();
    const id = (await docker(d, ['create', '--name', 'ev-restart', 'busybox', 'true'])).stdout.trim();
    await d.kill('SIGTERM');
    await d.launch();
    expect((await docker(d, ['rm', 'ev-restart'])).code).toBe(0);
    const events = await past(since, 'container=ev-restart');
    expect(events.map((e) => [e.Action, e.Actor.ID])).toEqual([['create', id], ['destroy', id]]);
    // The docker CLI's own relative window, over events from several seconds back.
    const hour = await docker(d, ['events', '--since', '1h', '--until', '0s', '--filter', 'container=ev-life', '--format', '{{.Action}}'], { timeoutMs: 15_000 });
    expect(hour.stdout.split('\n').filter(Boolean)).toEqual(['create', 'attach', 'start', 'die', 'destroy']);
  });
});
