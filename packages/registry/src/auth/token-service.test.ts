import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PasswordVerifier } from './htpasswd.js';
import { parsePermissions } from './permissions.js';
import { loadSigningKey, TokenService, type TokenClaims } from './token-service.js';

const users: PasswordVerifier = { verify: async (u, p) => u === 'alice' && p === 'wonderland' };
const permissions = parsePermissions({
  users: { alice: [{ repository: 'team/*', actions: ['pull', 'push'] }, { catalog: true }] },
  anonymous: [{ repository: 'public/*', actions: ['pull'] }],
});

function service(now: () => number = Date.now, expirySeconds?: number): TokenService {
  return new TokenService({
    issuer: 'berth-test', service: 'registry.test', permissions, verifier: users, now,
    ...(expirySeconds !== undefined && { expirySeconds }),
  });
}
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const claimsOf = (token: string): TokenClaims => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());

describe('TokenService.handle', () => {
  it('gives an authenticated user a token with only the granted actions', async () => {
    const tokens = service();
    const res = await tokens.handle({
      method: 'GET',
      url: '/token?service=registry.test&account=alice&scope=repository:team/web:pull,push,delete&scope=repository:other:pull&scope=registry:catalog:*',
      headers: { authorization: basic('alice', 'wonderland') },
    });
    expect(res.status).toBe(200);
    expect(res.headers['Cache-Control']).toBe('no-store');
    const body = JSON.parse(res.body);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'issued_at', 'token']);
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBe(300);
    expect(new Date(body.issued_at).toISOString()).toBe(body.issued_at);
    const claims = tokens.verify(body.token, 'registry.test');
    expect(claims).toMatchObject({ iss: 'berth-test', sub: 'alice', aud: 'registry.test' });
    expect(claims.exp - claims.iat).toBe(300);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.access).toEqual([
      { type: 'repository', name: 'team/web', actions: ['pull', 'push'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
  });

  it('gives anonymous callers the anonymous grants, with sub ""', async () => {
    const tokens = service();
    const res = await tokens.handle({ method: 'GET', url: '/token?service=registry.test&scope=repository:public/busybox:pull,push', headers: {} });
    const claims = tokens.verify(JSON.parse(res.body).token, 'registry.test');
    expect(claims.sub).toBe('');
    expect(claims.access).toEqual([{ type: 'repository', name: 'public/busybox', actions: ['pull'] }]);
  });

  it('answers a login check (no scope) with a token without access', async () => {
    const res = await service().handle({ method: 'GET', url: '/token?service=registry.test&account=alice&client_id=docker&offline_token=true', headers: { authorization: basic('alice', 'wonderland') } });
    expect(res.status).toBe(200);
    expect(claimsOf(JSON.parse(res.body).token).access).toEqual([]);
  });

  it('answers 401 to a wrong password', async () => {
    const res = await service().handle({ method: 'GET', url: '/token?service=registry.test&scope=repository:team/web:pull', headers: { authorization: basic('alice', 'nope') } });
    expect(res.status).toBe(401);
    expect(res.headers['WWW-Authenticate']).toBe('Basic realm="berth-registry"');
    expect(JSON.parse(res.body)).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'incorrect username or password' }] });
    const garbled = await service().handle({ method: 'GET', url: '/token?service=registry.test', headers: { authorization: 'Basic !!!' } });
    expect(garbled.status).toBe(401);
  });

  it.each([
    ['/token?service=other&scope=repository:a:pull', 400, /unknown service "other"/],
    ['/token?scope=repository:a:pull', 400, /unknown service null/],
    ['/token?service=registry.test&scope=repository:A:pull', 400, /invalid scope/],
    ['/token?service=registry.test&account=bob', 400, /account "bob" does not match/],
  ])('refuses %s', async (url, status, message) => {
    const res = await service().handle({ method: 'GET', url, headers: { authorization: basic('alice', 'wonderland') } });
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body).errors[0].message).toMatch(message);
  });

  it('answers POST (the OAuth2 form flow) with 405 so clients fall back to GET', async () => {
    const res = await service().handle({ method: 'POST', url: '/token', headers: {} });
    expect(res.status).toBe(405);
    expect(res.headers.Allow).toBe('GET');
  });
});

describe('TokenService.verify', () => {
  it('refuses an expired token, and one not valid yet', () => {
    let now = Date.UTC(2026, 0, 1);
    const tokens = service(() => now, 60);
    const { token } = tokens.issue('alice', []);
    now += 59_000;
    expect(tokens.verify(token, 'registry.test').sub).toBe('alice');
    now += 1_000;
    expect(() => tokens.verify(token, 'registry.test')).toThrow('token has expired');
    now -= 120_000;
    expect(() => tokens.verify(token, 'registry.test')).toThrow('not valid yet');
  });

  it('refuses a token for another audience', () => {
    const tokens = service();
    expect(() => tokens.verify(tokens.issue('alice', []).token, 'other.registry')).toThrow('not meant for service "other.registry"');
  });

  it('refuses a token whose access claim was widened', () => {
    const tokens = service();
    const [h, , s] = tokens.issue('alice', [{ type: 'repository', name: 'team/web', actions: ['pull'] }]).token.split('.');
    const claims = claimsOf(tokens.issue('alice', []).token);
    const widened = Buffer.from(JSON.stringify({ ...claims, access: [{ type: 'repository', name: 'team/web', actions: ['*'] }] })).toString('base64url');
    expect(() => tokens.verify(`${h}.${widened}.${s}`, 'registry.test')).toThrow('signature is not valid');
  });

  it('refuses tokens of another instance (another key) and another issuer', () => {
    expect(() => service().verify(service().issue('alice', []).token, 'registry.test')).toThrow(/another key/);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ours = new TokenService({ issuer: 'berth-test', service: 'registry.test', permissions, verifier: users, privateKey });
    const theirs = new TokenService({ issuer: 'someone-else', service: 'registry.test', permissions, verifier: users, privateKey });
    expect(() => ours.verify(theirs.issue('alice', []).token, 'registry.test')).toThrow('another issuer');
  });

  it('drops entries without actions from the token', () => {
    const tokens = service();
    const claims = tokens.verify(tokens.issue(null, [{ type: 'repository', name: 'a', actions: [] }]).token, 'registry.test');
    expect(claims.access).toEqual([]);
  });
});

describe('loadSigningKey', () => {
  const dir = mkdtemp(join(tmpdir(), 'berth-key-'));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));

  it('loads an openssl P-256 key, so tokens survive a restart', async () => {
    const file = join(await dir, 'ec.pem');
    execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file]);
    const key = await loadSigningKey(file);
    const first = new TokenService({ issuer: 'i', service: 's', permissions, verifier: users, privateKey: key });
    const second = new TokenService({ issuer: 'i', service: 's', permissions, verifier: users, privateKey: await loadSigningKey(file) });
    expect(second.verify(first.issue('alice', []).token, 's').sub).toBe('alice');
  });

  it('refuses RSA keys, garbage and missing files with clear errors', async () => {
    const rsa = join(await dir, 'rsa.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', rsa], { stdio: 'ignore' });
    await expect(loadSigningKey(rsa)).rejects.toThrow(/must be an EC P-256 private key/);
    const junk = join(await dir, 'junk.pem');
    await writeFile(junk, 'not a key');
    await expect(loadSigningKey(junk)).rejects.toThrow(/is not an unencrypted PEM private key/);
    await expect(loadSigningKey(join(await dir, 'missing.pem'))).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });
});
