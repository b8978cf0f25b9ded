import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';
import { until } from '../support/poll.js';

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
});
afterAll(() => d?.destroy());

const run = (args: string[], input?: string) => docker(d, args, input === undefined ? {} : { input });

describe('docker run', () => {
  it('prints the output and removes the container with --rm', async () => {
    const r = await run(['run', '--rm', 'busybox', 'echo', 'hi']);
    expect(r).toMatchObject({ code: 0, stdout: 'hi\n' });
    expect((await run(['ps', '-aq'])).stdout).toBe('');
  });

  it('passes the exit code through', async () => {
    expect((await run(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3'])).code).toBe(3);
  });

  it('keeps stdout and stderr apart', async () => {
    const r = await run(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toBe('err\n');
  });

  it('pipes stdin with -i', async () => {
    const r = await run(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'tr a-z A-Z'], 'hello berth\n');
    expect(r).toMatchObject({ code: 0, stdout: 'HELLO BERTH\n' });
  });

  it('applies -e, --env-file, -w, -u, --hostname, --entrypoint and -l', async () => {
    const envFile = `${d.root}/env.list`;
    await fs.writeFile(envFile, 'FROM_FILE=yes\n# comment\n');
    const r = await run([
      'run', '--rm', '-e', 'A=1', '--env-file', envFile, '-w', '/tmp', '-u', 'nobody', '--hostname', 'berthbox',
      '-l', 'team=core', '--entrypoint', 'sh', 'busybox', '-c', 'echo $A $FROM_FILE $(pwd) $(id -un) $(hostname)',
    ]);
    expect(r).toMatchObject({ code: 0, stdout: '1 yes /tmp nobody berthbox\n' });
  });

  it('runs the command under an init process with --init', async () => {
    const r = await run(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/init/);
  });

  it('exits 127 for a command that does not exist', async () => {
    const r = await run(['run', '--rm', 'busybox', 'nosuchcmd']);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/executable file not found|no such file or directory/);
  });

  it('fails with 125 and a clear message for a missing image', async () => {
    const r = await run(['create', 'no-such-image:9']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no-such-image:9/);
  });
});

describe('detached containers', () => {
  it('runs -d, lists, inspects, logs, stops and removes', async () => {
    const started = await run(['run', '-d', '--name', 'web1', '-l', 'app=web', 'busybox', 'sh', '-c', 'echo ready; echo oops >&2; sleep 300']);
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);

    const ps = await run(['ps', '--filter', 'name=web1', '--format', '{{.ID}} {{.Names}} {{.Status}}']);
    expect(ps.stdout).toMatch(new RegExp(`^${id.slice(0, 12)} web1 Up `));
    expect((await run(['ps', '-q', '--filter', 'label=app=web'])).stdout.trim()).toBe(id.slice(0, 12));
    expect((await run(['ps', '-q', '--filter', 'ancestor=busybox'])).stdout).toContain(id.slice(0, 12));
    expect((await run(['ps', '-q', '--no-trunc', '--filter', 'status=running'])).stdout).toContain(id);

    const inspect = JSON.parse((await run(['inspect', 'web1'])).stdout)[0];
    expect(inspect.State).toMatchObject({ Status: 'running', Running: true, ExitCode: 0 });
    expect(inspect.State.Pid).toBeGreaterThan(0);
    expect(inspect.Config.Labels).toEqual({ app: 'web' });
    expect(inspect.Name).toBe('/web1');

    const logs = await until(() => run(['logs', 'web1']), (r) => r.stdout.includes('ready') && r.stderr.includes('oops'));
    expect(logs.stdout).toBe('ready\n');
    expect(logs.stderr).toBe('oops\n');
    expect((await run(['logs', '-t', 'web1'])).stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ready\n$/);

    const rm = await run(['rm', 'web1']);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toMatch(/You cannot remove a running container/);

    expect((await run(['stop', '-t', '1', 'web1'])).stdout).toBe('web1\n');
    const stopped = JSON.parse((await run(['inspect', 'web1'])).stdout)[0];
    expect(stopped.State.Status).toBe('exited');
    // sh as pid 1 ignores SIGTERM, so stop falls back to SIGKILL after the timeout, as with Docker.
    expect(stopped.State.ExitCode).toBe(137);
    expect((await run(['ps', '-a', '--filter', 'name=web1', '--format', '{{.Status}}'])).stdout).toMatch(/^Exited \(137\) /);
    expect((await run(['rm', 'web1'])).code).toBe(0);
    expect((await run(['inspect', 'web1'])).stderr).toMatch(/No such object: web1/);
  });

  it('refuses a name that is taken with the holder id', async () => {
    const first = (await run(['create', '--name', 'taken', 'busybox', 'true'])).stdout.trim();
    const second = await run(['create', '--name', 'taken', 'busybox', 'true']);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`The container name "/taken" is already in use by container "${first}"`);
    const bad = await run(['create', '--name', 'bad name!', 'busybox', 'true']);
    expect(bad.stderr).toMatch(/Invalid container name/);
    await run(['rm', 'taken']);
  });

  it('follows logs and waits for the exit code', async () => {
    const id = (await run(['run', '-d', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.2; done; exit 5'])).stdout.trim();
    const follow = await run(['logs', '-f', id]);
    expect(follow.stdout).toBe('line1\nline2\nline3\n');
    expect((await run(['wait', id])).stdout).toBe('5\n');
    expect((await run(['logs', '--tail', '1', id])).stdout).toBe('line3\n');
    await run(['rm', id]);
  });

  it('starts an existing container attached with start -a -i', async () => {
    await run(['create', '--name', 'later', '-i', 'busybox', 'sh', '-c', 'read x; echo got $x']);
    const r = await run(['start', '-a', '-i', 'later'], 'value\n');
    expect(r).toMatchObject({ code: 0, stdout: 'got value\n' });
    await run(['rm', 'later']);
  });

  it('attaches to a running container and exits with its code', async () => {
    await run(['run', '-d', '--name', 'att', 'busybox', 'sh', '-c', 'sleep 0.5; echo late-out; echo late-err >&2; exit 4']);
    const r = await run(['attach', 'att']);
    expect(r).toMatchObject({ code: 4, stdout: 'late-out\n', stderr: 'late-err\n' });
    await run(['rm', 'att']);
  });

  it('restarts, kills with a signal, renames, pauses and unpauses', async () => {
    await run(['run', '-d', '--name', 'life', 'busybox', 'sh', '-c', "trap 'echo usr1' USR1; while true; do sleep 0.1; done"]);
    expect((await run(['kill', '-s', 'USR1', 'life'])).code).toBe(0);
    await until(() => run(['logs', 'life']), (r) => r.stdout.includes('usr1'));
    expect((await run(['logs', 'life'])).stdout).toContain('usr1');

    expect((await run(['rename', 'life', 'life2'])).code).toBe(0);
    expect((await run(['pause', 'life2'])).code).toBe(0);
    expect((await run(['ps', '--filter', 'name=life2', '--format', '{{.Status}}'])).stdout).toMatch(/\(Paused\)/);
    expect((await run(['unpause', 'life2'])).code).toBe(0);

    const before = JSON.parse((await run(['inspect', 'life2'])).stdout)[0].State.Pid;
    expect((await run(['restart', '-t', '1', 'life2'])).code).toBe(0);
    const after = JSON.parse((await run(['inspect', 'life2'])).stdout)[0].State;
    expect(after.Running).toBe(true);
    expect(after.Pid).not.toBe(before);

    const top = await run(['top', 'life2']);
    expect(top.stdout).toMatch(/PID/);
    expect(top.stdout).toMatch(/while true|sh -c/);

    expect((await run(['kill', 'life2'])).code).toBe(0);
    expect((await run(['wait', 'life2'])).stdout).toBe('137\n');
    const killAgain = await run(['kill', 'life2']);
    expect(killAgain.stderr).toMatch(/is not running/);
    await run(['rm', 'life2']);
  });

  it('execs with exit codes, env, workdir, user and stdin', async () => {
    await run(['run', '-d', '--name', 'ex', 'busybox', 'sleep', '300']);
    const r = await run(['exec', 'ex', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(r).toMatchObject({ code: 7, stdout: 'out\n', stderr: 'err\n' });
    const env = await run(['exec', '-e', 'X=42', '-w', '/tmp', '-u', 'nobody', 'ex', 'sh', '-c', 'echo $X $(pwd) $(id -un)']);
    expect(env.stdout).toBe('42 /tmp nobody\n');
    const stdin = await run(['exec', '-i', 'ex', 'cat'], 'piped\n');
    expect(stdin.stdout).toBe('piped\n');
    const missing = await run(['exec', 'ex', 'nosuchcmd']);
    expect(missing.code).toBe(127);
    expect(missing.stdout).toMatch(/executable file not found/);
    await run(['rm', '-f', 'ex']);
    expect((await run(['exec', 'ex', 'true'])).stderr).toMatch(/No such container: ex/);
  });

  it('prunes stopped containers only', async () => {
    const stoppedId = (await run(['create', 'busybox', 'true'])).stdout.trim();
    const runningId = (await run(['run', '-d', 'busybox', 'sleep', '300'])).stdout.trim();
    const r = await run(['container', 'prune', '-f']);
    expect(r.stdout).toContain(stoppedId);
    expect(r.stdout).not.toContain(runningId);
    const left = (await run(['ps', '-aq', '--no-trunc'])).stdout;
    expect(left).toContain(runningId);
    expect(left).not.toContain(stoppedId);
    await run(['rm', '-f', runningId]);
  });

  it('lists the newest containers first with -n and rejects bad filters', async () => {
    const a = (await run(['create', 'busybox', 'true'])).stdout.trim();
    const b = (await run(['create', 'busybox', 'true'])).stdout.trim();
    expect((await run(['ps', '-a', '-n', '1', '-q', '--no-trunc'])).stdout.trim()).toBe(b);
    const bad = await run(['ps', '--filter', 'nonsense=1']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/invalid filter 'nonsense'/);
    await run(['rm', a, b]);
  });
});
