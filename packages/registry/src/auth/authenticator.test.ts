import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredAccess, type AccessEntry } from './access.js';
import { createAuthenticator, type Authenticator, type AuthResult } from './authenticator.js';
import type { TokenService } from './token-service.js';

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const need = (method: string, url: string): AccessEntry[] => requiredAccess(method, url) ?? [];
const challengeOf = (result: AuthResult) => {
  if (!('challenge' in result)) throw new Error(`expected a challenge, got user ${result.user}`);
  return result.challenge;
};

let dir: string;
let htpasswdFile: string;
let permissionsFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-auth-'));
  htpasswdFile = join(dir, 'htpasswd');
  permissionsFile = join(dir, 'permissions.json');
  await writeFile(htpasswdFile, `alice:${bcrypt.hashSync('wonderland', 4).replace('$2b$', '$2y$')}\nbob:${bcrypt.hashSync('builder', 4)}\n`);
  await writeFile(permissionsFile, JSON.stringify({
    users: { alice: [{ repository: 'team/*', actions: ['*'] }, { catalog: true }] },
    authenticated: [{ repository: 'team/*', actions: ['pull'] }],
    anonymous: [{ repository: 'public/*', actions: ['pull'] }],
  }));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('mode none', () => {
  it('allows everything anonymously', async () => {
    const auth = await createAuthenticator({ mode: 'none' });
    expect(await auth.authorize({ method: 'DELETE', url: '/v2/a/manifests/x', headers: {} }, need('DELETE', '/v2/a/manifests/x'))).toEqual({ user: null });
  });
});

describe('mode htpasswd', () => {
  let auth: Authenticator;
  beforeAll(async () => {
    auth = await createAuthenticator({ mode: 'htpasswd', htpasswdFile, permissionsFile });
  });
  const call = (method: string, url: string, authorization?: string) =>
    auth.authorize({ method, url, headers: authorization === undefined ? {} : { authorization } }, need(method, url));

  it('challenges an anonymous /v2/ with Basic, as `docker login` expects', async () => {
    const c = challengeOf(await call('GET', '/v2/'));
    expect(c.status).toBe(401);
    expect(c.headers['WWW-Authenticate']).toBe('Basic realm="berth-registry"');
    expect(c.headers['Docker-Distribution-API-Version']).toBe('registry/2.0');
    expect(c.errors).toEqual([{ code: 'UNAUTHORIZED', message: 'authentication required' }]);
  });

  it('lets a user in with the right password only', async () => {
    expect(await call('GET', '/v2/', basic('alice', 'wonderland'))).toEqual({ user: 'alice' });
    const wrong = challengeOf(await call('GET', '/v2/', basic('alice', 'wonderlant')));
    expect(wrong.status).toBe(401);
    expect(wrong.errors[0]?.message).toBe('incorrect username or password');
    expect(challengeOf(await call('GET', '/v2/', 'Bearer abc')).status).toBe(401);
  });

  it('applies the permissions: allowed, 403 when logged in, 401 when anonymous', async () => {
    expect(await call('PUT', '/v2/team/web/manifests/v1', basic('alice', 'wonderland'))).toEqual({ user: 'alice' });
    expect(await call('GET', '/v2/team/web/manifests/v1', basic('bob', 'builder'))).toEqual({ user: 'bob' });
    const bobPush = challengeOf(await call('PUT', '/v2/team/web/manifests/v1', basic('bob', 'builder')));
    expect(bobPush.status).toBe(403);
    expect(bobPush.errors).toEqual([{
      code: 'DENIED',
      message: 'requested access to the resource is denied',
      detail: [
        { Type: 'repository', Name: 'team/web', Action: 'pull' },
        { Type: 'repository', Name: 'team/web', Action: 'push' },
      ],
    }]);
    expect(await call('GET', '/v2/public/busybox/blobs/sha256:abc')).toEqual({ user: null });
    const anonPush = challengeOf(await call('POST', '/v2/public/busybox/blobs/uploads/'));
    expect(anonPush.status).toBe(401);
    expect(anonPush.headers['WWW-Authenticate']).toBe('Basic realm="berth-registry"');
  });

  it('guards the catalog', async () => {
    expect(await call('GET', '/v2/_catalog', basic('alice', 'wonderland'))).toEqual({ user: 'alice' });
    expect(challengeOf(await call('GET', '/v2/_catalog', basic('bob', 'builder'))).status).toBe(403);
  });
});

