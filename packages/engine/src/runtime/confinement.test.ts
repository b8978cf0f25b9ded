import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilityMask } from './capabilities.js';
import { hostInfo } from './host-info.js';
import { TestRuntime } from './test-fixture.js';

/** Field `name` of a /proc/PID/status text. */
function field(status: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim();
}

describe('container confinement (real runc)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await TestRuntime.create();
  });
  afterAll(async () => {
    await rt.cleanup();
  });

  it('gives pid 1 Docker\'s capabilities, no inheritable set, and a seccomp filter', async () => {
    const { stdout, code } = await rt.run({ args: ['cat', '/proc/1/status'] });
    expect(code).toBe(0);
    expect(field(stdout, 'CapEff')).toBe('00000000a80425fb');
    expect(field(stdout, 'CapPrm')).toBe('00000000a80425fb');
    expect(field(stdout, 'CapBnd')).toBe('00000000a80425fb');
    expect(field(stdout, 'CapInh')).toBe('0000000000000000');
    expect(field(stdout, 'NoNewPrivs')).toBe('0');
    expect(field(stdout, 'Seccomp')).toBe('2');
  });

  it('masks kernel files and keeps /proc/sys and /sys read-only', async () => {
    const script = [
      'for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do echo "$f:$(cat $f 2>/dev/null | head -c 64 | wc -c)"; done',
      'echo "firmware:$(ls -A /sys/firmware | wc -l)"',
      'echo "acpi:$(ls -A /proc/acpi 2>/dev/null | wc -l)"',
      'echo 1 > /proc/sys/kernel/ns_last_pid 2>/dev/null && echo sys-writable || echo sys-readonly',
      'echo h > /proc/sysrq-trigger 2>/dev/null && echo sysrq-writable || echo sysrq-readonly',
      'touch /sys/kernel/x 2>/dev/null && echo sysfs-writable || echo sysfs-readonly',
    ].join('; ');
    const { stdout, code } = await rt.run({ args: ['sh', '-c', script] });
    expect(code).toBe(0);
    for (const f of ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/proc/sched_debug']) {
      expect(stdout).toContain(`${f}:0\n`);
    }
    expect(stdout).toContain('firmware:0\n');
    expect(stdout).toContain('acpi:0\n');
    expect(stdout).toContain('sys-readonly\n');
    expect(stdout).toContain('sysrq-readonly\n');
    expect(stdout).toContain('sysfs-readonly\n');
  });

  it('denies namespace creation and mount without CAP_SYS_ADMIN, with EPERM', async () => {
    const { stdout } = await rt.run({
      args: ['sh', '-c', 'busybox unshare -n true 2>&1 || echo unshare-failed; busybox mount -t tmpfs t /tmp 2>&1 || echo mount-failed'],
    });
    expect(stdout).toContain('unshare-failed');
    expect(stdout).toContain('mount-failed');
    expect(stdout).toContain('unshare(0x40000000): Operation not permitted');
    expect(stdout).toContain('mount: permission denied');
  });

  it('applies user, supplementary groups, cwd, hostname, env and the nofile limit', async () => {
    const { stdout } = await rt.run({
      args: ['sh', '-c', 'id; pwd; cat /proc/sys/kernel/hostname; echo "FOO=$FOO"; echo "PATH=$PATH"; ulimit -n; ulimit -Hn'],
      user: { uid: 1000, gid: 1000, additionalGids: [10, 50] },
      cwd: '/tmp',
      hostname: 'berthbox',
      env: ['FOO=bar'],
    });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('uid=1000(alice) gid=1000(alice) groups=10(wheel),50(staff)');
    expect(lines.slice(1, 4)).toEqual(['/tmp', 'berthbox', 'FOO=bar']);
    expect(lines[4]).toBe('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(lines[5]).toBe('1024');
    expect(Number(lines[6])).toBe(hostInfo().nofileHard);
  });

  it('runs --privileged with exactly the daemon\'s bounding set and no seccomp', async () => {
    const own = field(readFileSync('/proc/self/status', 'utf8'), 'CapBnd');
    const { stdout, code } = await rt.run({
      args: ['sh', '-c', 'cat /proc/1/status; touch /sys/kernel/x 2>/dev/null; mount -t tmpfs t /tmp && echo mounted'],
      privileged: true,
    });
    expect(code).toBe(0);
    expect(field(stdout, 'CapEff')).toBe(own);
    expect(field(stdout, 'CapEff')).toBe(capabilityMask(hostInfo().capBounding));
    expect(field(stdout, 'Seccomp')).toBe('0');
    expect(stdout).toContain('mounted');
  });

  it('runs tini as pid 1 with --init', async () => {
    const { stdout, code } = await rt.run({ args: ['sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; echo; exit 5'], init: '/usr/bin/tini-static' });
    expect(stdout).toMatch(/^\/sbin\/docker-init -- sh -c/);
    expect(code).toBe(5);
  });
});
