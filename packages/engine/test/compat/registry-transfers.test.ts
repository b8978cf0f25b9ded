import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startBerthRegistry, startDistribution, type RegistryProcess } from '@berth/sdk/testing';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';

// docker push and docker pull through berthd, against berth-registry and the CNCF distribution
// registry: from one engine to a fresh one, with and without auth, and skopeo reading what
// berthd pushed. (The registry servers come from the SDK's test support, @berth/sdk/testing.)

let source: TestDaemon;
let registries: RegistryProcess[] = [];
beforeAll(async () => {
  source = await TestDaemon.start();
  await importBusybox(source);
  // A second layer, so pushes and pulls carry more than one blob.
  const ctx = fs.mkdtempSync(path.join(source.root, 'layer-'));
  fs.writeFileSync(path.join(ctx, 'data'), Buffer.alloc(3 * 1024 * 1024, 7));
  execFileSync('tar', ['-cf', path.join(source.root, 'extra.tar'), '-C', ctx, 'data']);
  expect((await docker(source, ['import', path.join(source.root, 'extra.tar'), 'extra:1'])).code).toBe(0);
});
afterAll(async () => {
  await Promise.all(registries.map((r) => r.stop()));
  await source?.destroy();
});

const idOf = async (d: TestDaemon, ref: string) => (await docker(d, ['image', 'inspect', '-f', '{{.Id}}', ref])).stdout.trim();

describe.each([
  ['berth-registry', () => startBerthRegistry()],
  ['distribution', () => startDistribution()],
])('docker push and pull through berthd with %s', (_name, start) => {
  let registry: RegistryProcess;
  let target: TestDaemon;
  beforeAll(async () => {
    registry = await start();
    registries.push(registry);
    target = await TestDaemon.start();
  });
  afterAll(async () => target?.destroy());

  it('pushes from one engine and pulls into an empty one, same image ID, RepoDigests, and it runs', async () => {
    const ref = `${registry.host}/team/app:v1`;
    expect((await docker(source, ['tag', 'busybox', ref])).code).toBe(0);
    const pushed = await docker(source, ['push', ref]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain(`The push refers to repository [${registry.host}/team/app]`);
    const digest = /v1: digest: (sha256:[a-f0-9]{64}) size: \d+/.exec(pushed.stdout)?.[1];
    expect(digest).toBeDefined();
    // Again: the registry has every blob now.
    expect((await docker(source, ['push', ref])).stdout).toContain('Layer already exists');

    const pulled = await docker(target, ['pull', ref]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain('Pull complete');
    expect(pulled.stdout).toContain(`Digest: ${digest}`);
    expect(pulled.stdout).toContain(`Status: Downloaded newer image for ${ref}`);
    expect(await idOf(target, ref)).toBe(await idOf(source, ref));
    const digests = (await docker(target, ['image', 'inspect', '-f', '{{json .RepoDigests}}', ref])).stdout;
    expect(JSON.parse(digests)).toEqual([`${registry.host}/team/app@${digest}`]);
    expect((await docker(target, ['run', '--rm', ref, 'echo', 'pulled'])).stdout.trim()).toBe('pulled');
    const again = await docker(target, ['pull', ref]);
    expect(again.stdout).toContain(`Status: Image is up to date for ${ref}`);
    // By digest too.
    expect((await docker(target, ['pull', `${registry.host}/team/app@${digest}`])).code).toBe(0);
  });

  it('runs an image it does not have by pulling it first', async () => {
    const ref = `${registry.host}/team/extra:1`;
    expect((await docker(source, ['tag', 'extra:1', ref])).code).toBe(0);
    expect((await docker(source, ['push', ref])).code).toBe(0);
    const run = await docker(target, ['run', '--rm', '--entrypoint', '/data', ref]).catch(() => null);
    // The image has no shell; what matters is that docker run pulled it.
    expect(run?.stderr).toContain(`Unable to find image '${ref}' locally`);
    expect((await docker(target, ['image', 'inspect', ref])).code).toBe(0);
  });

  it('says manifest unknown for a missing tag, and names a push of an image it lacks', async () => {
    const missing = await docker(target, ['pull', `${registry.host}/team/app:nope`]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/manifest unknown|not found/);
    const none = await docker(target, ['push', `${registry.host}/team/none:1`]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('An image does not exist locally with the tag');
    expect((await docker(target, ['version'])).code).toBe(0);
  });
});

describe('registries with auth', () => {
  it('token auth on berth-registry: docker login checks, push and pull work with it, fail without', async () => {
    const registry = await startBerthRegistry({ auth: 'token' });
    registries.push(registry);
    const home = fs.mkdtempSync(path.join(source.root, 'home-'));
    const env = { DOCKER_CONFIG: home };
    const ref = `${registry.host}/alice/app:v1`;
    expect((await docker(source, ['tag', 'busybox', ref])).code).toBe(0);
    const denied = await docker(source, ['push', ref], { env });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/unauthorized|authentication required/i);

    const wrong = await docker(source, ['login', registry.host, '-u', ALICE.username, '--password-stdin'], { input: 'nope\n', env });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/unauthorized|invalid/i);
    const right = await docker(source, ['login', registry.host, '-u', ALICE.username, '--password-stdin'], { input: `${ALICE.password}\n`, env });
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain('Login Succeeded');
    expect((await docker(source, ['push', ref], { env })).code).toBe(0);
    expect((await docker(source, ['rmi', ref])).code).toBe(0);
    const pulled = await docker(source, ['pull', ref], { env });
    expect(pulled.code, pulled.stderr).toBe(0);
  });

  it('htpasswd on distribution, and skopeo reads what berthd pushed', async () => {
    const registry = await startDistribution({ auth: 'htpasswd' });
    registries.push(registry);
    const home = fs.mkdtempSync(path.join(source.root, 'home-'));
    const env = { DOCKER_CONFIG: home };
    const ref = `${registry.host}/team/app:v2`;
    expect((await docker(source, ['login', registry.host, '-u', ALICE.username, '--password-stdin'], { input: `${ALICE.password}\n`, env })).code).toBe(0);
    expect((await docker(source, ['tag', 'extra:1', ref])).code).toBe(0);
    expect((await docker(source, ['push', ref], { env })).code).toBe(0);
    const inspect = JSON.parse(execFileSync('skopeo', [
      'inspect', '--tls-verify=false', '--creds', `${ALICE.username}:${ALICE.password}`, `docker://${ref}`,
    ]).toString()) as { Layers: string[] };
    expect(inspect.Layers).toHaveLength(1);
  });
});

describe('a registry that is not there', () => {
  it('fails within seconds with a message naming it', async () => {
    const started = Date.now();
    const r = await docker(source, ['pull', '127.0.0.1:1/team/app:v1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses a name without a registry when no default registry is set', async () => {
    const r = await docker(source, ['pull', 'team/app:v1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--default-registry');
  });
});