describe('mode token', () => {
  let auth: Authenticator;
  let tokens: TokenService;
  const realm = 'https://registry.test/token';
  beforeAll(async () => {
    auth = await createAuthenticator({ mode: 'token', realm, service: 'registry.test', issuer: 'berth', htpasswdFile, permissionsFile });
    tokens = auth.tokens as TokenService;
  });
  const call = (method: string, url: string, authorization?: string) =>
    auth.authorize({ method, url, headers: authorization === undefined ? {} : { authorization } }, need(method, url));
  const tokenFor = async (scope: string, authorization?: string) => {
    const res = await tokens.handle({ method: 'GET', url: `/token?service=registry.test&scope=${scope}`, headers: authorization === undefined ? {} : { authorization } });
    return `Bearer ${JSON.parse(res.body).token as string}`;
  };

  it('challenges with Bearer realm, service and the scope the request needs', async () => {
    const c = challengeOf(await call('POST', '/v2/team/web/blobs/uploads/'));
    expect(c.status).toBe(401);
    expect(c.headers['WWW-Authenticate']).toBe(
      'Bearer realm="https://registry.test/token",service="registry.test",scope="repository:team/web:pull,push"',
    );
    expect(c.errors[0]?.detail).toEqual([
      { Type: 'repository', Name: 'team/web', Action: 'pull' },
      { Type: 'repository', Name: 'team/web', Action: 'push' },
    ]);
    expect(challengeOf(await call('GET', '/v2/')).headers['WWW-Authenticate']).toBe(
      'Bearer realm="https://registry.test/token",service="registry.test"',
    );
    expect(challengeOf(await call('GET', '/v2/_catalog')).headers['WWW-Authenticate']).toContain('scope="registry:catalog:*"');
  });

  it('lets a request through with a token carrying the access', async () => {
    const token = await tokenFor('repository:team/web:pull,push', basic('alice', 'wonderland'));
    expect(await call('PUT', '/v2/team/web/manifests/v1', token)).toEqual({ user: 'alice' });
    expect(await call('GET', '/v2/', token)).toEqual({ user: 'alice' });
  });

  it('asks for a new token (insufficient_scope) when the user would be allowed', async () => {
    const pullOnly = await tokenFor('repository:team/web:pull', basic('alice', 'wonderland'));
    const c = challengeOf(await call('PUT', '/v2/team/web/manifests/v1', pullOnly));
    expect(c.status).toBe(401);
    expect(c.headers['WWW-Authenticate']).toBe(
      'Bearer realm="https://registry.test/token",service="registry.test",scope="repository:team/web:pull,push",error="insufficient_scope"',
    );
  });

  it('answers 403 DENIED when the user is not permitted', async () => {
    const token = await tokenFor('repository:team/web:pull,push', basic('bob', 'builder'));
    expect(await call('GET', '/v2/team/web/manifests/v1', token)).toEqual({ user: 'bob' });
    const c = challengeOf(await call('PUT', '/v2/team/web/manifests/v1', token));
    expect(c.status).toBe(403);
    expect(c.errors[0]?.code).toBe('DENIED');
  });

  it('serves anonymous pulls with an anonymous token and keeps challenging anonymous pushes', async () => {
    const anon = await tokenFor('repository:public/busybox:pull,push');
    expect(await call('GET', '/v2/public/busybox/manifests/latest', anon)).toEqual({ user: null });
    const c = challengeOf(await call('PUT', '/v2/public/busybox/manifests/latest', anon));
    expect(c.status).toBe(401);
    expect(c.headers['WWW-Authenticate']).toContain('error="insufficient_scope"');
  });

  it('refuses a tampered token, Basic credentials and a token for another service with invalid_token', async () => {
    const token = await tokenFor('repository:team/web:pull', basic('bob', 'builder'));
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const authorization of [tampered, basic('alice', 'wonderland')]) {
      const c = challengeOf(await call('GET', '/v2/team/web/manifests/v1', authorization));
      expect(c.status).toBe(401);
    }
    expect(challengeOf(await call('GET', '/v2/team/web/manifests/v1', tampered)).headers['WWW-Authenticate']).toMatch(/,error="invalid_token"$/);
    const elsewhere = await createAuthenticator({ mode: 'token', realm, service: 'other.test', issuer: 'berth', htpasswdFile });
    const res = await elsewhere.tokens?.handle({ method: 'GET', url: '/token?service=other.test&scope=repository:team/web:pull', headers: { authorization: basic('bob', 'builder') } });
    const foreign = `Bearer ${JSON.parse(res?.body ?? '{}').token as string}`;
    expect(challengeOf(await call('GET', '/v2/team/web/manifests/v1', foreign)).headers['WWW-Authenticate']).toContain('error="invalid_token"');
  });

  it('escapes quotes in the realm', async () => {
    const odd = await createAuthenticator({ mode: 'token', realm: 'https://x/"t"', service: 's', issuer: 'i', htpasswdFile });
    const c = challengeOf(await odd.authorize({ method: 'GET', url: '/v2/', headers: {} }, []));
    expect(c.headers['WWW-Authenticate']).toBe('Bearer realm="https://x/\\"t\\"",service="s"');
  });
});

describe('createAuthenticator', () => {
  it('fails at start on a bad htpasswd, permissions or key file', async () => {
    const bad = join(dir, 'bad.htpasswd');
    await writeFile(bad, 'carol:$apr1$abc$def\n');
    await expect(createAuthenticator({ mode: 'htpasswd', htpasswdFile: bad })).rejects.toThrow(`${bad} line 1: user "carol"`);
    await expect(createAuthenticator({ mode: 'htpasswd', htpasswdFile, permissionsFile: join(dir, 'nope.json') })).rejects.toThrow(/permissions file/);
    await expect(createAuthenticator({ mode: 'token', realm: 'r', service: 's', issuer: 'i', htpasswdFile, keyFile: join(dir, 'nope.pem') })).rejects.toThrow(/token signing key/);
  });
});
