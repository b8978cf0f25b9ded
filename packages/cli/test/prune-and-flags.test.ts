import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../../engine/test/support/berthd.js';
import { berth, buildCli } from './support/berth-cli.js';

// The built `berth` against a real berthd: the prune commands, the run/create flags that map to
// the engine's HostConfig, usage errors and exit codes, and the code cache of command bundles.

let daemon: TestDaemon;
const b = (args: string[], input?: string) => berth(args, { host: daemon.host, ...(input !== undefined ? { input } : {}) });
const ids = async (args: string[]): Promise<string[]> => (await b(args)).stdout.split('\n').filter(Boolean).sort();

beforeAll(async () => {
  buildCli();
  daemon = await TestDaemon.start();
  await importBusybox(daemon);
});
afterAll(async () => daemon?.destroy());

describe('container prune', () => {
  it('asks first, reading the answer from stdin, and removes only stopped containers', async () => {
    const stopped = (await b(['create', 'busybox', 'true'])).stdout.trim();
    const running = (await b(['run', '-d', 'busybox', 'sleep', '300'])).stdout.trim();

    const no = await b(['container', 'prune'], '');
    expect(no.code).toBe(0);
    expect(no.stdout).toBe('WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ');
    expect(await ids(['ps', '-aq', '--no-trunc'])).toEqual([stopped, running].sort());

    const yes = await b(['container', 'prune'], 'y\n');
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toContain(`Deleted Containers:\n${stopped}\n`);
    expect(yes.stdout).toMatch(/Total reclaimed space: \S+\n$/);
    expect(await ids(['ps', '-aq', '--no-trunc'])).toEqual([running]);
    await b(['rm', '-f', running]);
  });

  it('keeps containers newer than --filter until=', async () => {
    const fresh = (await b(['create', 'busybox', 'true'])).stdout.trim();
    const r = await b(['container', 'prune', '-f', '--filter', 'until=1h']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Total reclaimed space: 0B\n');
    expect(await ids(['ps', '-aq', '--no-trunc'])).toEqual([fresh]);
    expect((await b(['container', 'prune', '-f'])).stdout).toContain(fresh);
  });
});

describe('image prune', () => {
  it('removes dangling images by default and unused tagged ones with -a, as docker lists them', async () => {
    // A tagged image no container uses, and a dangling one (its tag moved to another image).
    const build = async (tag: string, text: string): Promise<string> => {
      const ctx = fs.mkdtempSync(path.join(daemon.root, 'ctx-'));
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), `FROM busybox\nLABEL text=${text}\n`);
      const r = await b(['build', '-q', '-t', tag, ctx]);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    const dangling = await build('prune-me:1', 'one');
    await build('prune-me:1', 'two');
    await build('keep-unused:1', 'three');

    const dry = await b(['image', 'prune', '-f']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Deleted Images:\ndeleted: ${dangling}\n`);
    expect((await b(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.split('\n').sort()).toEqual(['', 'busybox:latest', 'keep-unused:1', 'prune-me:1']);

    const used = (await b(['create', 'busybox', 'true'])).stdout.trim();
    const all = await b(['image', 'prune', '-a', '-f']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('untagged: keep-unused:1');
    expect(all.stdout).toContain('untagged: prune-me:1');
    expect((await b(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout).toBe('busybox:latest\n');
    await b(['rm', used]);
  });

  it('warns differently with -a, and does nothing on "n"', async () => {
    const r = await b(['image', 'prune', '-a'], 'n\n');
    expect(r.stdout).toBe('WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] ');
    expect((await b(['images', '-q'])).stdout).not.toBe('');
  });
});

describe('network, volume and system prune', () => {
  it('network prune removes unused custom networks only', async () => {
    expect((await b(['network', 'create', 'unused-net'])).code).toBe(0);
    const r = await b(['network', 'prune', '-f']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Deleted Networks:\nunused-net\n\n');
    expect((await b(['network', 'ls', '--format', '{{.Name}}'])).stdout).not.toContain('unused-net');
  });

  it('system prune prints the warning list, then each kind of object in docker\'s order', async () => {
    await b(['network', 'create', 'sys-net']);
    const stopped = (await b(['create', 'busybox', 'true'])).stdout.trim();
    const ask = await b(['system', 'prune', '--volumes'], '');
    expect(ask.stdout).toBe([
      'WARNING! This will remove:',
      '  - all stopped containers',
      '  - all networks not used by at least one container',
      '  - all anonymous volumes not used by at least one container',
      '  - all dangling images',
      '  - unused build cache',
      '',
      'Are you sure you want to continue? [y/N] ',
    ].join('\n'));
    const r = await b(['system', 'prune', '-f']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.indexOf('Deleted Containers:')).toBeLessThan(r.stdout.indexOf('Deleted Networks:'));
    expect(r.stdout).toContain(stopped);
    expect(r.stdout).toContain('sys-net');
    expect(r.stdout).toMatch(/Total reclaimed space: \S+\n$/);
  });
});

describe('run and create flags', () => {
  it('sends health, resource, ulimit, DNS and network-alias flags to the engine', async () => {
    await b(['network', 'create', '--subnet', '10.89.41.0/24', 'flags-net']);
    const cidfile = path.join(daemon.root, 'flags.cid');
    const r = await b([
      'create', '--name', 'flags', '--cidfile', cidfile,
      '--health-cmd', 'true', '--health-interval', '2s', '--health-retries', '4',
      '--memory', '64m', '--cpus', '0.5', '--pids-limit', '64', '--ulimit', 'nofile=512:1024',
      '--dns-search', 'example.com', '--network', 'flags-net', '--network-alias', 'db', '--ip', '10.89.41.7',
      '--init', '--read-only', '--tmpfs', '/scratch', '--add-host', 'h1:10.0.0.1', '--entrypoint', 'sh',
      '-w', '/tmp', '-u', '1000', '--hostname', 'flaghost', '--stop-signal', 'SIGINT', '--stop-timeout', '3',
      '-l', 'a=b', '--restart', 'on-failure:2',
      'busybox', '-c', 'true',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(fs.readFileSync(cidfile, 'utf8')).toBe(id);
    const inspect = JSON.parse((await docker(daemon, ['inspect', 'flags'])).stdout)[0];
    expect(inspect.Config).toMatchObject({
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 2e9, Retries: 4 },
      Entrypoint: ['sh'], Cmd: ['-c', 'true'], WorkingDir: '/tmp', User: '1000', Hostname: 'flaghost',
      StopSignal: 'SIGINT', StopTimeout: 3, Labels: { a: 'b' },
    });
    expect(inspect.HostConfig).toMatchObject({
      Memory: 64 * 1024 * 1024, NanoCpus: 5e8, PidsLimit: 64, Ulimits: [{ Name: 'nofile', Soft: 512, Hard: 1024 }],
      DnsSearch: ['example.com'], Init: true, ReadonlyRootfs: true, Tmpfs: { '/scratch': '' }, ExtraHosts: ['h1:10.0.0.1'],
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
    });
    expect(inspect.NetworkSettings.Networks['flags-net'].Aliases).toContain('db');

    const again = await b(['create', '--cidfile', cidfile, 'busybox', 'true']);
    expect(again.code).toBe(125);
    expect(again.stderr).toContain('container ID file found');
    await b(['rm', 'flags']);
    await b(['network', 'rm', 'flags-net']);
  });

  it('runs the health check the flags describe', async () => {
    const r = await b(['run', '-d', '--name', 'healthy', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '200ms', 'busybox', 'sh', '-c', 'touch /tmp/ok; exec sleep 300']);
    expect(r.code, r.stderr).toBe(0);
    const deadline = Date.now() + 15_000;
    let status = '';
    while (Date.now() < deadline && status !== 'healthy') {
      status = (await b(['inspect', '--format', '{{.State.Health.Status}}', 'healthy'])).stdout.trim();
      if (status !== 'healthy') await new Promise((res) => setTimeout(res, 100));
    }
    expect(status).toBe('healthy');
    await b(['rm', '-f', 'healthy']);
  });
});

describe('exec, stop and build flags', () => {
  it('exec --env-file, stop --timeout and build --iidfile', async () => {
    const envFile = path.join(daemon.root, 'exec.env');
    fs.writeFileSync(envFile, '# comment\nFROM_FILE=yes\n');
    expect((await b(['run', '-d', '--name', 'flagged', 'busybox', 'sleep', '300'])).code).toBe(0);
    expect((await b(['exec', '--env-file', envFile, '-e', 'B=2', 'flagged', 'sh', '-c', 'echo $FROM_FILE $B'])).stdout).toBe('yes 2\n');
    const started = Date.now();
    expect(await b(['stop', '--timeout', '1', 'flagged'])).toMatchObject({ code: 0, stdout: 'flagged\n' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await b(['inspect', '--format', '{{.State.Running}}', 'flagged'])).stdout).toBe('false\n');
    await b(['rm', 'flagged']);

    const ctx = fs.mkdtempSync(path.join(daemon.root, 'ctx-'));
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM busybox\nLABEL iid=1\n');
    const iidfile = path.join(daemon.root, 'iid');
    const built = await b(['build', '-q', '--iidfile', iidfile, ctx]);
    expect(built.code, built.stderr).toBe(0);
    expect(fs.readFileSync(iidfile, 'utf8')).toBe(built.stdout.trim());
  });
});

describe('usage errors and exit codes', () => {
  it('prints the problem, the short usage and exit 125 for an unknown flag or a wrong argument count', async () => {
    const flag = await b(['ps', '--bogus']);
    expect(flag).toEqual({ code: 125, stdout: '', stderr: "berth ps: unknown flag: --bogus\n\nUsage:  berth ps [OPTIONS]\n\nRun 'berth ps --help' for more information\n" });
    const args = await b(['container', 'prune', 'extra']);
    expect(args.code).toBe(125);
    expect(args.stderr).toContain('Usage:  berth container prune [OPTIONS]');
    const group = await b(['container']);
    expect(group.code).toBe(125);
    expect(group.stderr).toContain('prune    Remove all stopped containers');
  });

  it('exits 126 for a command that cannot be invoked, and with the container status after start -a', async () => {
    const dir = await b(['run', '--rm', 'busybox', '/tmp']);
    expect(dir.code).toBe(126);
    await b(['create', '--name', 'starter', 'busybox', 'sh', '-c', 'echo hi; exit 4']);
    expect(await b(['start', '-a', 'starter'])).toMatchObject({ code: 4, stdout: 'hi\n' });
    await b(['rm', 'starter']);
    const notFound = await b(['start', '-a', 'no-such-container']);
    expect(notFound.code).toBe(125);
  });
});

describe('code cache of command bundles', () => {
  // A V8 code cache: on Node only (Bun, with JavaScriptCore, loads bundles with require()).
  it('is written on the first run on Node, used on the next, and never changes the output', async () => {
    const home = fs.mkdtempSync(path.join(daemon.root, 'home-'));
    const run = () => berth(['ps', '-a', '--format', '{{.Image}}'], { host: daemon.host, env: { HOME: home, BERTH_RUNTIME: 'node' } });
    const first = await run();
    const cacheDir = path.join(home, '.cache/berth/code-cache');
    const files = fs.readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^ps-[0-9a-f]{16}\.v8$/);
    const mtime = fs.statSync(path.join(cacheDir, files[0]!)).mtimeMs;
    expect(await run()).toEqual(first);
    expect(fs.statSync(path.join(cacheDir, files[0]!)).mtimeMs).toBe(mtime);
    const off = await berth(['ps', '-a', '--format', '{{.Image}}'], { host: daemon.host, env: { HOME: fs.mkdtempSync(path.join(daemon.root, 'home-')), BERTH_CODE_CACHE: '0' } });
    expect(off).toEqual(first);
  });
});
