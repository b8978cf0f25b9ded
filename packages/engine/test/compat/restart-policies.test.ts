import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
});
afterAll(() => d?.destroy());

const POLICIES = ['no', 'always', 'on-failure', 'unless-stopped'] as const;
/** Exits 3 on its first run only; later runs keep running, so a restart is visible and stable. */
const ONCE = 'if [ -e /ran ]; then exec sleep 300; fi; touch /ran; sleep 1.5; exit 3';

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

/** Pids of the conmon processes of this daemon (their command lines name its exec root). */
function conmonPids(): number[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmd.includes('conmon') && cmd.includes(d.root);
    } catch {
      return false;
    }
  });
}

async function matrix(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const tag = signal.toLowerCase();
  const pids: Record<string, number> = {};
  for (const p of POLICIES) {
    await docker(d, ['run', '-d', '--name', `run-${p}-${tag}`, '--restart', p, 'busybox', 'sleep', '300']);
    pids[p] = (await inspect(`run-${p}-${tag}`)).State.Pid;
    await docker(d, ['run', '-d', '--name', `exit-${p}-${tag}`, '--restart', p, 'busybox', 'sh', '-c', ONCE]);
  }
  // Writes numbered lines continuously, also while the daemon is away.
  const writer = `seq-${tag}`;
  await docker(d, ['run', '-d', '--name', writer, 'busybox', 'sh', '-c', 'i=0; while true; do echo $i; i=$((i+1)); [ $((i % 50)) = 0 ] && sleep 0.01; done']);
  await d.kill(signal);
  // Every "exit-" container ends while the daemon is away.
  await new Promise((r) => setTimeout(r, 2500));
  await d.launch();
  for (const p of POLICIES) {
    const running = await inspect(`run-${p}-${tag}`);
    expect(running.State).toMatchObject({ Status: 'running', Pid: pids[p] });
    expect(running.RestartCount).toBe(0);
    const exited = `exit-${p}-${tag}`;
    if (p === 'no') {
      const s = await inspect(exited);
      expect(s.State).toMatchObject({ Status: 'exited', ExitCode: 3, Restarting: false });
      expect(s.RestartCount).toBe(0);
    } else {
      const s = await until(exited, () => inspect(exited), (c) => c.State.Status === 'running');
      expect(s.RestartCount).toBe(1);
      expect(s.State.ExitCode).toBe(0);
    }
  }
  const writerPid = (await inspect(writer)).State.Pid;
  await docker(d, ['stop', '-t', '0', writer]);
  expect(fs.existsSync(`/proc/${writerPid}`)).toBe(false);
  const lines = (await docker(d, ['logs', writer])).stdout.split('\n').filter(Boolean);
  // Several seconds of writing, every number present once and in order: nothing blocked or lost.
  expect(lines.length).toBeGreaterThan(2000);
  expect(lines.every((line, i) => line === String(i))).toBe(true);
}

describe('restart policies', () => {
  it('refuses --restart with --rm', async () => {
    const r = await docker(d, ['run', '--rm', '--restart', 'always', 'busybox', 'true']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('conflicting options');
  });

  it('restarts on exit per policy, counts restarts and respects a retry budget', async () => {
    await docker(d, ['run', '-d', '--name', 'budget', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 5']);
    await docker(d, ['run', '-d', '--name', 'clean', '--restart', 'on-failure', 'busybox', 'true']);
    await docker(d, ['run', '-d', '--name', 'flappy', '--restart', 'always', 'busybox', 'sh', '-c', ONCE]);
    const budget = await until('budget', () => inspect('budget'), (c) => c.RestartCount === 2 && c.State.Status === 'exited');
    expect(budget.State.ExitCode).toBe(5);
    const flappy = await until('flappy', () => inspect('flappy'), (c) => c.RestartCount === 1 && c.State.Status === 'running');
    expect(flappy.State.Restarting).toBe(false);
    const events = await docker(d, ['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1),
      '--filter', 'container=flappy', '--filter', 'event=restart', '--format', '{{.Action}}']);
    expect(events.stdout).toBe('restart\n');
    const clean = await inspect('clean');
    expect(clean.State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    expect(clean.RestartCount).toBe(0);
    // Still exited well after the back-off would have fired.
    await until('budget settled', () => inspect('budget'), (c) => Date.now() - Date.parse(c.State.FinishedAt) > 1000);
    expect((await inspect('budget')).RestartCount).toBe(2);
  });

  it('does not restart containers the user stopped; unless-stopped stays down across a daemon restart, always comes back', async () => {
    await docker(d, ['run', '-d', '--name', 'us-stopped', '--restart', 'unless-stopped', 'busybox', 'sleep', '300']);
    await docker(d, ['run', '-d', '--name', 'al-stopped', '--restart', 'always', 'busybox', 'sleep', '300']);
    expect((await docker(d, ['stop', '-t', '0', 'us-stopped'])).code).toBe(0);
    expect((await docker(d, ['kill', 'al-stopped'])).code).toBe(0);
    await until('al-stopped', () => inspect('al-stopped'), (c) => c.State.Status === 'exited');
    await until('kill settled', () => inspect('al-stopped'), (c) => Date.now() - Date.parse(c.State.FinishedAt) > 500);
    expect((await inspect('al-stopped')).State.Status).toBe('exited');
    expect((await inspect('us-stopped')).State.Status).toBe('exited');
    await d.kill('SIGTERM');
    await d.launch();
    await until('al-stopped after restart', () => inspect('al-stopped'), (c) => c.State.Status === 'running');
    expect((await inspect('us-stopped')).State.Status).toBe('exited');
  });

  it('keeps or brings back containers per policy across a graceful daemon stop', () => matrix('SIGTERM'), 60_000);
  it('keeps or brings back containers per policy across a SIGKILL of the daemon', () => matrix('SIGKILL'), 60_000);

  it('after a reboot (containers gone, exec root emptied) starts always and unless-stopped only', async () => {
    const ids = (await docker(d, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await docker(d, ['rm', '-f', ...ids]);
    const pids: number[] = [];
    for (const p of POLICIES) {
      await docker(d, ['run', '-d', '--name', `boot-${p}`, '--restart', p, 'busybox', 'sleep', '300']);
      pids.push((await inspect(`boot-${p}`)).State.Pid);
    }
    await d.kill('SIGTERM');
    for (const pid of [...conmonPids(), ...pids]) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    await until('containers gone', async () => pids.filter((pid) => fs.existsSync(`/proc/${pid}`)).length, (n) => n === 0);
    await fsp.rm(d.execRoot, { recursive: true, force: true });
    await d.launch();
    for (const p of ['always', 'unless-stopped']) {
      const c = await until(p, () => inspect(`boot-${p}`), (x) => x.State.Status === 'running');
      expect(c.RestartCount).toBe(1);
    }
    for (const p of ['no', 'on-failure']) expect((await inspect(`boot-${p}`)).State.Status).toBe('exited');
  }, 60_000);
});
