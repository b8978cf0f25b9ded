import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSdkError, NotFoundError, RegistryClient, UnauthorizedError, type RegistryEvent } from '../src/index.js';
import { collect, sourceOf, testImage } from './support/images.js';
import { ALICE, startBerthRegistry, startDistribution, type RegistryProcess } from './support/registries.js';

// RegistryClient.events() against berth-registry's event stream, and deleteTag / deleteManifest
// against berth-registry and the CNCF distribution registry.

/** Follows a registry's events in the background. */
function follow(client: RegistryClient, host: string) {
  const abort = new AbortController();
  const seen: RegistryEvent[] = [];
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const done = (async () => {
    for await (const e of client.events(host, { signal: abort.signal, onOpen: opened })) seen.push(e);
  })();
  // Settles when the stream opens, or fails as the stream does.
  const opening = Promise.race([open, done]);
  // Both are observed by the tests that care; kept from being reported as unhandled meanwhile.
  done.catch(() => undefined);
  opening.catch(() => undefined);
  return { seen, open: opening, done, abort };
}

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function push(client: RegistryClient, ref: string) {
  const image = testImage();
  await collect(client.push(ref, { manifest: image.manifest, source: sourceOf(image) }));
  return image;
}

describe('berth-registry without auth', () => {
  let registry: RegistryProcess;
  let client: RegistryClient;
  beforeAll(async () => {
    registry = await startBerthRegistry();
    client = new RegistryClient();
  });
  afterAll(async () => {
    client?.close();
    await registry?.stop();
  });

  it('follows pushes, pulls and deletes live, and stops on abort', async () => {
    const events = follow(client, registry.host);
    await events.open;
    const image = await push(client, `${registry.host}/live/app:v1`);
    await client.getManifest(`${registry.host}/live/app:v1`);
    await until(() => events.seen.some((e) => e.action === 'pull'));
    await client.deleteTag(`${registry.host}/live/app`, 'v1');
    await until(() => events.seen.some((e) => e.action === 'delete'));

    const manifestEvents = events.seen.filter((e) => e.digest === image.manifest.digest).map((e) => `${e.action} ${e.tag}`);
    expect(manifestEvents).toEqual(['push v1', 'pull v1', 'delete v1']);
    const blobs = events.seen.filter((e) => e.action === 'push' && e.mediaType === 'application/octet-stream').map((e) => e.digest);
    expect(blobs.sort()).toEqual([image.config, ...image.layers].map((b) => b.descriptor.digest).sort());
    expect(events.seen[0]).toMatchObject({ repository: 'live/app', user: null });

    events.abort.abort();
    await expect(events.done).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('deletes a tag only, then the manifest by digest with its other tags', async () => {
    const ref = `${registry.host}/del/app`;
    const image = await push(client, `${ref}:one`);
    await client.putManifest(`${ref}:two`, image.manifest);
    await client.deleteTag(ref, 'one');
    expect(await client.listTags(ref)).toEqual(['two']);
    expect((await client.getManifest(`${ref}@${image.manifest.digest}`)).digest).toBe(image.manifest.digest);

    await client.deleteManifest(ref, image.manifest.digest);
    await expect(client.getManifest(`${ref}:two`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.deleteTag(ref, 'one')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a malformed tag or digest, or a repository named with a tag, before asking', async () => {
    const ref = `${registry.host}/del/app`;
    await expect(client.deleteTag(ref, 'no/slash')).rejects.toSatisfy((e) => isSdkError(e, 'INVALID_ARGUMENT'));
    await expect(client.deleteManifest(ref, 'sha256:abc')).rejects.toSatisfy((e) => isSdkError(e, 'INVALID_ARGUMENT'));
    await expect(client.deleteTag(`${ref}:v1`, 'v1')).rejects.toSatisfy((e) => isSdkError(e, 'INVALID_ARGUMENT'));
  });

  it('ends the stream with UNAVAILABLE when the registry goes away', async () => {
    const other = await startBerthRegistry();
    const events = follow(client, other.host);
    await events.open;
    await other.stop();
    await expect(events.done).rejects.toSatisfy((e) => isSdkError(e, 'UNAVAILABLE'));
  });
});

describe('berth-registry with the token flow', () => {
  let registry: RegistryProcess;
  beforeAll(async () => {
    registry = await startBerthRegistry({ auth: 'token' });
  });
  afterAll(async () => registry?.stop());

  it('subscribes with a catalog token and deletes with a delete token; anonymous is refused', async () => {
    const alice = new RegistryClient({ credentials: { [registry.host]: ALICE } });
    const anonymous = new RegistryClient();
    try {
      const events = follow(alice, registry.host);
      await events.open;
      const image = await push(alice, `${registry.host}/alice/app:v1`);
      await alice.deleteTag(`${registry.host}/alice/app`, 'v1');
      await until(() => events.seen.some((e) => e.action === 'delete'));
      expect(events.seen.find((e) => e.action === 'delete')).toMatchObject({ repository: 'alice/app', digest: image.manifest.digest, tag: 'v1', user: 'alice' });
      events.abort.abort();

      const refused = follow(anonymous, registry.host);
      await expect(refused.done).rejects.toBeInstanceOf(UnauthorizedError);
      await expect(refused.done).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(anonymous.deleteManifest(`${registry.host}/alice/app`, image.manifest.digest)).rejects.toBeInstanceOf(UnauthorizedError);
    } finally {
      alice.close();
      anonymous.close();
    }
  });
});

describe('the CNCF distribution registry', () => {
  let registry: RegistryProcess;
  let readOnly: RegistryProcess;
  let client: RegistryClient;
  beforeAll(async () => {
    [registry, readOnly] = await Promise.all([startDistribution(), startDistribution({ deleteEnabled: false })]);
    client = new RegistryClient();
  });
  afterAll(async () => {
    client?.close();
    await Promise.all([registry?.stop(), readOnly?.stop()]);
  });

  it('has no event stream: NOT_IMPLEMENTED, said plainly', async () => {
    const events = follow(client, registry.host);
    await expect(events.done).rejects.toSatisfy((e) => isSdkError(e, 'NOT_IMPLEMENTED') && /has no event stream/.test((e as Error).message));
  });

  it('deletes manifests by digest; deleting a tag, or deleting where deletion is off, is NOT_IMPLEMENTED with a hint', async () => {
    const image = await push(client, `${registry.host}/dist/app:v1`);
    const tag = await client.deleteTag(`${registry.host}/dist/app`, 'v1').catch((e: unknown) => e);
    expect(isSdkError(tag, 'NOT_IMPLEMENTED')).toBe(true);
    expect((tag as Error).message).toMatch(/delete the manifest by digest instead/);
    await client.deleteManifest(`${registry.host}/dist/app`, image.manifest.digest);
    await expect(client.getManifest(`${registry.host}/dist/app@${image.manifest.digest}`)).rejects.toBeInstanceOf(NotFoundError);

    const kept = await push(client, `${readOnly.host}/dist/app:v1`);
    const off = await client.deleteManifest(`${readOnly.host}/dist/app`, kept.manifest.digest).catch((e: unknown) => e);
    expect(off).toMatchObject({ code: 'NOT_IMPLEMENTED', status: 405, ociCode: 'UNSUPPORTED' });
    expect((off as Error).message).toMatch(/deletion is turned off/);
  });
});
