import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCKER, TestDaemon, docker, importBusybox } from '../support/berthd.js';
import { until } from '../support/poll.js';

let d: TestDaemon;
let work: string;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
  work = path.join(d.root, 'cp');
  fs.mkdirSync(work);
});
afterAll(() => d?.destroy());

/** The docker CLI with binary stdin/stdout (`docker cp -`). */
function dockerRaw(args: string[], input?: Buffer): { code: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(DOCKER, args, { env: { ...process.env, DOCKER_HOST: d.host }, input, maxBuffer: 256 * 1024 * 1024, timeout: 30_000 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr.toString() };
}

function tarNames(archive: Buffer): string[] {
  return execFileSync('tar', ['-tf', '-'], { input: archive }).toString().trim().split('\n');
}

function hostFile(name: string, content: string): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, content);
  return file;
}

async function ok(args: string[]): Promise<string> {
  const r = await docker(d, args);
  expect(r.code, `docker ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** Runs a detached busybox container that has run `setup` and then sleeps. */
async function running(name: string, setup = 'true', extra: string[] = []): Promise<void> {
  await ok(['run', '-d', '--name', name, ...extra, 'busybox', 'sh', '-c', `${setup}; echo ready; sleep 300`]);
  const logs = await until(() => docker(d, ['logs', name]), (r) => r.stdout.includes('ready'));
  expect(logs.stdout).toContain('ready');
}

describe('docker cp', () => {
  it('copies a file into a running container and back out', async () => {
    await running('cp-run');
    const src = hostFile('hello.txt', 'hello from the host\n');
    await ok(['cp', src, 'cp-run:/tmp/']);
    expect(await ok(['exec', 'cp-run', 'cat', '/tmp/hello.txt'])).toBe('hello from the host\n');
    await ok(['cp', src, 'cp-run:/tmp/renamed.txt']);
    expect(await ok(['exec', 'cp-run', 'cat', '/tmp/renamed.txt'])).toBe('hello from the host\n');
    // Overwrites an existing file.
    await ok(['exec', 'cp-run', 'sh', '-c', 'echo old > /tmp/over.txt']);
    await ok(['cp', hostFile('over.txt', 'new\n'), 'cp-run:/tmp/over.txt']);
    expect(await ok(['exec', 'cp-run', 'cat', '/tmp/over.txt'])).toBe('new\n');

    const back = path.join(work, 'back.txt');
    await ok(['cp', 'cp-run:/tmp/hello.txt', back]);
    expect(fs.readFileSync(back, 'utf8')).toBe('hello from the host\n');
  });

  it('copies into and out of created and exited containers', async () => {
    const src = hostFile('stopped.txt', 'into a stopped container\n');
    await ok(['create', '--name', 'cp-created', 'busybox', 'cat', '/tmp/stopped.txt', '/made-by-run.txt']);
    await ok(['cp', src, 'cp-created:/tmp/']);
    const out = path.join(work, 'from-created.txt');
    await ok(['cp', 'cp-created:/tmp/stopped.txt', out]);
    expect(fs.readFileSync(out, 'utf8')).toBe('into a stopped container\n');

    await ok(['run', '--name', 'cp-exited', 'busybox', 'sh', '-c', 'echo written by the container > /made-by-run.txt']);
    await ok(['cp', src, 'cp-exited:/tmp/']);
    const made = path.join(work, 'made.txt');
    await ok(['cp', 'cp-exited:/made-by-run.txt', made]);
    expect(fs.readFileSync(made, 'utf8')).toBe('written by the container\n');
    // What was copied into the stopped container is there when it runs again.
    await ok(['cp', made, 'cp-created:/made-by-run.txt']);
    await ok(['start', 'cp-created']);
    expect(await ok(['wait', 'cp-created'])).toBe('0\n');
    expect(await ok(['logs', 'cp-created'])).toBe('into a stopped container\nwritten by the container\n');
    await ok(['start', 'cp-exited']);
    expect(await ok(['wait', 'cp-exited'])).toBe('0\n');
    await ok(['cp', 'cp-exited:/tmp/stopped.txt', path.join(work, 'from-exited.txt')]);
    expect(fs.readFileSync(path.join(work, 'from-exited.txt'), 'utf8')).toBe('into a stopped container\n');
  });

  it('copies directories both ways, with `/.` meaning the contents', async () => {
    await running('cp-dirs', 'mkdir -p /data/sub && echo a > /data/a.txt && echo b > /data/sub/b.txt && chown -R 1234:5678 /data');
    const src = path.join(work, 'tree');
    fs.mkdirSync(path.join(src, 'nested'), { recursive: true });
    fs.writeFileSync(path.join(src, 'one.txt'), '1');
    fs.writeFileSync(path.join(src, 'nested', 'two.txt'), '2');
    fs.chownSync(path.join(src, 'one.txt'), 4321, 4321);
    await ok(['cp', src, 'cp-dirs:/copied']);
    expect(await ok(['exec', 'cp-dirs', 'cat', '/copied/one.txt', '/copied/nested/two.txt'])).toBe('12');
    // Owners come from the archive.
    expect(await ok(['exec', 'cp-dirs', 'ls', '-ln', '/copied/one.txt'])).toMatch(/ 4321 +4321 /);
    await ok(['cp', src, 'cp-dirs:/copied']);
    expect(await ok(['exec', 'cp-dirs', 'cat', '/copied/tree/one.txt'])).toBe('1');

    const whole = path.join(work, 'whole');
    await ok(['cp', 'cp-dirs:/data', whole]);
    expect(fs.readFileSync(path.join(whole, 'sub', 'b.txt'), 'utf8')).toBe('b\n');
    const listing = execFileSync('tar', ['--numeric-owner', '-tvf', '-'], { input: dockerRaw(['cp', 'cp-dirs:/data', '-']).stdout }).toString();
    expect(listing).toMatch(/^-rw-r--r-- 1234\/5678 .* data\/a\.txt$/m);
    const into = path.join(work, 'into');
    fs.mkdirSync(into);
    await ok(['cp', 'cp-dirs:/data/.', into]);
    expect(fs.readdirSync(into).sort()).toEqual(['a.txt', 'sub']);
    await ok(['cp', 'cp-dirs:/data', into]);
    expect(fs.readFileSync(path.join(into, 'data', 'a.txt'), 'utf8')).toBe('a\n');
  });

  it('streams tar archives through stdin and stdout with `-`', async () => {
    await running('cp-stdio', 'mkdir -p /srv/www && echo page > /srv/www/index.html');
    const out = dockerRaw(['cp', 'cp-stdio:/srv/www', '-']);
    expect(out.code, out.stderr).toBe(0);
    expect(tarNames(out.stdout).sort()).toEqual(['www/', 'www/index.html']);
    const file = dockerRaw(['cp', 'cp-stdio:/srv/www/index.html', '-']);
    expect(tarNames(file.stdout)).toEqual(['index.html']);
    expect(execFileSync('tar', ['-xOf', '-', 'index.html'], { input: file.stdout }).toString()).toBe('page\n');
    const contents = dockerRaw(['cp', 'cp-stdio:/srv/www/.', '-']);
    expect(tarNames(contents.stdout).sort()).toEqual(['./', './index.html']);

    const archive = execFileSync('tar', ['-cf', '-', '-C', work, 'hello.txt', 'tree']);
    const put = dockerRaw(['cp', '-', 'cp-stdio:/srv'], archive);
    expect(put.code, put.stderr).toBe(0);
    expect(await ok(['exec', 'cp-stdio', 'cat', '/srv/hello.txt', '/srv/tree/nested/two.txt'])).toBe('hello from the host\n2');
    const notDir = dockerRaw(['cp', '-', 'cp-stdio:/srv/www/index.html'], archive);
    expect(notDir.code).toBe(1);
    expect(notDir.stderr).toContain('must be a directory');
  });

  it('resolves symlinks in the container path inside the container', async () => {
    await running(
      'cp-links',
      'mkdir -p /real/deep && echo in-container > /real/deep/file.txt && ln -s /real /abs && ln -s ../../../../../real /tmp/up && ln -s /etc /cfg',
    );
    const through = path.join(work, 'through.txt');
    await ok(['cp', 'cp-links:/abs/deep/file.txt', through]);
    expect(fs.readFileSync(through, 'utf8')).toBe('in-container\n');
    await ok(['cp', 'cp-links:/tmp/up/deep/file.txt', path.join(work, 'up.txt')]);
    expect(fs.readFileSync(path.join(work, 'up.txt'), 'utf8')).toBe('in-container\n');
    // /cfg -> /etc is the container's /etc, not the host's.
    const passwd = dockerRaw(['cp', 'cp-links:/cfg/passwd', '-']);
    expect(passwd.code, passwd.stderr).toBe(0);
    const containerPasswd = execFileSync('tar', ['-xOf', '-'], { input: passwd.stdout }).toString();
    expect(containerPasswd).toBe(await ok(['exec', 'cp-links', 'cat', '/etc/passwd']));

    // A symlink as the last component is copied as a symlink; -L copies what it points to.
    const link = path.join(work, 'link-copy');
    await ok(['cp', 'cp-links:/abs', link]);
    expect(fs.readlinkSync(link)).toBe('/real');
    const followed = path.join(work, 'followed');
    await ok(['cp', '-L', 'cp-links:/abs', followed]);
    expect(fs.readFileSync(path.join(followed, 'deep', 'file.txt'), 'utf8')).toBe('in-container\n');
    // Copying into a symlinked directory lands where it points inside the container.
    await ok(['cp', hostFile('via-link.txt', 'via\n'), 'cp-links:/tmp/up/']);
    expect(await ok(['exec', 'cp-links', 'cat', '/real/via-link.txt'])).toBe('via\n');
  });

  it('reports missing paths and containers as dockerd does', async () => {
    await running('cp-missing');
    const out = await docker(d, ['cp', 'cp-missing:/nope/file', path.join(work, 'x')]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('Could not find the file /nope/file in container cp-missing');
    const into = await docker(d, ['cp', hostFile('m.txt', 'm'), 'cp-missing:/nope/file']);
    expect(into.code).toBe(1);
    expect(into.stderr).toContain('Could not find the file /nope in container cp-missing');
    const notDir = await docker(d, ['cp', hostFile('m.txt', 'm'), 'cp-missing:/etc/passwd/x']);
    expect(notDir.code).toBe(1);
    expect(notDir.stderr).toContain('extraction point is not a directory');
    const noContainer = await docker(d, ['cp', 'no-such-container:/etc/passwd', work]);
    expect(noContainer.code).toBe(1);
    expect(noContainer.stderr).toContain('No such container: no-such-container');
  });

  it('refuses to copy into a read-only root filesystem, running or not, but copies out of it', async () => {
    const src = hostFile('ro.txt', 'ro');
    await running('cp-ro', 'true', ['--read-only']);
    await ok(['create', '--read-only', '--name', 'cp-ro-created', 'busybox', 'true']);
    for (const name of ['cp-ro', 'cp-ro-created']) {
      const r = await docker(d, ['cp', src, `${name}:/tmp/`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('container rootfs is marked read-only');
      await ok(['cp', `${name}:/etc/passwd`, path.join(work, `${name}-passwd`)]);
    }
  });

  it('copies into and out of the volumes of a running container, not into read-only ones', async () => {
    const bind = path.join(work, 'ro-bind');
    fs.mkdirSync(bind);
    await running('cp-vol', 'echo in-volume > /vol/inside.txt', ['--read-only', '-v', 'cp-vol-data:/vol', '-v', `${bind}:/ro-bind:ro`]);
    // The root is read-only, the volume is not.
    await ok(['cp', hostFile('to-volume.txt', 'to the volume\n'), 'cp-vol:/vol/']);
    expect(await ok(['run', '--rm', '-v', 'cp-vol-data:/v', 'busybox', 'cat', '/v/to-volume.txt'])).toBe('to the volume\n');
    await ok(['cp', 'cp-vol:/vol/inside.txt', path.join(work, 'from-volume.txt')]);
    expect(fs.readFileSync(path.join(work, 'from-volume.txt'), 'utf8')).toBe('in-volume\n');
    const ro = await docker(d, ['cp', hostFile('to-ro.txt', 'x'), 'cp-vol:/ro-bind/']);
    expect(ro.code).toBe(1);
    expect(ro.stderr).toContain('mounted volume is marked read-only');
    expect(fs.readdirSync(bind)).toEqual([]);
    // The container's /proc is a kernel view: archived as an empty directory, as dockerd does.
    expect(tarNames(dockerRaw(['cp', 'cp-vol:/proc', '-']).stdout)).toEqual(['proc/']);
  });

  it('sets the owner to the container user with -a', async () => {
    await ok(['create', '--user', '1000:1001', '--name', 'cp-user', 'busybox', 'true']);
    await ok(['cp', '-a', hostFile('owned.txt', 'o'), 'cp-user:/tmp/']);
    const out = dockerRaw(['cp', 'cp-user:/tmp/owned.txt', '-']);
    expect(execFileSync('tar', ['--numeric-owner', '-tvf', '-'], { input: out.stdout }).toString()).toMatch(/ 1000\/1001 /);
    // A user name is looked up in the container's /etc/passwd.
    await running('cp-nobody', 'true', ['--user', 'nobody']);
    await ok(['cp', '-a', hostFile('owned.txt', 'o'), 'cp-nobody:/tmp/']);
    expect(await ok(['exec', 'cp-nobody', 'ls', '-ln', '/tmp/owned.txt'])).toMatch(/ 65534 +65534 /);
  });

  it('never leaves the container while it swaps a directory for a symlink to /', async () => {
    // On the host: a secret that must never be copied out, and a directory that must stay empty. Both sit at
    // a path that, followed through the container's symlink to `/` by the host, would reach them.
    const secretDir = path.join(d.root, 'race-secret');
    const targetDir = path.join(d.root, 'race-target');
    fs.mkdirSync(secretDir);
    fs.mkdirSync(targetDir);
    fs.writeFileSync(path.join(secretDir, 'secret.txt'), 'HOST-SECRET\n');
    const setup = [
      `mkdir -p /w/real${secretDir} /w/real${targetDir} ${secretDir} ${targetDir}`,
      `echo inside-real > /w/real${secretDir}/secret.txt`,
      `echo container-decoy > ${secretDir}/secret.txt`,
      'ln -s / /w/sym',
      'mv /w/real /w/d',
    ].join(' && ');
    const swap = 'while :; do mv /w/d /w/real; mv /w/sym /w/d; mv /w/d /w/sym; mv /w/real /w/d; done';
    await ok(['run', '-d', '--name', 'cp-race', 'busybox', 'sh', '-c', `${setup} && echo ready && ${swap}`]);
    await until(() => docker(d, ['logs', 'cp-race']), (r) => r.stdout.includes('ready'));

    const src = hostFile('race.txt', 'written during the race\n');
    const seen = new Set<string>();
    let copiedIn = 0;
    // 40 rounds at least, more (up to 200) until a copy each way has gone through.
    for (let i = 0; i < 200 && (i < 40 || seen.size === 0 || copiedIn === 0); i++) {
      const out = dockerRaw(['cp', `cp-race:/w/d${secretDir}/secret.txt`, '-']);
      expect(out.stdout.includes('HOST-SECRET')).toBe(false);
      if (out.code === 0) seen.add(execFileSync('tar', ['-xOf', '-'], { input: out.stdout }).toString().trim());
      const whole = dockerRaw(['cp', `cp-race:/w/d${secretDir}`, '-']);
      expect(whole.stdout.includes('HOST-SECRET')).toBe(false);
      const put = dockerRaw(['cp', src, `cp-race:/w/d${targetDir}/`]);
      if (put.code === 0) copiedIn++;
      expect(fs.readdirSync(targetDir)).toEqual([]);
    }
    expect(fs.readFileSync(path.join(secretDir, 'secret.txt'), 'utf8')).toBe('HOST-SECRET\n');
    // The copies did work, from whichever side of the swap they saw.
    expect(seen.size).toBeGreaterThan(0);
    for (const content of seen) expect(['inside-real', 'container-decoy']).toContain(content);
    expect(copiedIn).toBeGreaterThan(0);
    await ok(['rm', '-f', 'cp-race']);
  }, 120_000);
});
