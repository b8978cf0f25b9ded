import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../../engine/test/support/berthd.js';
import { berth, berthTty, buildCli, startBerth, until } from './support/berth-cli.js';

// build, save/load, import and cp through the built `berth`: files in and out of the engine.

let daemon: TestDaemon;
let work: string;
const b = (args: string[], input?: string) => berth(args, { host: daemon.host, ...(input !== undefined ? { input } : {}) });

beforeAll(async () => {
  buildCli();
  daemon = await TestDaemon.start();
  await importBusybox(daemon);
  work = fs.mkdtempSync(path.join(daemon.root, 'work-'));
});
afterAll(async () => daemon?.destroy());

describe('build', () => {
  beforeAll(() => {
    fs.mkdirSync(path.join(work, 'ctx'));
    fs.writeFileSync(path.join(work, 'ctx/hello.txt'), 'hello from the context\n');
    fs.writeFileSync(path.join(work, 'ctx/Dockerfile'), 'FROM busybox\nCOPY hello.txt /hello.txt\nRUN echo built-$((6*7)) && cat /hello.txt\n');
  });

  it('prints the engine lines when not on a terminal, and the image runs', async () => {
    const r = await b(['build', '-t', 'hello:1', path.join(work, 'ctx')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Step 3/3 : RUN echo built-$((6*7)) && cat /hello.txt');
    expect(r.stdout).toContain('built-42');
    expect(r.stdout).toContain('Successfully tagged hello:1');
    expect((await b(['run', '--rm', 'hello:1', 'cat', '/hello.txt'])).stdout).toBe('hello from the context\n');
  });

  it('shows a step view on a terminal, and names the failing step', async () => {
    const ok = await berthTty(['build', '--no-cache', '-t', 'hello:2', path.join(work, 'ctx')], { host: daemon.host });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/\[3\/3\].*RUN echo built/);
    expect(ok.stdout).toMatch(/│.*built-42/);
    expect(ok.stdout).toContain('\x1b[1m[3/3]\x1b[0m');
    const plain = await berthTty(['build', '-t', 'hello:2', path.join(work, 'ctx')], { host: daemon.host, env: { NO_COLOR: '1' } });
    expect(plain.stdout).toMatch(/\[3\/3\] RUN echo built/);
    expect(plain.stdout).not.toContain('\x1b[1m');
    fs.writeFileSync(path.join(work, 'ctx/Dockerfile.bad'), 'FROM busybox\nRUN exit 3\n');
    const bad = await b(['build', '-f', 'Dockerfile.bad', path.join(work, 'ctx')]);
    expect(bad.code).toBe(125);
    expect(bad.stderr).toMatch(/^Error response from daemon: .*RUN exit 3|returned a non-zero code: 3/);
  });
});

describe('save, load and import', () => {
  it('saves an image to a file, loads it back and imports a root filesystem tar', async () => {
    const file = path.join(work, 'box.tar');
    expect((await b(['save', '-o', file, 'busybox'])).code).toBe(0);
    expect(execFileSync('tar', ['-tf', file], { encoding: 'utf8' })).toContain('manifest.json');
    expect((await b(['rmi', '-f', 'busybox'])).code).toBe(0);
    const loaded = await b(['load', '-i', file]);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain('Loaded image: busybox:latest');

    fs.mkdirSync(path.join(work, 'rootfs'));
    fs.writeFileSync(path.join(work, 'rootfs/marker'), 'imported\n');
    execFileSync('tar', ['-cf', path.join(work, 'rootfs.tar'), '-C', path.join(work, 'rootfs'), '.']);
    const imported = await b(['import', path.join(work, 'rootfs.tar'), 'rootfs:1']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect((await docker(daemon, ['image', 'inspect', '-f', '{{.RepoTags}}', 'rootfs:1'])).stdout.trim()).toBe('[rootfs:1]');
  });
});

describe('cp', () => {
  it('copies files into and out of a container, under a new name too', async () => {
    expect((await b(['run', '-d', '--name', 'box', 'busybox', 'sleep', '300'])).code).toBe(0);
    const src = path.join(work, 'in.txt');
    fs.writeFileSync(src, 'copied in\n');
    expect((await b(['cp', src, 'box:/tmp/'])).code).toBe(0);
    expect((await b(['exec', 'box', 'cat', '/tmp/in.txt'])).stdout).toBe('copied in\n');
    expect((await b(['cp', src, 'box:/tmp/renamed.txt'])).code).toBe(0);
    expect((await b(['exec', 'box', 'cat', '/tmp/renamed.txt'])).stdout).toBe('copied in\n');
    const out = path.join(work, 'out.txt');
    expect((await b(['cp', 'box:/etc/hostname', out])).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8').trim()).toMatch(/^[0-9a-f]{12}$/);
    const missing = await b(['cp', 'box:/no/such/file', work]);
    expect(missing.code).toBe(125);
    expect(missing.stderr).toMatch(/^Error response from daemon: /);
  });

  it('reports stats once, updates limits and kills', async () => {
    const stats = await b(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'box']);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout).toMatch(/^box [1-9]\d*\n$/);
    const live = startBerth(['stats', '--format', '{{.Name}}', 'box'], { host: daemon.host });
    await until(() => live.stdout().includes('box\n'), 'a live stats row');
    live.kill('SIGINT');
    expect((await live.done).code).toBe(0);
    expect((await b(['update', '--memory', '64m', 'box'])).stdout).toBe('box\n');
    expect((await b(['inspect', '-f', '{{.HostConfig.Memory}}', 'box'])).stdout).toBe(`${64 * 1024 * 1024}\n`);
    expect((await b(['kill', 'box'])).stdout).toBe('box\n');
    expect((await b(['wait', 'box'])).stdout).toBe('137\n');
  });
});
