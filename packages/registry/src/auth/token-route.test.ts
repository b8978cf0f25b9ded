import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredAccess } from './access.js';
import { BearerAuthenticator } from './authenticator.js';
import type { PasswordVerifier } from './htpasswd.js';
import { parsePermissions } from './permissions.js';
import { tokenRoute } from './token-route.js';
import { TokenService } from './token-service.js';

// The Docker token flow over real HTTP, with a stand-in for the API layer.
let server: Server;
let base: string;

beforeAll(async () => {
  const verifier: PasswordVerifier = { verify: async (u, p) => u === 'alice' && p === 'pw' };
  const permissions = parsePermissions({ users: { alice: [{ repository: 'team/*', actions: ['pull', 'push'] }] } });
  const tokens = new TokenService({ issuer: 'berth', service: 'registry.test', permissions, verifier });
  let auth: BearerAuthenticator;
  const token = tokenRoute(tokens);
  server = createServer((req, res) => {
    if (req.url?.startsWith('/token')) return void token(req, res);
    void auth.authorize(req, requiredAccess(req.method ?? 'GET', req.url ?? '/') ?? []).then((result) => {
      if ('challenge' in result) {
        res.writeHead(result.challenge.status, { ...result.challenge.headers, 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ errors: result.challenge.errors }));
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ user: result.user }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  auth = new BearerAuthenticator(tokens, `${base}/token`, permissions);
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

/** Parses `Bearer k="v",k="v"` the way containerd does. */
function parseChallenge(header: string): Record<string, string> {
  expect(header.startsWith('Bearer ')).toBe(true);
  return Object.fromEntries([...header.slice(7).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
}

describe('tokenRoute', () => {
  it('carries a client from challenge to token to access', async () => {
    const first = await fetch(`${base}/v2/team/web/manifests/latest`);
    expect(first.status).toBe(401);
    const { realm, service, scope } = parseChallenge(first.headers.get('www-authenticate') ?? '');
    expect({ realm, service, scope }).toEqual({ realm: `${base}/token`, service: 'registry.test', scope: 'repository:team/web:pull' });

    const url = new URL(realm ?? '');
    url.searchParams.set('service', service ?? '');
    url.searchParams.set('scope', scope ?? '');
    const tokenRes = await fetch(url, { headers: { Authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` } });
    expect(tokenRes.status).toBe(200);
    expect(tokenRes.headers.get('content-type')).toBe('application/json');
    const { token } = (await tokenRes.json()) as { token: string };

    const second = await fetch(`${base}/v2/team/web/manifests/latest`, { headers: { Authorization: `Bearer ${token}` } });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ user: 'alice' });
  });

  it('answers bad credentials with 401 and a JSON error body', async () => {
    const res = await fetch(`${base}/token?service=registry.test`, { headers: { Authorization: `Basic ${Buffer.from('alice:no').toString('base64')}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'incorrect username or password' }] });
  });
});
