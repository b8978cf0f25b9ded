import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTlsOptions } from './tls.js';

let dir: string;
const file = (name: string) => join(dir, name);

function selfSigned(name: string, extra: string[] = []): void {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`), ...extra,
  ], { stdio: 'ignore' });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-tls-'));
  selfSigned('a', ['-nodes']);
  selfSigned('b', ['-nodes']);
  selfSigned('enc', ['-passout', 'pass:secret']);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('loadTlsOptions', () => {
  it('loads a certificate and key that an HTTPS server and client accept', async () => {
    const options = await loadTlsOptions({ certFile: file('a.crt'), keyFile: file('a.key') });
    expect(options.notAfter.getTime()).toBeGreaterThan(Date.now() + 86_400_000);
    const server = createServer({ cert: options.cert, key: options.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const port = (server.address() as AddressInfo).port;
        request({ host: '127.0.0.1', port, path: '/v2/', ca: options.cert }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        }).on('error', reject).end();
      });
      expect(body).toBe('ok');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a key that belongs to another certificate', async () => {
    await expect(loadTlsOptions({ certFile: file('a.crt'), keyFile: file('b.key') })).rejects.toThrow(
      `TLS key ${file('b.key')} does not belong to the certificate ${file('a.crt')}`,
    );
  });

  it('names a missing file', async () => {
    await expect(loadTlsOptions({ certFile: file('none.crt'), keyFile: file('a.key') })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: `TLS certificate ${file('none.crt')} does not exist`,
    });
    await expect(loadTlsOptions({ certFile: file('a.crt'), keyFile: file('none.key') })).rejects.toThrow(`TLS key ${file('none.key')} does not exist`);
  });

  it('refuses an encrypted key, a swapped pair and a non-PEM file', async () => {
    await expect(loadTlsOptions({ certFile: file('enc.crt'), keyFile: file('enc.key') })).rejects.toThrow(/is encrypted; give an unencrypted key/);
    await expect(loadTlsOptions({ certFile: file('a.key'), keyFile: file('a.crt') })).rejects.toThrow(/is not a PEM certificate/);
    await writeFile(file('junk.key'), 'junk');
    await expect(loadTlsOptions({ certFile: file('a.crt'), keyFile: file('junk.key') })).rejects.toThrow(/is not a PEM private key/);
  });
});
