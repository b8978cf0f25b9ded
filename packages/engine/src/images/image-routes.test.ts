import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageRoutes } from '../api/compat/images.js';
import { Router } from '../api/router.js';
import { createApiServer } from '../api/server.js';
import { BlobStore } from '../content/blob-store.js';
import { LayerStore } from '../snapshots/layer-store.js';
import { makeTar } from '../snapshots/tar-fixtures.js';
import type { EngineStore } from '../store/engine-store.js';
import { openStore } from '../store/prisma-store.js';
import type { ImageUser } from './image-ports.js';
import { ImageService } from './image-service.js';
import { RegistryAccess } from './registry-access.js';

/** The image routes driven by the unmodified docker CLI over a unix socket. */
const DOCKER = '/usr/local/bin/docker';

let root: string;
let server: Server;
let store: EngineStore;
const users = new Map<string, ImageUser[]>();

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'berth-image-routes-'));
  const blobs = new BlobStore(path.join(root, 'content'));
  const layers = new LayerStore(path.join(root, 'layers'));
  await Promise.all([blobs.init(), layers.init()]);
  store = await openStore(root);
  const logger = pino({ level: 'silent' });
  const images = new ImageService({ blobs, layers, store, logger, containersUsing: (id) => users.get(id) ?? [], scratchDir: root });
  await images.init();
  const router = new Router();
  router.on('GET', '/_ping', ({ res }) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('OK');
  });
  imageRoutes(router, images, new RegistryAccess({ insecure: [] }));
  server = createApiServer(router, logger);
  await new Promise<void>((resolve) => server.listen(path.join(root, 'api.sock'), resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  await rm(root, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function docker(args: string[], stdin?: Buffer): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(DOCKER, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, DOCKER_HOST: `unix://${path.join(root, 'api.sock')}`, DOCKER_CONFIG: path.join(root, 'cli') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? Buffer.alloc(0));
  });
}

const rootfs = (marker: string) =>
  makeTar([{ name: 'bin/', type: 'directory', mode: 0o755 }, { name: 'bin/hello', body: `echo ${marker}\n`, mode: 0o755 }]);

describe('image routes with the docker CLI', () => {
  it('imports from stdin, lists, inspects, tags, shows history and removes', async () => {
    const imported = await docker(['import', '-m', 'first', '-c', 'CMD ["/bin/hello"]', '-', 'demo-bb:1'], gzipSync(await rootfs('a')));
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    const id = imported.stdout.trim();
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);

    const list = await docker(['images', '--format', '{{.Repository}} {{.Tag}} {{.ID}}']);
    expect(list.stdout.trim()).toBe(`demo-bb 1 ${id.slice(7, 19)}`);

    const inspect = await docker(['image', 'inspect', '--format', '{{.Comment}} {{json .Config.Cmd}} {{.Os}}', 'demo-bb:1']);
    expect(inspect.stdout.trim()).toBe('first ["/bin/hello"] linux');

    expect((await docker(['tag', 'demo-bb:1', 'demo-bb:2'])).code).toBe(0);
    expect((await docker(['images', 'demo-bb', '--format', '{{.Tag}}'])).stdout.trim().split('\n').sort()).toEqual(['1', '2']);

    const history = await docker(['history', '--format', '{{.ID}} {{.Comment}}', 'demo-bb:2']);
    expect(history.stdout.trim()).toBe(`${id.slice(7, 19)} first`);

    expect(await docker(['rmi', 'demo-bb:2'])).toMatchObject({ code: 0, stdout: 'Untagged: demo-bb:2\n' });
    const removed = await docker(['rmi', 'demo-bb:1']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`Untagged: demo-bb:1\nDeleted: ${id}\nDeleted: sha256:`);
  });

  it('reports a missing image as dockerd does', async () => {
    const inspect = await docker(['image', 'inspect', 'nope:1']);
    expect(inspect.code).toBe(1);
    expect(inspect.stdout.trim()).toBe('[]');
    expect(inspect.stderr).toContain('No such image: nope:1');
    const rmi = await docker(['rmi', 'nope:1']);
    expect(rmi.stderr).toContain('Error response from daemon: No such image: nope:1');
  });

  it('refuses a container-using image without force, with dockerd wording', async () => {
    const { stdout } = await docker(['import', '-', 'used:1'], await rootfs('u'));
    const id = stdout.trim();
    users.set(id, [{ id: 'f'.repeat(64), running: false }]);
    const rmi = await docker(['rmi', 'used:1']);
    expect(rmi.code).toBe(1);
    expect(rmi.stderr).toContain(
      `Error response from daemon: conflict: unable to remove repository reference "used:1" (must force) - container ffffffffffff is using its referenced image ${id.slice(7, 19)}`,
    );
    users.delete(id);
    expect((await docker(['rmi', 'used:1'])).code).toBe(0);
  });

  it('reports bad import input and pulls without a registry as errors', async () => {
    const change = await docker(['import', '-c', 'RUN make', '-', 'x'], await rootfs('x'));
    expect(change.code).toBe(1);
    expect(change.stderr).toContain('unknown instruction "RUN" in --change');

    const garbage = await docker(['import', '-', 'junk'], Buffer.from('not a tar at all, only text\n'.repeat(40)));
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toContain('not a tar archive');

    const pull = await docker(['pull', 'alpine']);
    expect(pull.code).toBe(1);
    expect(pull.stderr).toContain('names no registry and no default registry is set');

    expect((await docker(['images', '-q'])).stdout).toBe('');
  });

  it('prunes dangling images', async () => {
    const { stdout } = await docker(['import', '-'], await rootfs('p'));
    const pruned = await docker(['image', 'prune', '-f']);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain(`deleted: ${stdout.trim()}`);
    expect(pruned.stdout).toMatch(/Total reclaimed space: \d/);
  });
});
