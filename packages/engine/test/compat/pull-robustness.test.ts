import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_TYPES, RegistryClient, type Descriptor } from '@berth/sdk';
import { startBerthRegistry, type RegistryProcess } from '@berth/sdk/testing';
import { TestDaemon, docker, startDocker, type DockerProcess } from '../support/berthd.js';
import { until } from '../support/poll.js';
import { RegistryProxy } from '../support/registry-proxy.js';

// docker pull through berthd when things go wrong: the client's Ctrl-C, berthd killed, two pulls
// of one image at once (one of them cancelled), a registry serving bytes that do not match their
// digest. The image (busybox, then 64 MiB of random data) lives in a real berth-registry, reached
// through a proxy that counts blob GETs, can flip a byte and can hold a body halfway, so each
// test catches the pull in the state it needs instead of racing it.

const BIG = 64 * 1024 * 1024;

let registry: RegistryProcess;
let proxy: RegistryProxy;
let d: TestDaemon;
let image: PushedImage & { ref: string };

beforeAll(async () => {
  [registry, d] = await Promise.all([startBerthRegistry(), TestDaemon.start()]);
  proxy = await RegistryProxy.start(registry.host);
  image = { ...(await pushTwoLayerImage(registry.host, 'team/big:1', d.root)), ref: `${proxy.host}/team/big:1` };
});
afterAll(async () => {
  await proxy?.close();
  await Promise.all([registry?.stop(), d?.destroy()]);
});

/** docker CLIs a test started; whatever a failed test left running goes with it. */
const started: DockerProcess[] = [];
const pull = (opts: { tty?: boolean } = {}): DockerProcess => {
  const cli = startDocker(d, ['pull', image.ref], opts);
  started.push(cli);
  return cli;
};
afterEach(async () => {
  for (const cli of started.splice(0)) {
    cli.child.kill('SIGKILL');
    await cli.done;
  }
  proxy.resume();
  proxy.corrupt.clear();
  await docker(d, ['rmi', '-f', image.ref]);
  // Each test starts from an empty engine.
  expect(await until(() => leftovers(d), (l) => l.length === 0)).toEqual([]);
});

/** A layer's short ID as the docker CLI prints it. */
const short = (layer: Descriptor): string => layer.digest.slice('sha256:'.length, 'sha256:'.length + 12);

/** Blobs, ingest files, unpacked layers (committed or half) and staging files under the data root. */
async function leftovers(daemon: TestDaemon): Promise<string[]> {
  const found: string[] = [];
  for (const dir of ['content/blobs/sha256', 'content/ingest', 'layers', 'tmp']) {
    const names = await fsp.readdir(path.join(daemon.dataRoot, dir)).catch(() => []);
    found.push(...names.map((name) => `${dir}/${name}`));
  }
  return found;
}

const images = async (): Promise<string> => (await docker(d, ['images', '-q'])).stdout.trim();

/** Bytes in the content store's ingest dir: blobs being downloaded. */
async function partialBytes(): Promise<number> {
  const ingest = path.join(d.dataRoot, 'content/ingest');
  const names = await fsp.readdir(ingest).catch(() => []);
  return names.reduce((sum, name) => sum + (fs.statSync(path.join(ingest, name), { throwIfNoEntry: false })?.size ?? 0), 0);
}

/** Starts `docker pull` on a terminal and waits until the big layer is half downloaded (and held there). */
async function pullUntilHalfway(): Promise<DockerProcess> {
  proxy.holdAfter(BIG / 2);
  const cli = pull({ tty: true });
  expect(await until(async () => proxy.holds, (n) => n === 1, 20_000)).toBe(1);
  const downloading = `${short(image.big)}: Downloading`;
  expect(await until(async () => cli.stdout(), (out) => out.includes(downloading))).toContain(downloading);
  expect(await until(partialBytes, (n) => n > 0)).toBeGreaterThan(0);
  return cli;
}

/** Starts a second `docker pull` and waits until it has asked for the big layer too. */
async function secondPull(): Promise<DockerProcess> {
  const cli = pull();
  const asked = `${short(image.big)}: Pulling fs layer`;
  expect(await until(async () => cli.stdout(), (out) => out.includes(asked))).toContain(asked);
  return cli;
}

/**
 * Two pulls of the image, the second waiting for the big layer the first downloads; Ctrl-C of
 * the first. Returns the second once it has taken over the download (and is held halfway).
 */
async function secondTakesOver(): Promise<DockerProcess> {
  const first = await pullUntilHalfway();
  const second = await secondPull();
  first.interrupt();
  expect((await first.done).code).not.toBe(0);
  expect(await until(async () => proxy.holds, (n) => n === 2)).toBe(2);
  return second;
}

async function pullAndRun(): Promise<void> {
  const pulled = await docker(d, ['pull', image.ref]);
  expect(pulled.code, pulled.stderr).toBe(0);
  expect(pulled.stdout).toContain(`Status: Downloaded newer image for ${image.ref}`);
  const run = await docker(d, ['run', '--rm', image.ref, '/bin/busybox', 'wc', '-c', '/big']);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout.trim()).toBe(`${BIG} /big`);
}

