import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { writeOciLayout, type LayoutImage } from './support/oci-layout.js';
import { startTestRegistry, type TestRegistry } from './support/registry.js';
import { ensureSkopeo, skopeo } from './support/skopeo.js';

// skopeo (containers/image) as a real client: copy an OCI layout in and back out, inspect,
// list tags, delete — without auth, with htpasswd (Basic) and with the token flow (Bearer).
let work: string;
let authFile: string;
let layout: string;
let image: LayoutImage;

beforeAll(async () => {
  ensureSkopeo();
  work = await mkdtemp(path.join(os.tmpdir(), 'berth-skopeo-'));
  authFile = path.join(work, 'auth.json');
  await writeFile(authFile, '{"auths":{}}');
  layout = path.join(work, 'layout');
  image = await writeOciLayout(layout, 'v1');
  await writeFile(path.join(work, 'htpasswd'), `alice:${bcrypt.hashSync('wonderland', 10)}\n`);
}, 300_000);
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function host(registry: TestRegistry): string {
  return new URL(registry.url).host;
}

describe('skopeo without auth', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry();
  });
  afterAll(async () => registry?.destroy());

  it('copies an OCI layout in, inspects it, copies it back out unchanged, lists tags and deletes it', async () => {
    const ref = `docker://${host(registry)}/skopeo/hello:v1`;
    const push = await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout}:v1`, ref], { authFile });
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);

    const inspect = await skopeo(['inspect', '--tls-verify=false', ref], { authFile });
    expect(inspect.code).toBe(0);
    const info = JSON.parse(inspect.stdout) as { Digest: string; Layers: string[]; Architecture: string };
    expect(info.Digest).toBe(image.manifest.digest);
    expect(info.Layers).toEqual([image.layer.digest]);
    expect(info.Architecture).toBe('amd64');

    const raw = await skopeo(['inspect', '--raw', '--tls-verify=false', ref], { authFile });
    expect(Buffer.from(raw.stdout).equals(image.manifest.data)).toBe(true);

    const out = path.join(work, 'out');
    const pull = await skopeo(['copy', '--src-tls-verify=false', ref, `oci:${out}:copy`], { authFile });
    expect(pull.code).toBe(0);
    const layerBack = await readFile(path.join(out, 'blobs', 'sha256', image.layer.digest.slice(7)));
    expect(layerBack.equals(image.layer.data)).toBe(true);

    const tags = await skopeo(['list-tags', '--tls-verify=false', `docker://${host(registry)}/skopeo/hello`], { authFile });
    expect(JSON.parse(tags.stdout)).toMatchObject({ Tags: ['v1'] });

    const del = await skopeo(['delete', '--tls-verify=false', ref], { authFile });
    expect(del.code).toBe(0);
    expect((await request(`${registry.url}/v2/skopeo/hello/manifests/v1`)).status).toBe(404);
    expect((await request(`${registry.url}/v2/skopeo/hello/manifests/${image.manifest.digest}`)).status).toBe(404);
  });

  it('copies between repositories of the registry (blobs are mounted, not sent again)', async () => {
    const src = `docker://${host(registry)}/skopeo/src:v1`;
    const dst = `docker://${host(registry)}/skopeo/dst:v1`;
    expect((await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout}:v1`, src], { authFile })).code).toBe(0);
    const pushes: string[] = [];
    registry.events.on('push', (e) => pushes.push(`${e.repository} ${e.digest}`));
    const copy = await skopeo(['copy', '--src-tls-verify=false', '--dest-tls-verify=false', src, dst], { authFile });
    expect(copy.code).toBe(0);
    expect(pushes).toContain(`skopeo/dst ${image.layer.digest}`);
    const manifest = await request(`${registry.url}/v2/skopeo/dst/manifests/v1`);
    expect(manifest.header('docker-content-digest')).toBe(image.manifest.digest);
  });
});

describe('skopeo with htpasswd', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry({
      configure: (c) => {
        c.auth = { mode: 'htpasswd', htpasswdFile: path.join(work, 'htpasswd') };
      },
    });
  });
  afterAll(async () => registry?.destroy());

  it('refuses anonymous and wrong credentials, works with the right ones', async () => {
    const ref = `docker://${host(registry)}/private/hello:v1`;
    const anonymous = await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout}:v1`, ref], { authFile });
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/unauthorized|authentication required/i);
    const wrong = await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', 'alice:nope', `oci:${layout}:v1`, ref], { authFile });
    expect(wrong.code).not.toBe(0);

    const push = await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', 'alice:wonderland', `oci:${layout}:v1`, ref], { authFile });
    expect(push.code).toBe(0);
    const inspect = await skopeo(['inspect', '--tls-verify=false', '--creds', 'alice:wonderland', ref], { authFile });
    expect(JSON.parse(inspect.stdout)).toMatchObject({ Digest: image.manifest.digest });
    const del = await skopeo(['delete', '--tls-verify=false', '--creds', 'alice:wonderland', ref], { authFile });
    expect(del.code).toBe(0);
    expect((await request(`${registry.url}/v2/private/hello/manifests/v1`, { auth: { user: 'alice', password: 'wonderland' } })).status).toBe(404);
  });

  it('answers /v2/ with a Basic challenge', async () => {
    const r = await request(`${registry.url}/v2/`);
    expect(r.status).toBe(401);
    expect(r.header('www-authenticate')).toMatch(/^Basic realm=/);
    expect(r.code()).toBe('UNAUTHORIZED');
    expect((await request(`${registry.url}/v2/`, { auth: { user: 'alice', password: 'wonderland' } })).status).toBe(200);
  });
});

describe('skopeo with the token flow', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry({
      configure: (c) => {
        c.auth = { mode: 'token', htpasswdFile: path.join(work, 'htpasswd'), service: 'berth-test', issuer: 'berth-test' };
      },
    });
  });
  afterAll(async () => registry?.destroy());

  it('sends clients to /token with a scope, and a token from there works for push and pull', async () => {
    const challenge = await request(`${registry.url}/v2/token/hello/tags/list`);
    expect(challenge.status).toBe(401);
    expect(challenge.header('www-authenticate')).toBe(
      `Bearer realm="${registry.url}/token",service="berth-test",scope="repository:token/hello:pull"`,
    );
    const ref = `docker://${host(registry)}/token/hello:v1`;
    const push = await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', 'alice:wonderland', `oci:${layout}:v1`, ref], { authFile });
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);
    const inspect = await skopeo(['inspect', '--tls-verify=false', '--creds', 'alice:wonderland', ref], { authFile });
    expect(JSON.parse(inspect.stdout)).toMatchObject({ Digest: image.manifest.digest });
  });
});
