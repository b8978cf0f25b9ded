import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../../engine/test/support/berthd.js';
import { spawnSync } from 'node:child_process';
import { BERTH_BIN, berth, buildCli, startBerth, until } from './support/berth-cli.js';

// The built `berth` against a real berthd: container verbs, their output formats and exit codes.

let daemon: TestDaemon;
const b = (args: string[], input?: string) => berth(args, { host: daemon.host, ...(input !== undefined ? { input } : {}) });

beforeAll(async () => {
  buildCli();
  daemon = await TestDaemon.start();
  await importBusybox(daemon);
});
afterAll(async () => daemon?.destroy());

describe('version', () => {
  it('reports the engine the docker CLI sees, as text, template and json', async () => {
    const text = await b(['version']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Client:\n Version:/);
    const server = (await docker(daemon, ['version', '--format', '{{.Server.Version}}'])).stdout.trim();
    expect((await b(['version', '--format', '{{.Server.Version}}'])).stdout).toBe(`${server}\n`);
    expect(JSON.parse((await b(['version', '--format', 'json'])).stdout).Server.Version).toBe(server);
  });
});

describe('run', () => {
  it('streams stdout and stderr apart and exits with the container status', async () => {
    const r = await b(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('forwards signals to the container', async () => {
    const run = startBerth(['run', '--rm', 'busybox', 'sh', '-c', 'trap "echo got-term; exit 5" TERM; echo ready; while :; do sleep 0.1; done'], { host: daemon.host });
    await until(() => run.stdout().includes('ready'), 'the container to start');
    run.kill('SIGTERM');
    expect(await run.done).toMatchObject({ code: 5, stdout: 'ready\ngot-term\n' });
  });

  it('passes stdin with -i', async () => {
    expect((await b(['run', '--rm', '-i', 'busybox', 'wc', '-c'], 'hello')).stdout.trim()).toBe('5');
  });

  it('exits 127 for a command that does not exist and 125 for an image that cannot be found', async () => {
    const missing = await b(['run', '--rm', 'busybox', 'no-such-command']);
    expect(missing.code).toBe(127);
    const image = await b(['run', '--rm', '--pull', 'never', 'nosuchimage:1']);
    expect(image.code).toBe(125);
    expect(image.stderr).toMatch(/^Error response from daemon: .*nosuchimage/);
    expect(image.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a detached container', () => {
  let id: string;
  beforeAll(async () => {
    const r = await b(['run', '-d', '--name', 'web', '-l', 'tier=front', 'busybox', 'sh', '-c', 'echo started; exec sleep 300']);
    expect(r.code, r.stderr).toBe(0);
    id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is listed by ps as a table, with -q, as json and through templates', async () => {
    const table = await b(['ps']);
    expect(table.stdout.split('\n')[0]).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    expect(table.stdout).toMatch(new RegExp(`${id.slice(0, 12)}\\s+busybox\\s+"sh -c 'echo starte…\\s+.*Up .*\\s+web`));
    expect((await b(['ps', '-q'])).stdout).toBe(`${id.slice(0, 12)}\n`);
    const json = JSON.parse((await b(['ps', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ ID: id.slice(0, 12), Names: 'web', State: 'running', Labels: 'tier=front' });
    expect((await b(['ps', '--format', '{{.Names}} {{.State}}'])).stdout).toBe('web running\n');
    expect((await b(['container', 'ls', '--format', 'table {{.Names}}\\t{{.Image}}'])).stdout).toBe('NAMES   IMAGE\nweb     busybox\n');
    expect((await b(['ps', '-f', 'label=tier=back', '-q'])).stdout).toBe('');
  });

  it('shows logs, runs exec with its exit code, inspects, tops and renames', async () => {
    expect((await b(['logs', 'web'])).stdout).toBe('started\n');
    const exec = await b(['exec', 'web', 'sh', '-c', 'echo in-$HOSTNAME >&2; exit 4']);
    expect(exec.code).toBe(4);
    expect(exec.stderr).toBe(`in-${id.slice(0, 12)}\n`);
    expect((await b(['exec', '-i', 'web', 'cat'], 'piped')).stdout).toBe('piped');
    expect((await b(['exec', 'web', 'nope'])).code).toBe(127);
    expect((await b(['inspect', '--format', '{{.State.Status}} {{.Config.Image}}', 'web'])).stdout).toBe('running busybox\n');
    expect(JSON.parse((await b(['container', 'inspect', 'web'])).stdout)[0].Id).toBe(id);
    expect((await b(['top', 'web'])).stdout).toMatch(/PID\s+.*\n.*sleep 300/);
    expect((await b(['rename', 'web', 'web2'])).code).toBe(0);
    expect((await b(['ps', '--format', '{{.Names}}'])).stdout).toBe('web2\n');
  });

  it('pauses, unpauses, stops, waits and removes', async () => {
    expect((await b(['pause', 'web2'])).stdout).toBe('web2\n');
    expect((await b(['ps', '--format', '{{.State}}'])).stdout).toBe('paused\n');
    expect((await b(['unpause', 'web2'])).code).toBe(0);
    const follow = startBerth(['logs', '-f', '-t', 'web2'], { host: daemon.host });
    await until(() => follow.stdout().includes('started'), 'logs -f to print the first line');
    expect((await b(['stop', '-t', '1', 'web2'])).stdout).toBe('web2\n');
    const followed = await follow.done;
    expect(followed.code).toBe(0);
    expect(followed.stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z started\n$/);
    expect((await b(['wait', 'web2'])).stdout).toMatch(/^\d+\n$/);
    expect((await b(['ps', '-a', '--format', '{{.State}}', '-f', 'name=web2'])).stdout).toBe('exited\n');
    expect((await b(['rm', 'web2'])).stdout).toBe('web2\n');
    const gone = await b(['rm', 'web2']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^Error response from daemon: .*web2/);
    const inspect = await b(['inspect', 'web2']);
    expect(inspect.code).toBe(1);
    expect(inspect.stderr).toBe('Error: No such object: web2\n');
  });
});

describe('a reader that goes away', () => {
  it('ends `logs -f` and a long listing quietly with status 0 when the pipe closes, on Bun and on Node', async () => {
    const id = (await b(['run', '-d', 'busybox', 'sh', '-c', 'while true; do echo line; done'])).stdout.trim();
    try {
      for (const runtime of ['', 'node']) {
        const script = `"$BERTH" logs -f ${id} | head -2; echo "status \${PIPESTATUS[0]}"; "$BERTH" logs ${id} | head -c 10 >/dev/null; echo "status \${PIPESTATUS[0]}"`;
        const run = spawnSync('bash', ['-c', script], {
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', BERTH: BERTH_BIN, BERTH_HOST: daemon.host, BERTH_RUNTIME: runtime },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 20_000,
        });
        expect(run.stderr).toBe('');
        expect(run.stdout).toBe('line\nline\nstatus 0\nstatus 0\n');
      }
    } finally {
      await b(['rm', '-f', id]);
    }
  });
});

describe('restart, attach and events', () => {
  it('restarts a container, attaches to it until it exits and sees it in the event stream', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    expect((await b(['run', '-d', '--name', 'loop', 'busybox', 'sh', '-c', 'trap "exit 9" TERM; while :; do echo tick; sleep 0.1; done'])).code).toBe(0);
    expect((await b(['restart', '-t', '5', 'loop'])).stdout).toBe('loop\n');
    const attached = startBerth(['attach', 'loop'], { host: daemon.host });
    await until(() => attached.stdout().includes('tick'), 'attach to stream the output');
    expect((await b(['stop', 'loop'])).code).toBe(0);
    expect((await attached.done).code).toBe(9);
    const events = await b(['system', 'events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'container=loop', '--format', '{{.Action}}']);
    expect(events.stdout.split('\n')).toEqual(expect.arrayContaining(['create', 'start', 'restart', 'die']));
    expect((await b(['rm', 'loop'])).code).toBe(0);
  });
});

describe('network connect and disconnect', () => {
  it('attaches a running container to a network and detaches it', async () => {
    expect((await b(['network', 'create', 'side'])).code).toBe(0);
    expect((await b(['run', '-d', '--name', 'netc', 'busybox', 'sleep', '300'])).code).toBe(0);
    expect((await b(['network', 'connect', 'side', 'netc'])).code).toBe(0);
    expect((await b(['ps', '--format', '{{.Networks}}', '-f', 'name=netc'])).stdout).toMatch(/side/);
    const out = await b(['network', 'disconnect', 'side', 'netc']);
    expect(out.code, out.stderr).toBe(0);
    expect((await b(['ps', '--format', '{{.Networks}}', '-f', 'name=netc'])).stdout).not.toMatch(/side/);
    expect((await b(['rm', '-f', 'netc'])).code).toBe(0);
    expect((await b(['network', 'rm', 'side'])).code).toBe(0);
  });
});

describe('create and start', () => {
  it('creates a container, starts it attached and returns its status', async () => {
    const created = await b(['create', '--name', 'later', 'busybox', 'sh', '-c', 'echo later; exit 2']);
    expect(created.code, created.stderr).toBe(0);
    const started = await b(['start', '-a', 'later']);
    expect(started).toMatchObject({ code: 2, stdout: 'later\n' });
    expect((await b(['rm', 'later'])).code).toBe(0);
  });
});
