import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, ServerError } from '../src/index.js';

// TCP and mutual-TLS connections, against small HTTP servers that answer like an engine.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-tls-'));
const pem = (name: string) => fs.readFileSync(path.join(dir, name));
const seen: string[] = [];

function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  const cn = (req.socket as import('node:tls').TLSSocket).getPeerCertificate?.().subject?.CN;
  seen.push(`${req.url}${cn ? ` ${cn}` : ''}`);
  res.setHeader('Api-Version', '1.50');
  res.setHeader('Content-Type', 'application/json');
  res.end(req.url === '/_ping' ? 'OK' : JSON.stringify({ ApiVersion: '1.50', Version: '0.1.0' }));
}

let plain: http.Server;
let secure: https.Server;
beforeAll(async () => {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
  for (const [name, cn] of [['server', 'localhost'], ['client', 'sdk-client']] as const) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    fs.writeFileSync(path.join(dir, `${name}.ext`), name === 'server' ? 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n');
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  }
  plain = http.createServer(answer);
  secure = https.createServer({ key: pem('server-key.pem'), cert: pem('server.pem'), ca: pem('ca.pem'), requestCert: true, rejectUnauthorized: true }, answer);
  await Promise.all([plain, secure].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
});
afterAll(() => {
  plain?.close();
  secure?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const port = (s: http.Server) => (s.address() as AddressInfo).port;

describe('engine connections', () => {
  it('talks to an engine over plain TCP', async () => {
    const client = new EngineClient({ host: `tcp://127.0.0.1:${port(plain)}` });
    expect((await client.version()).Version).toBe('0.1.0');
    client.close();
  });

  it('talks to an engine over TCP with mutual TLS, and is refused without a client certificate', async () => {
    seen.length = 0;
    const tls = { ca: pem('ca.pem'), cert: pem('client.pem'), key: pem('client-key.pem') };
    const client = new EngineClient({ host: `tcp://localhost:${port(secure)}`, tls });
    expect((await client.version()).Version).toBe('0.1.0');
    expect(seen).toEqual(['/_ping sdk-client', '/v1.50/version sdk-client']);
    client.close();

    const anonymous = new EngineClient({ host: `tcp://localhost:${port(secure)}`, tls: { ca: pem('ca.pem') } });
    const err = await anonymous.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining(`tcp://localhost:${port(secure)}`) });
    anonymous.close();
  });

  it('reads DOCKER_HOST, DOCKER_CERT_PATH and DOCKER_TLS_VERIFY in fromEnv only', async () => {
    fs.copyFileSync(path.join(dir, 'client.pem'), path.join(dir, 'cert.pem'));
    fs.copyFileSync(path.join(dir, 'client-key.pem'), path.join(dir, 'key.pem'));
    const client = await EngineClient.fromEnv({ DOCKER_HOST: `tcp://localhost:${port(secure)}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir });
    expect((await client.version()).Version).toBe('0.1.0');
    client.close();
  });
});
