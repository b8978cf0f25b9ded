import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox } from '../support/berthd.js';

let d: TestDaemon;
beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
});
afterAll(() => d?.destroy());

const sh = (script: string, extra: string[] = []) => docker(d, ['run', '--rm', ...extra, 'busybox', 'sh', '-c', script]);

describe('containers run with Docker default confinement', () => {
  it('has the default capabilities, no inheritable ones, and seccomp filtering', async () => {
    const status = (await sh('cat /proc/1/status')).stdout;
    expect(status).toMatch(/^CapEff:\s+00000000a80425fb$/m);
    expect(status).toMatch(/^CapInh:\s+0000000000000000$/m);
    expect(status).toMatch(/^Seccomp:\s+2$/m);
  });

  it('masks sensitive /proc paths and keeps /proc/sys and /sys read-only', async () => {
    const r = await sh('cat /proc/keys | wc -c; cat /proc/timer_list | wc -c; echo x > /proc/sys/kernel/domainname && echo wrote-sys; echo x > /proc/sysrq-trigger && echo wrote-sysrq; touch /sys/x && echo wrote-sysfs; echo done');
    expect(r.stdout).toMatch(/^0\n0\n/);
    expect(r.stdout).not.toMatch(/wrote-/);
    expect(r.stdout).toMatch(/done\n$/);
  });

  it('runs in its own pid, uts and mount namespaces', async () => {
    const r = await sh('echo $$; hostname', ['--hostname', 'inside']);
    expect(r.stdout).toBe('1\ninside\n');
  });

  it('refuses a working directory under /proc (CVE-2024-21626)', async () => {
    const r = await docker(d, ['run', '--rm', '-w', '/proc/self/fd/7', 'busybox', 'true']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/\/proc/);
  });

  it('grants --privileged only what the daemon holds', async () => {
    const r = await sh('grep CapEff /proc/1/status', ['--privileged']);
    expect(r.code).toBe(0);
    const own = (await import('node:fs')).readFileSync('/proc/self/status', 'utf8').match(/^CapBnd:\s+(\w+)$/m)![1];
    expect(r.stdout.trim()).toBe(`CapEff:\t${own}`);
  });
});
