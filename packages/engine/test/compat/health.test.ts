import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
});
afterAll(() => d?.destroy());

const inspect = async (name: string) => JSON.parse((await docker(d, ['inspect', name])).stdout)[0];

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

const FAST = ['--health-interval', '300ms', '--health-retries', '2', '--health-timeout', '1s'];
const health = (name: string) => inspect(name).then((c) => c.State.Health);

describe('health checks', () => {
  it('turns healthy, then unhealthy after retries, with output kept and shown in ps and filters', async () => {
    await docker(d, ['run', '-d', '--name', 'hc', ...FAST, '--health-cmd', 'cat /tmp/ok', 'busybox', 'sh', '-c', 'echo fine > /tmp/ok; sleep 300']);
    const ok = await until('healthy', () => health('hc'), (h) => h?.Status === 'healthy');
    expect(ok.FailingStreak).toBe(0);
    expect(ok.Log.at(-1)).toMatchObject({ ExitCode: 0, Output: 'fine\n' });
    expect((await docker(d, ['ps', '--filter', 'name=hc', '--format', '{{.Status}}'])).stdout).toMatch(/^Up .* \(healthy\)\n$/);
    expect((await docker(d, ['ps', '-q', '--filter', 'health=healthy'])).stdout.trim()).not.toBe('');
    const events = await docker(d, ['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1),
      '--filter', 'container=hc', '--filter', 'event=health_status', '--format', '{{.Action}}']);
    expect(events.stdout).toBe('health_status: healthy\n');

    await docker(d, ['exec', 'hc', 'rm', '/tmp/ok']);
    const bad = await until('unhealthy', () => health('hc'), (h) => h?.Status === 'unhealthy');
    expect(bad.FailingStreak).toBeGreaterThanOrEqual(2);
    expect(bad.Log.length).toBeLessThanOrEqual(5);
    expect(bad.Log.at(-1).ExitCode).toBe(1);
    expect(bad.Log.at(-1).Output).toContain('No such file');
    expect((await docker(d, ['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}} {{.Status}}'])).stdout).toMatch(/^hc Up .* \(unhealthy\)\n$/);
    await docker(d, ['rm', '-f', 'hc']);
  });

  it('kills a probe past its timeout and counts it as a failure', async () => {
    await docker(d, ['run', '-d', '--name', 'slow', '--health-interval', '200ms', '--health-timeout', '300ms', '--health-retries', '1',
      '--health-cmd', 'sleep 5', 'busybox', 'sleep', '300']);
    const h = await until('slow unhealthy', () => health('slow'), (x) => x?.Status === 'unhealthy');
    expect(h.Log[0]).toMatchObject({ ExitCode: -1, Output: 'Health check exceeded timeout (0.3s)' });
    await docker(d, ['rm', '-f', 'slow']);
  });

  it('ignores failures inside the start period and has no health with --no-healthcheck', async () => {
    await docker(d, ['run', '-d', '--name', 'grace', ...FAST, '--health-start-period', '60s', '--health-start-interval', '200ms',
      '--health-cmd', 'false', 'busybox', 'sleep', '300']);
    const h = await until('probed', () => health('grace'), (x) => x?.Log.length >= 3);
    expect(h).toMatchObject({ Status: 'starting', FailingStreak: 0 });
    expect((await docker(d, ['ps', '--filter', 'name=grace', '--format', '{{.Status}}'])).stdout).toContain('(health: starting)');
    await docker(d, ['run', '-d', '--name', 'none', '--no-healthcheck', 'busybox', 'sleep', '300']);
    expect((await inspect('none')).State.Health).toBeUndefined();
    await docker(d, ['rm', '-f', 'grace', 'none']);
  });

  it('stops probing when the container stops and resumes after a daemon restart', async () => {
    await docker(d, ['run', '-d', '--name', 'live', ...FAST, '--health-cmd', 'true', 'busybox', 'sleep', '300']);
    await until('healthy', () => health('live'), (h) => h?.Status === 'healthy');
    await d.kill('SIGKILL');
    await d.launch();
    const before = (await health('live')).Log.at(-1).Start;
    await until('probing again', () => health('live'), (h) => h.Log.at(-1).Start !== before);
    await docker(d, ['pause', 'live']);
    await docker(d, ['unpause', 'live']);
    const unpaused = Date.now();
    await until('probing after unpause', () => health('live'), (h) => Date.parse(h.Log.at(-1).Start) > unpaused);
    await docker(d, ['stop', '-t', '0', 'live']);
    const stopped = (await health('live')).Log.at(-1).Start;
    await until('no probe after stop', () => inspect('live'), (c) => Date.now() - Date.parse(c.State.FinishedAt) > 1000);
    expect((await health('live')).Log.at(-1).Start).toBe(stopped);
  }, 40_000);
});

describe('health checks from the image', () => {
  it('runs the HEALTHCHECK of a built image and refuses a bad health filter', async () => {
    const ctx = await import('node:fs/promises').then((fs) => fs.mkdtemp('/tmp/hc-'));
    await import('node:fs/promises').then((fs) => fs.writeFile(`${ctx}/Dockerfile`,
      'FROM busybox\nHEALTHCHECK --interval=200ms --retries=1 CMD ["sh", "-c", "echo from-image; exit 0"]\nCMD ["sleep", "300"]\n'));
    expect((await docker(d, ['build', '-q', '-t', 'hc-image', ctx])).code).toBe(0);
    await docker(d, ['run', '-d', '--name', 'img', 'hc-image']);
    const h = await until('healthy', () => health('img'), (x) => x?.Status === 'healthy');
    expect(h.Log[0].Output).toBe('from-image\n');
    const bad = await docker(d, ['ps', '--filter', 'health=sick']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('health=sick');
    await docker(d, ['rm', '-f', 'img']);
    await import('node:fs/promises').then((fs) => fs.rm(ctx, { recursive: true, force: true }));
  });
});
