import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, UnauthorizedError } from '../src/index.js';
import { collect, MemorySink, sourceOf, testImage } from './support/images.js';
import { ALICE, startBerthRegistry, startDistribution, type RegistryProcess } from './support/registries.js';

const WRONG = { username: 'alice', password: 'looking-glass' };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

// What each says to a wrong password: berth-registry's token service, distribution's Basic challenge.
describe.each([
  ['berth-registry with the token flow', () => startBerthRegistry({ auth: 'token' }), 'bearer', (host: string) => `authentication with ${host} failed: unauthorized: incorrect username or password`],
  ['distribution with htpasswd', () => startDistribution({ auth: 'htpasswd' }), 'basic', (host: string) => `login to ${host} failed: unauthorized: authentication required`],
] as const)('%s', (_name, start, scheme, wrongPassword) => {
  let registry: RegistryProcess;
  const clients: RegistryClient[] = [];
  const clientWith = (credentials?: Record<string, { username: string; password: string }>) => {
    const client = new RegistryClient(credentials ? { credentials } : {});
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    registry = await start();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await registry?.stop();
  });

  it('logs in with the right password and tells what the registry asks for', async () => {
    expect(await clientWith().ping(registry.host)).toEqual({ authentication: scheme });
    expect(await clientWith().checkLogin(registry.host, ALICE)).toEqual({ authentication: scheme });
  });

  it('refuses a wrong password with the registry\'s message', async () => {
    const err = await rejection(clientWith().checkLogin(registry.host, WRONG));
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', status: 401, ociCode: 'UNAUTHORIZED', message: wrongPassword(registry.host) });
  });

  it('pushes and pulls with the credentials of that registry', async () => {
    const client = clientWith({ [registry.host]: ALICE });
    const image = testImage({ layerSizes: [50_000, 20_000] });
    await collect(client.push(`${registry.host}/private/app:1`, { manifest: image.manifest, source: sourceOf(image) }));
    const sink = new MemorySink();
    const events = await collect(client.pull(`${registry.host}/private/app:1`, { sink }));
    expect(events.at(-1)).toMatchObject({ type: 'manifest-done', manifest: { digest: image.manifest.digest } });
    expect(sink.blobs.get(image.layers[0]!.descriptor.digest)?.equals(image.layers[0]!.data)).toBe(true);
    expect(await client.listTags(`${registry.host}/private/app`)).toEqual(['1']);
  });

  it('fails without credentials, with a wrong password, and with credentials meant for another host', async () => {
    const ref = `${registry.host}/private/app:1`;
    const anonymous = await rejection(clientWith().getManifest(ref));
    expect(anonymous).toBeInstanceOf(UnauthorizedError);
    expect((anonymous as Error).message).toContain(`manifest for ${ref}: unauthorized: `);

    const wrong = await rejection(clientWith({ [registry.host]: WRONG }).getManifest(ref));
    expect(wrong).toBeInstanceOf(UnauthorizedError);
    expect((wrong as Error).message).toMatch(/unauthorized: (incorrect username or password|authentication required)$/);

    const elsewhere = await rejection(clientWith({ 'registry.example.com': ALICE }).getManifest(ref));
    expect(elsewhere).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
