import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, NotFoundError, ProgressError, UnauthorizedError, type ProgressMessage } from '../src/index.js';
import { TestDaemon } from './support/berthd.js';
import { ALICE, startBerthRegistry, type RegistryProcess } from './support/registries.js';

// Pull, push, login, save and load through berthd with the SDK, against berth-registry (token auth).

let d: TestDaemon;
let client: EngineClient;
let registry: RegistryProcess;
beforeAll(async () => {
  [d, registry] = await Promise.all([TestDaemon.start(), startBerthRegistry({ auth: 'token' })]);
  await d.importBusybox();
  client = new EngineClient({ host: d.host });
});
afterAll(async () => {
  client?.close();
  await Promise.all([d?.destroy(), registry?.stop()]);
});

describe('image transfers with EngineClient', () => {
  it('checks credentials with auth and refuses wrong ones with UnauthorizedError', async () => {
    expect(await client.auth({ ...ALICE, serveraddress: registry.host })).toMatchObject({ Status: 'Login Succeeded' });
    const wrong = await client.auth({ username: 'alice', password: 'nope', serveraddress: registry.host }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(UnauthorizedError);
    expect(wrong).toMatchObject({ status: 401 });
  });

  it('pushes, then pulls back with progress, settling only when the image is stored', async () => {
    const ref = `${registry.host}/sdk/busybox:v1`;
    const auth = { ...ALICE, serveraddress: registry.host };
    await client.images.tag('busybox', ref);
    const push = client.images.push(ref, { auth });
    const pushed: ProgressMessage[] = [];
    for await (const m of push.progress) pushed.push(m);
    await push;
    expect(pushed.some((m) => m.aux?.['Digest'])).toBe(true);

    await client.images.remove(ref);
    await expect(client.images.inspect(ref)).rejects.toBeInstanceOf(NotFoundError);
    await client.images.pull(ref, { auth });
    expect((await client.images.inspect(ref)).RepoTags).toContain(ref);
  });

  it('rejects a pull of a missing tag and a pull without credentials with typed errors', async () => {
    const auth = { ...ALICE, serveraddress: registry.host };
    const missing = await client.images.pull(`${registry.host}/sdk/busybox:nope`, { auth }).done.catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    const anonymous = await client.images.pull(`${registry.host}/sdk/busybox:v1`).done.catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(UnauthorizedError);
    expect(anonymous).not.toBeInstanceOf(ProgressError);
  });

  it('saves an image and loads it back', async () => {
    const tar = await client.images.save(['busybox']);
    const chunks: Buffer[] = [];
    for await (const c of tar) chunks.push(c as Buffer);
    await client.images.remove('busybox', { force: true });
    const { loaded } = await client.images.load(Buffer.concat(chunks));
    expect(loaded).toContain('busybox:latest');
  });
});