describe('docker pull through berthd', () => {
  it('Ctrl-C of the client halfway leaves no image and nothing half stored; the next pull works', async () => {
    const first = await pullUntilHalfway();
    first.interrupt();
    expect((await first.done).code).not.toBe(0);
    proxy.resume();
    expect(await images()).toBe('');
    expect(await until(() => leftovers(d), (l) => l.length === 0)).toEqual([]);
    await pullAndRun();
  });

  it('berthd killed mid-pull sweeps the half-done work when it starts again; the next pull works', async () => {
    const first = await pullUntilHalfway();
    // Half-done work of every kind: the config stored, the base layer unpacked (an uncompressed
    // layer's chain ID is its digest), the big one half in the ingest dir.
    const half = [`content/blobs/sha256/${image.config.digest.slice(7)}`, `layers/${image.base.digest.slice(7)}`];
    expect(await until(() => leftovers(d), (l) => half.every((e) => l.includes(e)))).toEqual(expect.arrayContaining(half));
    await d.kill('SIGKILL');
    expect((await first.done).code).not.toBe(0);
    proxy.resume();
    await d.launch();
    expect(await leftovers(d)).toEqual([]);
    expect(await images()).toBe('');
    await pullAndRun();
  });

  it('two pulls of one image at once both succeed and fetch each blob from the registry once', async () => {
    proxy.blobGets.clear();
    const first = await pullUntilHalfway();
    // The second asks for the big layer while the first still downloads it.
    const second = await secondPull();
    proxy.resume();
    const results = await Promise.all([first.done, second.done]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(Object.fromEntries(proxy.blobGets)).toEqual({ [image.config.digest]: 1, [image.base.digest]: 1, [image.big.digest]: 1 });
    const run = await docker(d, ['run', '--rm', image.ref, '/bin/busybox', 'true']);
    expect(run.code, run.stderr).toBe(0);
  });

  it('Ctrl-C of one of two pulls of one image leaves the other to finish', async () => {
    // What the first stored and the second relies on (config, base layer) stays for the second.
    const second = await secondTakesOver();
    proxy.resume();
    const r = await second.done;
    expect(r.code, r.stderr).toBe(0);
    const run = await docker(d, ['run', '--rm', image.ref, '/bin/busybox', 'true']);
    expect(run.code, run.stderr).toBe(0);
  });

  it('Ctrl-C of both pulls of one image, one after the other, leaves nothing behind', async () => {
    const second = await secondTakesOver();
    second.interrupt();
    expect((await second.done).code).not.toBe(0);
    expect(await images()).toBe('');
    expect(await until(() => leftovers(d), (l) => l.length === 0)).toEqual([]);
  });

  it('a blob whose bytes do not match its digest fails the pull, names the layer, and stores nothing', async () => {
    proxy.corrupt.add(image.big.digest);
    const r = await docker(d, ['pull', image.ref]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(image.big.digest);
    expect(r.stderr).toContain('does not match its digest');
    expect(await images()).toBe('');
    expect(await until(() => leftovers(d), (l) => l.length === 0)).toEqual([]);
  });
});

interface PushedImage {
  config: Descriptor;
  base: Descriptor;
  big: Descriptor;
}

/**
 * Pushes straight into the registry an image of two uncompressed layers: a static busybox at
 * /bin/busybox, then /big with 64 MiB of random bytes.
 */
async function pushTwoLayerImage(host: string, name: string, scratch: string): Promise<PushedImage> {
  const tarOf = async (files: Record<string, Buffer | string>): Promise<Buffer> => {
    const dir = await fsp.mkdtemp(path.join(scratch, 'layer-'));
    for (const [file, data] of Object.entries(files)) {
      await fsp.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      if (typeof data === 'string') await fsp.copyFile(data, path.join(dir, file));
      else await fsp.writeFile(path.join(dir, file), data);
    }
    const tar = execFileSync('tar', ['-cf', '-', '-C', dir, '--owner=0', '--group=0', '.'], { maxBuffer: 2 * BIG });
    await fsp.rm(dir, { recursive: true });
    return tar;
  };
  const blobs = new Map<string, Buffer>();
  const add = (mediaType: string, data: Buffer): Descriptor => {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    blobs.set(digest, data);
    return { mediaType, digest, size: data.length };
  };
  const base = add(MEDIA_TYPES.OCI_LAYER, await tarOf({ 'bin/busybox': '/bin/busybox' }));
  const big = add(MEDIA_TYPES.OCI_LAYER, await tarOf({ big: randomBytes(BIG) }));
  const config = add(MEDIA_TYPES.OCI_CONFIG, Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/bin/busybox', 'true'] },
    rootfs: { type: 'layers', diff_ids: [base.digest, big.digest] },
  })));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.OCI_MANIFEST, config, layers: [base, big] }));
  const client = new RegistryClient();
  try {
    for await (const _ of client.push(`${host}/${name}`, {
      manifest: { bytes: manifest, mediaType: MEDIA_TYPES.OCI_MANIFEST },
      source: {
        async *open(d) {
          yield blobs.get(d.digest)!;
        },
      },
    })) void _;
  } finally {
    client.close();
  }
  return { config, base, big };
}
