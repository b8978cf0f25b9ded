import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, TestDaemon, docker } from '../support/berthd.js';

/** The debootstrap tarball scripts/base-images.sh caches; without it the Debian base would take a minute of debootstrap. */
const CACHE_DIR = process.env.BERTH_CACHE_DIR ?? '/var/cache/berth';
const DEBIAN_TARBALL = path.join(CACHE_DIR, 'debian-bookworm-minbase.tar');
const haveDebian = fs.existsSync(DEBIAN_TARBALL);
// `npm test` makes the tarball first; in CI a missing one is a failure, not a skip.
if (!haveDebian && process.env.CI) throw new Error(`no Debian base at ${DEBIAN_TARBALL}: scripts/test.sh makes it with scripts/base-images.sh --cache-only`);
if (!haveDebian) {
  console.warn(`build-apache: skipped, no Debian base at ${DEBIAN_TARBALL}; make it once with \`bash scripts/base-images.sh\` (debootstrap, about a minute)`);
}

let d: TestDaemon;
let dir = '';

beforeAll(async () => {
  if (!haveDebian) return;
  d = await TestDaemon.start();
  // Imports debian:bookworm from the cached tarball (and busybox).
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [path.join(REPO, 'scripts/base-images.sh')], { env: { ...process.env, DOCKER_HOST: d.host }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`base-images.sh failed (${code}): ${err}`))));
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-apache-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y apache2\nCMD ["apachectl", "-DFOREGROUND"]\n');
}, 120_000);
afterAll(async () => {
  await d?.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '0.0.0.0');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** The page at `url`, polled until it answers or the deadline passes ('' then). */
async function fetchPage(url: string, deadlineMs: number): Promise<string> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const page = await new Promise<string>((resolve) => execFile('curl', ['-s', '-m', '2', url], (err, out) => resolve(err ? '' : out)));
    if (page !== '' || Date.now() > deadline) return page;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!haveDebian)('the Apache example', () => {
  it('builds debian + apache2 with docker build, runs it with -p, and serves the default page', async () => {
    const build = await docker(d, ['build', '-t', 'web', dir], { timeoutMs: 300_000 });
    expect(build.stderr).not.toMatch(/error/i);
    expect(build.code).toBe(0);
    expect(build.stdout).toContain('Successfully tagged web:latest');
    const port = await freePort();
    const run = await docker(d, ['run', '-d', '-p', `${port}:80`, 'web']);
    expect(run.code).toBe(0);
    const page = await fetchPage(`http://localhost:${port}/`, 20_000);
    expect(page).toContain('Apache2 Debian Default Page');
  }, 360_000);
});
