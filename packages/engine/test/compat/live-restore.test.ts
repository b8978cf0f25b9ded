import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
});
afterAll(() => d?.destroy());

const inspect = async (name: string) => JSON.parse((await docker(d, ['inspect', name])).stdout)[0];

describe('live restore', () => {
  it('keeps containers running across a SIGKILL of berthd and records exits that happened meanwhile', async () => {
    await docker(d, ['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.2; done']);
    await docker(d, ['run', '-d', '--name', 'short', 'busybox', 'sh', '-c', 'sleep 1; echo bye; exit 7']);
    await docker(d, ['create', '--name', 'idle', 'busybox', 'true']);
    const pid = (await inspect('ticker')).State.Pid;

    await d.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 2000));
    expect(() => process.kill(pid, 0)).not.toThrow();
    await d.launch();

    const ticker = await inspect('ticker');
    expect(ticker.State).toMatchObject({ Status: 'running', Running: true, Pid: pid });
    const short = await inspect('short');
    expect(short.State).toMatchObject({ Status: 'exited', ExitCode: 7 });
    expect((await docker(d, ['logs', 'short'])).stdout).toBe('bye\n');
    expect((await inspect('idle')).State.Status).toBe('created');

    const logs = (await docker(d, ['logs', 'ticker'])).stdout.split('\n').filter(Boolean);
    expect(logs.length).toBeGreaterThan(5);
    expect(logs.every((line, i) => line === `tick${i}`)).toBe(true);

    const waiting = docker(d, ['wait', 'ticker']);
    const following = docker(d, ['logs', '-f', '--tail', '1', 'ticker']);
    await new Promise((r) => setTimeout(r, 500));
    expect((await docker(d, ['kill', 'ticker'])).code).toBe(0);
    expect((await waiting).stdout).toBe('137\n');
    const followed = (await following).stdout;
    expect(followed).toMatch(/^tick\d+\n/);
    expect(followed.split('\n').filter(Boolean).length).toBeGreaterThan(1);
  });

  it('keeps serving after SIGTERM restarts with nothing lost', async () => {
    const id = (await docker(d, ['run', '-d', 'busybox', 'sleep', '300'])).stdout.trim();
    await d.kill('SIGTERM');
    await d.launch();
    expect((await docker(d, ['ps', '-q', '--no-trunc'])).stdout).toContain(id);
    expect((await docker(d, ['rm', '-f', id])).code).toBe(0);
  });

  it('leaves no mount of removed containers behind when stopped by SIGTERM right after the removal', async () => {
    const ids = (await Promise.all(Array.from({ length: 16 }, () => docker(d, ['create', 'busybox', 'true'])))).map((r) => r.stdout.trim());
    expect((await docker(d, ['rm', '-f', ...ids])).code).toBe(0);
    await d.kill('SIGTERM');
    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => ids.some((id) => l.includes(id)));
    expect(mounts).toEqual([]);
    await d.launch();
  });
});
