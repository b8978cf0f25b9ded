import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCKER, TestDaemon, docker, importBusybox, startDocker } from '../support/berthd.js';
import { until } from '../support/poll.js';

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
});
afterAll(() => d?.destroy());

/** `docker export` with its stdout redirected to `file`, as a shell user runs it. */
function exportToStdout(container: string, file: string): void {
  execFileSync('bash', ['-c', `${DOCKER} export ${container} > ${file}`], { env: { ...process.env, DOCKER_HOST: d.host } });
}

/** `tar -tvf` lines by entry name. */
function listing(file: string): Map<string, string> {
  const lines = execFileSync('tar', ['--numeric-owner', '-tvf', file]).toString().trim().split('\n');
  return new Map(lines.map((line) => [line.split(/\s+/)[5]!, line]));
}

/**
 * The daemon's open files on an export's view of a container. The view is mounted in a mount namespace
 * that is gone by then, so the kernel names them from the view's own root: `/` and `/big.bin`.
 */
function viewHandles(): string[] {
  const fdDir = `/proc/${d.proc!.pid}/fd`;
  const targets = fs.readdirSync(fdDir).map((fd) => {
    try {
      return fs.readlinkSync(path.join(fdDir, fd));
    } catch {
      return '';
    }
  });
  return targets.filter((target) => target === '/' || target === '/big.bin');
}

describe('docker export', () => {
  it('writes the merged filesystem of an exited container, to stdout and with -o', async () => {
    const run = await docker(d, ['run', '--name', 'exp-exited', 'busybox', 'sh', '-c', 'echo exported > /root/hello.txt && rm /bin/true']);
    expect(run.code, run.stderr).toBe(0);

    const piped = path.join(d.root, 'piped.tar');
    exportToStdout('exp-exited', piped);
    const out = path.join(d.root, 'out.tar');
    const written = await docker(d, ['export', '-o', out, 'exp-exited']);
    expect(written.code, written.stderr).toBe(0);

    for (const file of [piped, out]) {
      const entries = listing(file);
      expect(entries.get('root/hello.txt')).toMatch(/^-rw-r--r-- 0\/0 +9 /);
      expect(execFileSync('tar', ['-xOf', file, 'root/hello.txt']).toString()).toBe('exported\n');
      expect(entries.has('bin/true')).toBe(false);
      expect(entries.get('bin/busybox')).toMatch(/^-rwxr-xr-x 0\/0 /);
      expect(entries.get('bin/false')).toMatch(/^lrwxrwxrwx 0\/0 .* bin\/false -> busybox$/);
      expect(entries.get('tmp/')).toMatch(/^drwxrwxrwt /);
      expect([...entries.keys()].some((name) => name.includes('.wh.'))).toBe(false);
    }
    expect(fs.readFileSync(piped).equals(fs.readFileSync(out))).toBe(true);

    const imported = await docker(d, ['import', out, 'exported:1']);
    expect(imported.code, imported.stderr).toBe(0);
    const check = await docker(d, ['run', '--rm', 'exported:1', 'sh', '-c', 'cat /root/hello.txt; test -e /bin/true || echo no-true']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toBe('exported\nno-true\n');
  });

  it('exports a running container as it is now and leaves it running', async () => {
    const run = await docker(d, ['run', '-d', '--name', 'exp-running', 'busybox', 'sh', '-c', 'echo live > /live.txt; echo ready; sleep 300']);
    expect(run.code, run.stderr).toBe(0);
    const logs = await until(() => docker(d, ['logs', 'exp-running']), (r) => r.stdout.includes('ready'));
    expect(logs.stdout).toContain('ready');

    const file = path.join(d.root, 'running.tar');
    exportToStdout('exp-running', file);
    expect(execFileSync('tar', ['-xOf', file, 'live.txt']).toString()).toBe('live\n');
    expect(listing(file).get('proc/')).toMatch(/^d/);
    expect((await docker(d, ['inspect', '-f', '{{.State.Running}}', 'exp-running'])).stdout.trim()).toBe('true');
    expect((await docker(d, ['exec', 'exp-running', 'cat', '/live.txt'])).stdout).toBe('live\n');
    await docker(d, ['rm', '-f', 'exp-running']);
  });

  it('exports a container that was created and never started: the image as it is', async () => {
    expect((await docker(d, ['create', '--name', 'exp-created', 'busybox'])).code).toBe(0);
    const file = path.join(d.root, 'created.tar');
    const r = await docker(d, ['export', '--output', file, 'exp-created']);
    expect(r.code, r.stderr).toBe(0);
    const entries = listing(file);
    expect(entries.get('bin/true')).toMatch(/^l.* -> busybox$/);
    expect(entries.get('etc/passwd')).toMatch(/^-rw-r--r-- 0\/0 /);
  });

  it('stops reading and lets go of the filesystem when the client goes away', async () => {
    const run = await docker(d, ['run', '--name', 'exp-big', 'busybox', 'dd', 'if=/dev/zero', 'of=/big.bin', 'bs=1M', 'count=64']);
    expect(run.code, run.stderr).toBe(0);
    expect(viewHandles()).toEqual([]);

    const cli = startDocker(d, ['export', 'exp-big']);
    cli.child.stdout.pause();
    // The CLI reads no more, so the export stalls inside the big file.
    expect(await until(async () => viewHandles(), (open) => open.includes('/big.bin'))).toContain('/big.bin');
    cli.child.kill('SIGKILL');
    await cli.done;
    expect(await until(async () => viewHandles(), (open) => open.length === 0)).toEqual([]);
    expect((await docker(d, ['version', '--format', '{{.Server.Version}}'])).code).toBe(0);
  });

  it('reports a missing container', async () => {
    const r = await docker(d, ['export', 'no-such-container']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No such container: no-such-container');
  });
});
