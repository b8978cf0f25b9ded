import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';

let a: TestDaemon;
let b: TestDaemon;
let dir = '';

const DOCKERFILE = `FROM busybox
ARG SOURCE_DATE_EPOCH
ENV MODE=repro
WORKDIR /app
RUN echo "built" > built.txt && mkdir -p /var/data && echo data > /var/data/when
COPY . /app/src/
COPY <<EOF /etc/generated.conf
mode=\${MODE}
EOF
CMD ["cat", "/app/built.txt"]
`;

beforeAll(async () => {
  [a, b] = await Promise.all([TestDaemon.start(), TestDaemon.start()]);
  await importBusybox(a);
  // The same base on both daemons: saved from one, loaded into the other.
  const saved = path.join(os.tmpdir(), `bt-busybox-${process.pid}.tar`);
  expect((await docker(a, ['save', '-o', saved, 'busybox'])).code).toBe(0);
  expect((await docker(b, ['load', '-i', saved])).code).toBe(0);
  fs.rmSync(saved, { force: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-repro-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
  fs.writeFileSync(path.join(dir, 'app.txt'), 'app\n');
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.destroy(), b?.destroy()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function buildId(daemon: TestDaemon, args: string[]): Promise<string> {
  const res = await docker(daemon, ['build', '--no-cache', ...args, '-t', 'repro', dir], { timeoutMs: 60_000, env: { DOCKER_BUILDKIT: '0' } });
  expect(res.stderr).not.toMatch(/error/i);
  expect(res.code).toBe(0);
  return (await docker(daemon, ['inspect', '-f', '{{.Id}}', 'repro'])).stdout.trim();
}

/** The layer files `docker save` of the image lists (named by the digest of the stored blob). */
async function savedLayers(daemon: TestDaemon): Promise<string[]> {
  const file = path.join(daemon.root, 'saved.tar');
  expect((await docker(daemon, ['save', '-o', file, 'repro'])).code).toBe(0);
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' })) as Array<{ Layers: string[] }>;
  fs.rmSync(file, { force: true });
  return manifest[0]!.Layers;
}

describe('docker build with SOURCE_DATE_EPOCH', () => {
  it('gives the same image ID for two --no-cache builds, on one daemon and on another', async () => {
    const epoch = ['--build-arg', 'SOURCE_DATE_EPOCH=1700000000'];
    const first = await buildId(a, epoch);
    const second = await buildId(a, epoch);
    expect(second).toBe(first);
    expect(await buildId(b, epoch)).toBe(first);
    // The compressed layers too (gzip headers carry no time): what a push would send is the same.
    expect(await savedLayers(b)).toEqual(await savedLayers(a));
    expect((await docker(a, ['inspect', '-f', '{{.Created}}', 'repro'])).stdout.trim()).toBe('2023-11-14T22:13:20Z');
    const mtime = await docker(a, ['run', '--rm', 'repro', 'stat', '-c', '%Y', '/var/data/when', '/app/built.txt']);
    expect(mtime.stdout).toBe('1700000000\n1700000000\n');
    // Without it, the times of the build make each image different.
    const plain = await buildId(a, []);
    expect(plain).not.toBe(first);
    expect(await buildId(a, [])).not.toBe(plain);
  }, 120_000);
});
