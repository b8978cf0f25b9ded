import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
});
afterAll(() => d?.destroy());

describe('docker system commands against berthd', () => {
  it('docker version shows the Berth engine and API 1.50 without downgrade', async () => {
    const r = await docker(d, ['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Server: Berth Engine/);
    expect(r.stdout).toMatch(/API version:\s+1\.50 \(minimum version 1\.41\)/);
    expect(r.stdout).not.toMatch(/downgraded/);
  });

  it('docker info reports real figures', async () => {
    const r = await docker(d, ['info', '--format', '{{json .}}']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.DockerRootDir).toBe(d.dataRoot);
    expect(info.NCPU).toBeGreaterThan(0);
    expect(info.MemTotal).toBeGreaterThan(0);
    expect(info.Driver).toBe('overlay2');
    expect(['1', '2']).toContain(info.CgroupVersion);
    expect(info.Containers).toBe(0);
  });

  it('an unknown route is a 404 with a message, and the daemon keeps serving', async () => {
    const res = await fetchUnix(d.socket, '/v1.50/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'page not found' });
    const tooNew = await fetchUnix(d.socket, '/v9.99/info');
    expect(tooNew.status).toBe(400);
    expect(tooNew.body.message).toMatch(/client version 9.99 is too new/);
  });

  it('malformed JSON in a create is a 400 naming the problem', async () => {
    const res = await fetchUnix(d.socket, '/v1.50/containers/create', 'POST', '{not json');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/invalid JSON/);
    expect((await docker(d, ['version'])).code).toBe(0);
  });
});

async function fetchUnix(socketPath: string, path: string, method = 'GET', body?: string): Promise<{ status: number; body: any }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path, method, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data ? JSON.parse(data) : null }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('docker system df', () => {
  it('counts images, containers and volumes with their sizes, and -v lists each', async () => {
    await importBusybox(d);
    const vol = await docker(d, ['volume', 'create', 'df-data']);
    expect(vol.code, vol.stderr).toBe(0);
    const writer = await docker(d, ['run', '--name', 'df-writer', '-v', 'df-data:/data', 'busybox', 'sh', '-c',
      'head -c 300000 /dev/zero > /data/blob && head -c 200000 /dev/zero > /rw-file']);
    expect(writer.code, writer.stderr).toBe(0);

    const r = await docker(d, ['system', 'df', '--format', '{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}']);
    expect(r.code, r.stderr).toBe(0);
    const rows = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.split('|')[0], l.split('|').slice(1)]));
    expect(rows.Images?.[0]).toBe('1');
    expect(rows.Containers?.slice(0, 2)).toEqual(['1', '0']);
    expect(rows.Containers?.[2]).toMatch(/^(200|204\.8)kB$/);
    expect(rows['Local Volumes']?.slice(0, 2)).toEqual(['1', '1']);
    expect(rows['Local Volumes']?.[2]).toMatch(/^(300|307\.2)kB$/);

    const verbose = await docker(d, ['system', 'df', '-v']);
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stdout).toMatch(/^busybox\s+latest\s+[0-9a-f]{12}\s.*\s1\s*$/m);
    expect(verbose.stdout).toMatch(/^df-data\s+1\s+(300|307\.2)kB\s*$/m);
    expect(verbose.stdout).toMatch(/df-writer/);
    await docker(d, ['rm', 'df-writer']);
  });
});
