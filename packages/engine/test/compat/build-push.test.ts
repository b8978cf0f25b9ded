import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerthRegistry, type RegistryProcess } from '@berth/sdk/testing';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';

// A built image's layers are gzip blobs of several members (compressed in blocks at build time): pushed to
// berth-registry and pulled into a second berthd, they unpack to the same files, and GNU gzip reads them whole.

let source: TestDaemon;
let target: TestDaemon;
let registry: RegistryProcess;
let ctx: string;

const DOCKERFILE = `FROM busybox
RUN mkdir /data && dd if=/dev/urandom of=/data/random.bin bs=1024 count=6144 2>/dev/null \\
 && yes berth | head -c 9000000 > /data/text.txt && sha256sum /data/random.bin /data/text.txt > /data/sums
COPY payload.bin /data/
CMD ["sh", "-c", "cd /data && sha256sum -c sums && sha256sum payload.bin"]
`;
const payload = Buffer.alloc(5 * 1024 * 1024 + 17, 'payload-');

beforeAll(async () => {
  [source, target, registry] = await Promise.all([TestDaemon.start(), TestDaemon.start(), startBerthRegistry()]);
  await importBusybox(source);
  ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-build-push-'));
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), DOCKERFILE);
  fs.writeFileSync(path.join(ctx, 'payload.bin'), payload);
}, 60_000);
afterAll(async () => {
  await Promise.all([source?.destroy(), target?.destroy(), registry?.stop()]);
  if (ctx) fs.rmSync(ctx, { recursive: true, force: true });
});

describe('a built image through a registry', () => {
  it('is pushed, pulled into another berthd and runs there with the same files', async () => {
    const ref = `${registry.host}/built/app:1`;
    const built = await docker(source, ['build', '-q', '-t', ref, ctx], { timeoutMs: 120_000 });
    expect(built.code, built.stderr).toBe(0);
    const pushed = await docker(source, ['push', ref], { timeoutMs: 120_000 });
    expect(pushed.code, pushed.stderr).toBe(0);

    // What the registry holds: blobs of several gzip members, which GNU gzip and skopeo (Go's gzip reader) read whole.
    const src = `docker://${ref}`;
    const asPushed = path.join(ctx, 'pushed');
    execFileSync('skopeo', ['copy', '--src-tls-verify=false', src, `dir:${asPushed}`], { stdio: 'pipe' });
    const manifest = JSON.parse(fs.readFileSync(path.join(asPushed, 'manifest.json'), 'utf8')) as { layers: Array<{ digest: string }>; config: { digest: string } };
    expect(manifest.layers.length).toBe(3);
    const blobOf = (dir: string, digest: string) => path.join(dir, digest.replace('sha256:', ''));
    const members = manifest.layers.map((l) => {
      const blob = blobOf(asPushed, l.digest);
      execFileSync('gzip', ['-t', blob]);
      return countMembers(fs.readFileSync(blob));
    });
    expect(Math.max(...members)).toBeGreaterThan(2);
    const config = JSON.parse(fs.readFileSync(blobOf(asPushed, manifest.config.digest), 'utf8')) as { rootfs: { diff_ids: string[] } };
    const plain = path.join(ctx, 'decompressed');
    execFileSync('skopeo', ['copy', '--src-tls-verify=false', '--dest-decompress', src, `dir:${plain}`], { stdio: 'pipe' });
    const plainManifest = JSON.parse(fs.readFileSync(path.join(plain, 'manifest.json'), 'utf8')) as { layers: Array<{ digest: string }> };
    expect(plainManifest.layers.map((l) => l.digest)).toEqual(config.rootfs.diff_ids);

    const pulled = await docker(target, ['pull', ref], { timeoutMs: 120_000 });
    expect(pulled.code, pulled.stderr).toBe(0);
    const idOf = async (d: TestDaemon) => (await docker(d, ['image', 'inspect', '-f', '{{.Id}}', ref])).stdout.trim();
    expect(await idOf(target)).toBe(await idOf(source));
    const ran = await docker(target, ['run', '--rm', ref], { timeoutMs: 60_000 });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('/data/random.bin: OK');
    expect(ran.stdout).toContain('/data/text.txt: OK');
    const want = execFileSync('sha256sum', [path.join(ctx, 'payload.bin')]).toString().split(' ')[0];
    expect(ran.stdout).toContain(`${want}  payload.bin`);
  }, 300_000);
});

/** Gzip members in a blob, counted by the member header zlib writes (deflate, no flags, no time). */
function countMembers(blob: Buffer): number {
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
  let count = 0;
  for (let at = blob.indexOf(header); at >= 0; at = blob.indexOf(header, at + 1)) count += 1;
  return count;
}
