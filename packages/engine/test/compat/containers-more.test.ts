import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
});
afterAll(() => d?.destroy());

const run = (args: string[]) => docker(d, args);
const lines = (text: string) => text.split('\n').filter(Boolean);
const inspect = async (ref: string) => JSON.parse((await run(['inspect', ref])).stdout)[0];
const ZERO_TIME = '0001-01-01T00:00:00Z';

describe('docker ps filters and formats', () => {
  let running: string;
  let exited: string;
  let created: string;
  let busyboxId: string;

  beforeAll(async () => {
    running = (await run(['run', '-d', '--name', 'ps-run', '-l', 'tier=web', '-l', 'role=front', 'busybox', 'sleep', '300'])).stdout.trim();
    // Attached run returns once the container has exited.
    const ex = await run(['run', '--name', 'ps-exit', '-l', 'tier=db', 'busybox', 'sh', '-c', 'exit 2']);
    expect(ex.code).toBe(2);
    exited = (await inspect('ps-exit')).Id;
    created = (await run(['create', '--name', 'ps-new', 'busybox', 'true'])).stdout.trim();
    busyboxId = (await run(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])).stdout.trim();
  });
  afterAll(() => run(['rm', '-f', 'ps-run', 'ps-exit', 'ps-new']));

  const ids = async (...args: string[]) => lines((await run(['ps', '-a', '-q', '--no-trunc', ...args])).stdout).sort();

  it('filters by status= and exited=', async () => {
    expect(await ids('--filter', 'status=exited')).toEqual([exited]);
    expect(await ids('--filter', 'status=created')).toEqual([created]);
    expect(await ids('--filter', 'status=running')).toEqual([running]);
    expect(await ids('--filter', 'status=exited', '--filter', 'status=created')).toEqual([exited, created].sort());
    expect(await ids('--filter', 'exited=2')).toEqual([exited]);
    expect(await ids('--filter', 'exited=0')).toEqual([]);
    const bad = await run(['ps', '--filter', 'status=sleepy']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid filter 'status=sleepy'/);
  });

  it('filters by name=, label=, id= and ancestor=', async () => {
    expect(await ids('--filter', 'name=ps-exit')).toEqual([exited]);
    expect(await ids('--filter', 'name=ps-')).toEqual([running, exited, created].sort());
    expect(await ids('--filter', 'name=^/ps-new$')).toEqual([created]);
    expect(await ids('--filter', 'label=tier=web')).toEqual([running]);
    expect(await ids('--filter', 'label=tier=db')).toEqual([exited]);
    expect(await ids('--filter', 'label=tier')).toEqual([running, exited].sort());
    expect(await ids('--filter', 'label=tier=none')).toEqual([]);
    // Every label filter must match (dockerd's MatchKVList), unlike name= or status= where any may.
    expect(await ids('--filter', 'label=tier', '--filter', 'label=role')).toEqual([running]);
    expect(await ids('--filter', 'label=tier=db', '--filter', 'label=role')).toEqual([]);
    expect(await ids('--filter', `id=${exited.slice(0, 10)}`)).toEqual([exited]);
    expect(await ids('--filter', 'ancestor=busybox')).toEqual([running, exited, created].sort());
    expect(await ids('--filter', 'ancestor=busybox:latest')).toEqual([running, exited, created].sort());
    expect(await ids('--filter', `ancestor=${busyboxId.slice(7, 19)}`)).toEqual([running, exited, created].sort());
    // dockerd skips an ancestor it cannot find, so nothing matches and it is not an error.
    const unknown = await run(['ps', '-a', '-q', '--filter', 'ancestor=no-such-image']);
    expect(unknown).toMatchObject({ code: 0, stdout: '' });
    // Filters on different keys must all match.
    expect(await ids('--filter', 'label=tier', '--filter', 'status=running')).toEqual([running]);
  });

  it('prints 12-hex IDs with -q, only running ones without -a, and the whole ID with --no-trunc', async () => {
    expect(lines((await run(['ps', '-q'])).stdout)).toEqual([running.slice(0, 12)]);
    expect(lines((await run(['ps', '-aq'])).stdout).sort()).toEqual([running, exited, created].map((id) => id.slice(0, 12)).sort());

    const table = await run(['ps', '--filter', 'name=ps-run']);
    const [header, row] = lines(table.stdout);
    expect(header).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    expect(row).toMatch(new RegExp(`^${running.slice(0, 12)}\\s+busybox\\s+"sleep 300"\\s+.+ ago\\s+Up .+\\s+ps-run$`));

    const full = await run(['ps', '--no-trunc', '--filter', 'name=ps-run']);
    expect(lines(full.stdout)[1]).toMatch(new RegExp(`^${running}\\s+busybox\\s+"sleep 300"\\s`));
    expect(running).toMatch(/^[0-9a-f]{64}$/);
    const exitedRow = lines((await run(['ps', '-a', '--filter', 'name=ps-exit'])).stdout)[1];
    expect(exitedRow).toMatch(/\s+Exited \(2\) .+ ago\s+ps-exit$/);
  });
});

