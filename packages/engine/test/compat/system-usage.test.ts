import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';

let d: TestDaemon;
const run = (args: string[]) => docker(d, args);

beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
}, 60_000);
afterAll(() => d?.destroy());

describe('docker top', () => {
  it('runs ps with the options given, narrowed to the container, and reports errors like dockerd', async () => {
    await run(['run', '-d', '--name', 'top-c', 'busybox', 'sh', '-c', 'sleep 600 & exec sleep 601']);
    const aux = await run(['top', 'top-c', 'aux']);
    expect(aux.code, aux.stderr).toBe(0);
    expect(aux.stdout.split('\n')[0]).toMatch(/^USER\s+PID\s+%CPU\s+%MEM/);
    expect(aux.stdout).toContain('sleep 601');
    expect(aux.stdout).toContain('sleep 600');
    expect(aux.stdout).not.toContain('vitest');
    const custom = await run(['top', 'top-c', '-o', 'pid,comm']);
    expect(custom.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)[1])).toEqual(['COMMAND', 'sleep', 'sleep']);
    expect((await run(['top', 'top-c', '-o', 'comm'])).stderr).toContain("Couldn't find PID field in ps output");
    expect((await run(['top', 'top-c', '--no-such-option'])).stderr).toMatch(/Error response from daemon: ps: .*option/);
    await run(['create', '--name', 'top-stopped', 'busybox', 'true']);
    expect((await run(['top', 'top-stopped'])).stderr).toMatch(/is not running/);
    await run(['rm', '-f', 'top-c', 'top-stopped']);
  });
});

describe('docker system df -v and system prune', () => {
  it('details images, containers and volumes, then prune reclaims them and says how much', async () => {
    expect((await run(['volume', 'create', 'df-named'])).code).toBe(0);
    const writer = await run(['run', '--name', 'df-writer', '-v', 'df-named:/data', '-v', '/anon', '--label', 'tier=temp', 'busybox', 'sh', '-c',
      'dd if=/dev/zero of=/big bs=1k count=2048 2>/dev/null; dd if=/dev/zero of=/data/v bs=1k count=512 2>/dev/null; dd if=/dev/zero of=/anon/a bs=1k count=256 2>/dev/null']);
    expect(writer.code, writer.stderr).toBe(0);
    await run(['create', '--name', 'df-keep', '--label', 'tier=keep', 'busybox', 'true']);
    await run(['network', 'create', 'df-net']);
    await run(['tag', 'busybox', 'df-extra:1']);

    const df = await run(['system', 'df', '-v']);
    expect(df.code, df.stderr).toBe(0);
    expect(df.stdout).toMatch(/^busybox\s+latest\s+[0-9a-f]{12}\s.*\s2\n/m); // used by two containers
    expect(df.stdout).toMatch(/"sh -c 'dd if=\/dev.*"\s+2\s+2\.\d+MB\s.*df-writer\n/); // two volumes, 2 MiB written
    expect(df.stdout).toMatch(/^df-named\s+1\s+524\.3kB$/m);
    expect(df.stdout).toMatch(/^[0-9a-f]{64}\s+1\s+262\.1kB$/m);
    const json = JSON.parse((await run(['system', 'df', '--format', '{{json .}}'])).stdout.split('\n')[1]!);
    expect(json).toMatchObject({ Type: 'Containers', TotalCount: '2', Active: '0' });

    // Labels select what goes: the container labelled keep stays.
    const byLabel = await run(['system', 'prune', '-f', '--filter', 'label=tier=temp']);
    expect(byLabel.code, byLabel.stderr).toBe(0);
    expect(byLabel.stdout).toMatch(/Deleted Containers:\n[0-9a-f]{64}\n/);
    expect(byLabel.stdout).toMatch(/Total reclaimed space: 2\.\d+MB/);
    expect((await run(['ps', '-a', '--format', '{{.Names}}'])).stdout.trim()).toBe('df-keep');

    // Nothing is older than an hour, so until=1h removes nothing.
    const recent = await run(['system', 'prune', '-f', '--filter', 'until=1h']);
    expect(recent.stdout.trim()).toBe('Total reclaimed space: 0B');

    const all = await run(['system', 'prune', '-a', '-f', '--volumes']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('Deleted Containers:');
    expect(all.stdout).toContain('Deleted Networks:\ndf-net');
    expect(all.stdout).toMatch(/Deleted Volumes:\n[0-9a-f]{64}\n/); // the anonymous one; named volumes stay without --all
    expect(all.stdout).toContain('untagged: df-extra:1');
    expect(all.stdout).toMatch(/Total reclaimed space: [1-9]/);
    expect((await run(['volume', 'ls', '-q'])).stdout.trim()).toBe('df-named');
    expect((await run(['images', '-q'])).stdout.trim()).toBe('');
  });
});
