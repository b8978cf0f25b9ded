import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_VERSION, BadRequestError, BuildError, ConflictError, EngineClient, NotFoundError, ServerError, type OutputFrame,
} from '../src/index.js';
import { TestDaemon } from './support/berthd.js';

let d: TestDaemon;
let client: EngineClient;
beforeAll(async () => {
  d = await TestDaemon.start();
  await d.importBusybox();
  client = new EngineClient({ host: d.host });
});
afterAll(async () => {
  client?.close();
  await d?.destroy();
});

async function collect(frames: AsyncIterable<OutputFrame>): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  for await (const f of frames) out[f.stream] += f.data.toString();
  return out;
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A tar of a build context holding one Dockerfile. */
function contextTar(dockerfile: string): Buffer {
  const dir = fs.mkdtempSync(path.join(d.root, 'ctx-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  return execFileSync('tar', ['-cf', '-', '-C', dir, '.']);
}

describe('EngineClient against berthd', () => {
  it('negotiates the API version with /_ping', async () => {
    expect(await client.apiVersion()).toBe(API_VERSION);
    expect((await client.version()).ApiVersion).toBe(API_VERSION);
  });

  it('creates, starts, reads logs with stdout and stderr apart, waits for and removes a container', async () => {
    const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'] }, { name: 'sdk-lifecycle' });
    await client.containers.start(Id);
    expect(await client.containers.wait(Id)).toMatchObject({ StatusCode: 3 });
    expect(await collect(client.containers.logs(Id))).toEqual({ stdout: 'out\n', stderr: 'err\n' });
    expect((await client.containers.inspect('sdk-lifecycle')).State.ExitCode).toBe(3);
    const listed = await client.containers.list({ all: true, filters: { name: ['sdk-lifecycle'], status: ['exited'] } });
    expect(listed.map((c) => c.Id)).toEqual([Id]);
    await client.containers.remove(Id);
    await expect(client.containers.inspect(Id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('runs an exec with stdin, half-closes it and reports the exit code', async () => {
    const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sleep', '300'] });
    await client.containers.start(Id);
    const exec = await client.exec.create(Id, { Cmd: ['sh', '-c', 'tr a-z A-Z; echo done >&2; exit 5'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
    const handle = await client.exec.start(exec.Id, { stdin: true });
    handle.write('hello sdk\n');
    handle.closeWrite();
    expect(await collect(handle.output)).toEqual({ stdout: 'HELLO SDK\n', stderr: 'done\n' });
    expect(await handle.exitCode).toBe(5);
    await client.containers.remove(Id, { force: true });
  });

  it('attaches to a container, sends stdin and gets its exit code', async () => {
    const { Id } = await client.containers.create({
      Image: 'busybox', Cmd: ['sh', '-c', 'read line; echo "got $line"; exit 7'], OpenStdin: true, StdinOnce: true, AttachStdin: true,
    });
    const handle = await client.containers.attach(Id, { stdin: true });
    await client.containers.start(Id);
    handle.write('berth\n');
    const output = await collect(handle.output);
    expect(output.stdout).toBe('got berth\n');
    expect(await handle.exitCode).toBe(7);
  });

  it('builds an image and rejects a failing build with a BuildError naming the step', async () => {
    const ok = client.images.build(contextTar('FROM busybox\nRUN echo built > /built\n'), { t: ['sdk-built:1'] });
    const lines: string[] = [];
    for await (const m of ok.progress) if (m.stream) lines.push(m.stream);
    const { id } = await ok;
    expect(id).toMatch(/^sha256:/);
    expect(lines.join('')).toContain('Step 2/2 : RUN echo built > /built');
    expect((await client.images.inspect('sdk-built:1')).Id).toBe(id);

    const failing = client.images.build(contextTar('FROM busybox\nRUN echo first\nRUN sh -c "exit 4"\nRUN echo never\n'));
    const err = await failing.done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect(err).toMatchObject({ step: 'Step 3/4 : RUN sh -c "exit 4"', exitCode: 4 });
  });

  it('ends a followed log stream with the abort reason when its signal aborts', async () => {
    const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.1; done'] });
    await client.containers.start(Id);
    const abort = new AbortController();
    const reason = new Error('enough');
    let frames = 0;
    const reading = (async () => {
      for await (const f of client.containers.logs(Id, { follow: true }, { signal: abort.signal })) {
        expect(f).toMatchObject({ stream: 'stdout' });
        if (++frames === 2) abort.abort(reason);
      }
    })();
    await expect(reading).rejects.toBe(reason);
    expect(frames).toBe(2);
    // The connection pool still works after the aborted stream.
    expect((await client.containers.inspect(Id)).State.Running).toBe(true);
    await client.containers.remove(Id, { force: true });
  });

  it('ends an event stream when aborted, after the events it was waiting for', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    await client.volumes.create({ Name: 'sdk-events' });
    await client.volumes.remove('sdk-events');
    const abort = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of client.system.events({ since, filters: { type: ['volume'], volume: ['sdk-events'] } }, { signal: abort.signal })) {
        seen.push(`${e.Action} ${e.Actor.ID}`);
        if (e.Action === 'destroy') abort.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['create sdk-events', 'destroy sdk-events']);
  });

  it('cancels a build mid-stream with its AbortSignal', async () => {
    const abort = new AbortController();
    const reason = new Error('build cancelled');
    const build = client.images.build(contextTar('FROM busybox\nRUN sleep 60\nRUN echo never\n'), { t: ['sdk-cancelled:1'] }, { signal: abort.signal });
    for await (const m of build.progress) if (m.stream?.startsWith('Step 2/3')) break;
    const started = Date.now();
    abort.abort(reason);
    await expect(build.done).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(client.images.inspect('sdk-cancelled:1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('pauses, renames, updates, lists processes, reads stats and copies files of a running TTY container', async () => {
    const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo tty-out; echo tty-err >&2; sleep 300'], Tty: true });
    await client.containers.start(Id);
    const top = await client.containers.top(Id);
    expect(top.Processes.some((p) => p.join(' ').includes('sleep 300'))).toBe(true);
    const [sample] = await all(client.containers.stats(Id, { stream: false }));
    expect(sample?.memory_stats).toBeDefined();
    await client.containers.pause(Id);
    expect((await client.containers.inspect(Id)).State.Status).toBe('paused');
    await client.containers.unpause(Id);
    await client.containers.rename(Id, 'sdk-renamed');
    await client.containers.update('sdk-renamed', { Memory: 64 * 1024 * 1024 });
    expect((await client.containers.inspect(Id)).HostConfig.Memory).toBe(64 * 1024 * 1024);

    const dir = fs.mkdtempSync(path.join(d.root, 'cp-'));
    fs.writeFileSync(path.join(dir, 'note.txt'), 'copied by the SDK\n');
    await client.containers.putArchive(Id, { path: '/tmp' }, execFileSync('tar', ['-cf', '-', '-C', dir, 'note.txt']));
    expect(await client.containers.statPath(Id, { path: '/tmp/note.txt' })).toMatchObject({ name: 'note.txt', size: 18 });
    const tar = Buffer.concat(await all(await client.containers.getArchive(Id, { path: '/tmp/note.txt' })));
    expect(execFileSync('tar', ['-xOf', '-', 'note.txt'], { input: tar }).toString()).toBe('copied by the SDK\n');

    // A TTY has one stream: everything arrives as stdout.
    const frames = await all(client.containers.logs(Id));
    expect(new Set(frames.map((f) => f.stream))).toEqual(new Set(['stdout']));
    expect(Buffer.concat(frames.map((f) => f.data)).toString()).toBe('tty-out\r\ntty-err\r\n');
    await client.containers.remove(Id, { force: true });
  });

  it('manages networks, volumes and images, and reports the system', async () => {
    const net = await client.networks.create({ Name: 'sdk-net' });
    const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['true'] }, { name: 'sdk-net-member' });
    await client.networks.connect('sdk-net', { Container: Id });
    expect(Object.keys((await client.containers.inspect(Id)).NetworkSettings?.Networks ?? {})).toContain('sdk-net');
    await client.networks.disconnect('sdk-net', { Container: Id });
    expect((await client.networks.list({ filters: { name: ['sdk-net'] } })).map((n) => n.Id)).toEqual([net.Id]);
    await client.networks.remove('sdk-net');
    await expect(client.networks.inspect('sdk-net')).rejects.toBeInstanceOf(NotFoundError);

    await client.volumes.create({ Name: 'sdk-vol', Labels: { team: 'sdk' } });
    expect((await client.volumes.inspect('sdk-vol')).Labels).toEqual({ team: 'sdk' });
    expect((await client.volumes.list({ filters: { label: ['team=sdk'] } })).Volumes?.map((v) => v.Name)).toEqual(['sdk-vol']);
    expect((await client.volumes.prune({ filters: { all: ['true'] } })).VolumesDeleted).toContain('sdk-vol');

    await client.images.tag('busybox', 'sdk-tagged:2');
    expect((await client.images.list({ filters: { reference: ['sdk-tagged'] } }))[0]?.RepoTags).toContain('sdk-tagged:2');
    expect((await client.images.history('sdk-tagged:2')).length).toBeGreaterThan(0);
    expect(await client.images.remove('sdk-tagged:2')).toEqual([{ Untagged: 'sdk-tagged:2' }]);
    const rootfs = fs.mkdtempSync(path.join(d.root, 'rootfs-'));
    fs.writeFileSync(path.join(rootfs, 'hello'), 'imported\n');
    const imported = await client.images.import(execFileSync('tar', ['-cf', '-', '-C', rootfs, '.']), { repo: 'sdk-imported', tag: '1' });
    expect((await client.images.inspect('sdk-imported:1')).Id).toBe(imported.id);

    expect((await client.containers.prune()).ContainersDeleted).toContain(Id);
    expect((await client.info()).Images).toBeGreaterThan(0);
    expect((await client.system.df()).Images.length).toBeGreaterThan(0);
  });

  it('types the engine errors with its message and status', async () => {
    const missing = await client.containers.inspect('no-such-container').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, message: expect.stringContaining('no-such-container') });

    await client.containers.create({ Image: 'busybox', Cmd: ['true'] }, { name: 'sdk-taken' });
    const taken = await client.containers.create({ Image: 'busybox', Cmd: ['true'] }, { name: 'sdk-taken' }).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken).toMatchObject({ status: 409, message: expect.stringContaining('sdk-taken') });

    const bad = await collect(client.containers.logs('sdk-taken', { stdout: false, stderr: false })).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect(bad).toMatchObject({ status: 400, message: 'You must choose at least one stream' });

    // Starting a running container is the engine's 304: not an error.
    const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sleep', '300'] });
    await client.containers.start(Id);
    await expect(client.containers.start(Id)).resolves.toBeUndefined();
    await client.containers.remove(Id, { force: true });

    const nowhere = new EngineClient({ host: `unix://${d.root}/missing.sock` });
    const down = await nowhere.ping().catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ServerError);
    expect(down).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining(`${d.root}/missing.sock`) });
  });
});

describe('native stream', () => {
  it('carries a log, events and a typed error over one WebSocket', async () => {
    const { Id } = await client.containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo one; echo two >&2'] });
    await client.containers.start(Id);
    await client.containers.wait(Id);
    await client.volumes.create({ Name: 'sdk-native' });
    await client.volumes.remove('sdk-native');

    const lines: string[] = [];
    for await (const m of client.stream.logs({ container: Id })) if (m.type === 'log') lines.push(`${m.stream}:${m.line}`);
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one']);

    const abort = new AbortController();
    const actions: string[] = [];
    const reading = (async () => {
      for await (const m of client.stream.events({ since: 0, filters: { volume: ['sdk-native'] } }, { signal: abort.signal })) {
        if (m.type !== 'event') continue;
        actions.push(m.event.Action);
        if (m.event.Action === 'destroy') abort.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    expect(actions).toEqual(['create', 'destroy']);

    const missing = (async () => {
      for await (const _ of client.stream.logs({ container: 'no-such-container' })) void _;
    })();
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
    await client.containers.remove(Id);
  });
});

describe('API version negotiation', () => {
  it('uses the engine version when it is lower than ours, and a pinned one as is', async () => {
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(req.url ?? '');
      res.setHeader('Api-Version', '1.43');
      res.setHeader('Content-Type', 'application/json');
      res.end(req.url === '/_ping' ? 'OK' : '{"ApiVersion":"1.43"}');
    });
    const sock = path.join(d.root, 'fake.sock');
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const old = new EngineClient({ host: `unix://${sock}` });
      await old.version();
      const pinned = new EngineClient({ host: `unix://${sock}`, version: '1.41' });
      await pinned.version();
      expect(paths).toEqual(['/_ping', '/v1.43/version', '/v1.41/version']);
      old.close();
      pinned.close();
    } finally {
      server.close();
    }
  });
});