describe('docker ps image column', () => {
  it('shows the image ID once the reference no longer names the container image, as dockerd does', async () => {
    const busyboxId = (await run(['image', 'inspect', '-f', '{{.Id}}', 'busybox'])).stdout.trim();
    expect((await run(['tag', 'busybox', 'ps-img:1'])).code).toBe(0);
    const id = (await run(['create', 'ps-img:1', 'true'])).stdout.trim();
    const image = async (...flags: string[]) => (await run(['ps', '-a', ...flags, '--filter', `id=${id}`, '--format', '{{.Image}}'])).stdout;
    expect(await image()).toBe('ps-img:1\n');
    // busybox still tags the image, so this untags without -f.
    expect(await run(['rmi', 'ps-img:1'])).toMatchObject({ code: 0, stdout: 'Untagged: ps-img:1\n' });
    expect(await image()).toBe(`${busyboxId.slice(7, 19)}\n`);
    expect(await image('--no-trunc')).toBe(`${busyboxId}\n`);
    // inspect keeps the reference the container was created from.
    expect((await inspect(id)).Config.Image).toBe('ps-img:1');
    await run(['rm', id]);
  });
});

describe('docker logs', () => {
  it('--tail N counts lines across stdout and stderr', async () => {
    const id = (await run(['run', '-d', 'busybox', 'sh', '-c', 'echo one; echo two; echo three >&2; echo four'])).stdout.trim();
    expect((await run(['wait', id])).stdout).toBe('0\n');
    const tail = await run(['logs', '--tail', '2', id]);
    expect(tail).toMatchObject({ code: 0, stdout: 'four\n', stderr: 'three\n' });
    expect((await run(['logs', '--tail', '0', id])).stdout).toBe('');
    expect((await run(['logs', '--tail', '10', id])).stdout).toBe('one\ntwo\nfour\n');
    await run(['rm', id]);
  });

  it('prints RFC3339Nano timestamps with -t, and --since/--until cut at a time between two lines', async () => {
    const id = (await run(['run', '-d', 'busybox', 'sh', '-c', 'echo a; sleep 2; echo b'])).stdout.trim();
    expect((await run(['wait', id])).stdout).toBe('0\n');
    const stamped = await run(['logs', '-t', id]);
    const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) a\n(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) b\n$/.exec(stamped.stdout);
    expect(match, stamped.stdout).not.toBeNull();
    const [, first, second] = match!;
    expect(Date.parse(second!) - Date.parse(first!)).toBeGreaterThanOrEqual(1500);
    const between = new Date((Date.parse(first!) + Date.parse(second!)) / 2).toISOString();

    expect((await run(['logs', '--since', between, id])).stdout).toBe('b\n');
    expect((await run(['logs', '--until', between, id])).stdout).toBe('a\n');
    // Both ends are inclusive, to the nanosecond, as with dockerd.
    expect((await run(['logs', '--since', second!, id])).stdout).toBe('b\n');
    expect((await run(['logs', '--until', first!, id])).stdout).toBe('a\n');
    expect((await run(['logs', '-t', '--since', between, id])).stdout).toBe(`${second} b\n`);
    await run(['rm', id]);
  });
});

describe('docker top, rm -v and inspect', () => {
  it('docker top shows the container processes with PID and CMD columns', async () => {
    const id = (await run(['run', '-d', 'busybox', 'sleep', '300'])).stdout.trim();
    const pid = (await inspect(id)).State.Pid;
    const top = await run(['top', id]);
    expect(top.code).toBe(0);
    const [header, ...rows] = lines(top.stdout);
    const titles = header!.trim().split(/\s+/);
    expect(titles).toEqual(expect.arrayContaining(['PID', 'CMD']));
    expect(titles[titles.length - 1]).toBe('CMD');
    expect(rows).toHaveLength(1);
    const fields = rows[0]!.trim().split(/\s+/);
    expect(Number(fields[titles.indexOf('PID')])).toBe(pid);
    expect(rows[0]).toMatch(/sleep 300$/);

    const custom = await run(['top', id, '-o', 'pid,comm']);
    expect(lines(custom.stdout).map((l) => l.trim().split(/\s+/))).toEqual([['PID', 'COMMAND'], [String(pid), 'sleep']]);

    await run(['rm', '-f', id]);
    const gone = await run(['top', id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/No such container/);
  });

  it('docker top refuses a stopped container', async () => {
    const id = (await run(['create', 'busybox', 'true'])).stdout.trim();
    const r = await run(['top', id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`Container ${id} is not running`));
    await run(['rm', id]);
  });

  it('docker rm -v removes a stopped container', async () => {
    await run(['create', '--name', 'rm-v', 'busybox', 'true']);
    expect(await run(['rm', '-v', 'rm-v'])).toMatchObject({ code: 0, stdout: 'rm-v\n' });
    expect((await run(['ps', '-a', '-q', '--filter', 'name=rm-v'])).stdout).toBe('');
    await run(['run', '-d', '--name', 'rm-fv', 'busybox', 'sleep', '300']);
    expect(await run(['rm', '-fv', 'rm-fv'])).toMatchObject({ code: 0, stdout: 'rm-fv\n' });
  });

  it('docker inspect shows State, Config, HostConfig and Mounts through the lifecycle', async () => {
    const script = 'while [ ! -e /tmp/go ]; do sleep 0.05; done; exit 3';
    await run(['create', '--name', 'insp', '-l', 'k=v', '-e', 'X=1', 'busybox', 'sh', '-c', script]);
    const fresh = await inspect('insp');
    expect(fresh.State).toMatchObject({ Status: 'created', Running: false, Paused: false, ExitCode: 0, Pid: 0, StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME });
    expect(fresh.Config).toMatchObject({ Image: 'busybox', Cmd: ['sh', '-c', script], Labels: { k: 'v' } });
    expect(fresh.Config.Env).toContain('X=1');
    expect(fresh.HostConfig).toMatchObject({ AutoRemove: false, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } });
    expect(fresh.Mounts).toEqual([]);
    expect(fresh.Path).toBe('sh');
    expect(fresh.Args).toEqual(['-c', script]);
    expect(fresh.Image).toMatch(/^sha256:[0-9a-f]{64}$/);

    const before = Date.now();
    expect((await run(['start', 'insp'])).code).toBe(0);
    const live = await inspect('insp');
    expect(live.State).toMatchObject({ Status: 'running', Running: true, ExitCode: 0, FinishedAt: ZERO_TIME });
    expect(live.State.Pid).toBeGreaterThan(0);
    expect(Date.parse(live.State.StartedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(live.State.StartedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);

    expect((await run(['exec', 'insp', 'touch', '/tmp/go'])).code).toBe(0);
    expect((await run(['wait', 'insp'])).stdout).toBe('3\n');
    const done = await inspect('insp');
    expect(done.State).toMatchObject({ Status: 'exited', Running: false, ExitCode: 3, Pid: 0, StartedAt: live.State.StartedAt });
    expect(Date.parse(done.State.FinishedAt)).toBeGreaterThanOrEqual(Date.parse(live.State.StartedAt));
    expect(done.Mounts).toEqual([]);
    await run(['rm', 'insp']);
  });
});

describe('bad input gets Docker errors and the daemon keeps serving', () => {
  const stillServing = async () => expect((await run(['version', '--format', '{{.Server.Version}}'])).code).toBe(0);
  const NAME_RULE = 'Invalid container name (bad/name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed';

  it('refuses an invalid container name, naming it', async () => {
    const before = (await run(['ps', '-aq'])).stdout;
    // `docker create` exits 1 on a daemon error; `docker run` turns any create failure into 125.
    const created = await run(['create', '--name', 'bad/name', 'busybox']);
    expect(created.code).toBe(1);
    expect(created.stderr).toContain(NAME_RULE);
    const ran = await run(['run', '--name', 'bad/name', 'busybox', 'true']);
    expect(ran.code).toBe(125);
    expect(ran.stderr).toContain(NAME_RULE);
    expect((await run(['ps', '-aq'])).stdout).toBe(before);
    await stillServing();
  });

  it('refuses to remove a running container without -f', async () => {
    const id = (await run(['run', '-d', '--name', 'busy', 'busybox', 'sleep', '300'])).stdout.trim();
    const r = await run(['rm', 'busy']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`You cannot remove a running container ${id}. Stop the container before attempting removal or force remove`);
    expect((await inspect('busy')).State.Running).toBe(true);
    await stillServing();
    expect(await run(['rm', '-f', 'busy'])).toMatchObject({ code: 0, stdout: 'busy\n' });
  });

  it('docker run of a missing image exits 125 after "Unable to find image"; --pull never says "No such image"', async () => {
    const before = (await run(['ps', '-aq'])).stdout;
    const r = await run(['run', '--rm', 'no-such-image:9']);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain("Unable to find image 'no-such-image:9' locally");
    const never = await run(['run', '--rm', '--pull', 'never', 'no-such-image:9']);
    expect(never.code).toBe(125);
    expect(never.stderr).toContain('No such image: no-such-image:9');
    expect((await run(['ps', '-aq'])).stdout).toBe(before);
    await stillServing();
  });
});

describe('docker container prune filters', () => {
  it('needs every label= to match, keeps what label!= names, and rejects unknown filters', async () => {
    const create = async (...labels: string[]) =>
      (await run(['create', ...labels.flatMap((l) => ['-l', l]), 'busybox', 'true'])).stdout.trim();
    const keep = await create('prune=keep');
    const both = await create('prune=go', 'tier=x');
    const one = await create('prune=go');
    const stopped = async () => (await run(['ps', '-a', '-q', '--no-trunc'])).stdout;

    const bad = await run(['container', 'prune', '-f', '--filter', 'nonsense=1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid filter 'nonsense'/);
    expect(await stopped()).toContain(one);

    const r = await run(['container', 'prune', '-f', '--filter', 'label=prune=go', '--filter', 'label=tier=x']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(both);
    expect(r.stdout).not.toContain(one);

    const negated = await run(['container', 'prune', '-f', '--filter', 'label!=prune=keep']);
    expect(negated.code, negated.stderr).toBe(0);
    expect(negated.stdout).toContain(one);
    expect(negated.stdout).not.toContain(keep);
    const left = await stopped();
    expect(left).toContain(keep);
    expect(left).not.toContain(one);
    await run(['rm', keep]);
  });
});
