import { describe, expect, it } from 'vitest';
import { capabilitiesFromMask, capabilityMask, CAPABILITY_NAMES } from './capabilities.js';
import { parseHostInfo, type HostInfo } from './host-info.js';
import { buildSpec, MASKED_PATHS, READONLY_PATHS, type SpecInput } from './spec.js';

/** These machines: everything but CAP_SYS_RESOURCE in the bounding set, nofile hard 20000. */
const host: HostInfo = parseHostInfo(
  'Name:\tberthd\nCapBnd:\t000001fffeffffff\n',
  'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 20000                files\n',
);

const input = (over: Partial<SpecInput> = {}): SpecInput => ({
  rootfs: '/var/lib/berth/c/1/rootfs', args: ['sh'], env: [], cwd: '/', hostname: 'abc',
  user: { uid: 0, gid: 0, additionalGids: [] }, tty: false, cgroupsPath: '/berth/1', ...over,
});

describe('buildSpec', () => {
  it("has Docker's default capabilities with nothing inheritable", () => {
    const spec = buildSpec(input(), host);
    const caps = spec.process.capabilities!;
    expect(capabilityMask(caps.effective)).toBe('00000000a80425fb');
    expect(capabilityMask(caps.bounding)).toBe('00000000a80425fb');
    expect(capabilityMask(caps.permitted)).toBe('00000000a80425fb');
    expect(caps.inheritable).toEqual([]);
    expect(caps.ambient).toEqual([]);
    expect(spec.process.noNewPrivileges).toBe(false);
  });

  it('joins a given network namespace, or shares the host one', () => {
    expect(buildSpec(input({ netns: '/run/netns/x' }), host).linux.namespaces).toContainEqual({ type: 'network', path: '/run/netns/x' });
    expect(buildSpec(input({ netns: 'host' }), host).linux.namespaces.map((n) => n.type)).not.toContain('network');
  });

  it('masks and write-protects the kernel paths Docker does, with five namespaces', () => {
    const spec = buildSpec(input(), host);
    expect(spec.linux.maskedPaths).toEqual([...MASKED_PATHS]);
    expect(spec.linux.maskedPaths).toContain('/proc/kcore');
    expect(spec.linux.maskedPaths).toContain('/sys/firmware');
    expect(spec.linux.readonlyPaths).toEqual([...READONLY_PATHS]);
    expect(spec.linux.namespaces.map((n) => n.type).sort()).toEqual(['ipc', 'mount', 'network', 'pid', 'uts']);
    const sys = spec.mounts.find((m) => m.destination === '/sys');
    expect(sys?.options).toContain('ro');
    expect(spec.mounts.map((m) => m.destination)).toEqual(
      ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm'],
    );
    const rules = spec.linux.resources!.devices!;
    expect(rules[0]).toEqual({ allow: false, access: 'rwm' });
    expect(rules).toContainEqual({ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' });
    expect(rules).toContainEqual({ allow: true, type: 'c', major: 136, access: 'rwm' });
  });

  it('has an allowlist seccomp profile that denies with EPERM', () => {
    const seccomp = buildSpec(input(), host).linux.seccomp!;
    expect(seccomp.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(seccomp.defaultErrnoRet).toBe(1);
    const allowed = seccomp.syscalls.filter((s) => s.action === 'SCMP_ACT_ALLOW' && !s.args).flatMap((s) => s.names);
    expect(allowed).toContain('read');
    expect(allowed).toContain('execve');
    expect(allowed).not.toContain('mount');
    expect(allowed).not.toContain('unshare');
    expect(allowed).not.toContain('kexec_load');
    const withAdmin = buildSpec(input({ capAdd: ['SYS_ADMIN'] }), host).linux.seccomp!;
    expect(withAdmin.syscalls.flatMap((s) => s.names)).toContain('mount');
  });

  it('keeps RLIMIT_NOFILE within the host hard limit', () => {
    const spec = buildSpec(input(), host);
    expect(spec.process.rlimits).toEqual([{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 20000 }]);
  });

  it('orders env like Docker and lets the container override PATH', () => {
    expect(buildSpec(input({ env: ['A=1'], tty: true }), host).process.env).toEqual([
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=abc', 'TERM=xterm', 'A=1',
    ]);
    expect(buildSpec(input({ env: ['PATH=/bin'] }), host).process.env).toEqual(['PATH=/bin', 'HOSTNAME=abc']);
  });

  it('rejects a working directory under /proc (CVE-2024-21626)', () => {
    for (const cwd of ['/proc/self/fd/8', '/proc', '/tmp/../proc/1/cwd', 'relative']) {
      expect(() => buildSpec(input({ cwd }), host)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(buildSpec(input({ cwd: '/procfoo/' }), host).process.cwd).toBe('/procfoo/');
  });

  it('runs the init as pid 1 from /sbin/docker-init', () => {
    const spec = buildSpec(input({ args: ['nginx', '-g', 'daemon off;'], init: '/usr/bin/tini-static' }), host);
    expect(spec.process.args).toEqual(['/sbin/docker-init', '--', 'nginx', '-g', 'daemon off;']);
    expect(spec.mounts).toContainEqual(expect.objectContaining({
      destination: '/sbin/docker-init', source: '/usr/bin/tini-static', type: 'bind',
    }));
  });

  it('grants --privileged only what the host bounding set holds, without seccomp or masks', () => {
    const spec = buildSpec(input({ privileged: true }), host);
    const caps = spec.process.capabilities!.effective;
    expect(caps).toEqual(host.capBounding);
    expect(caps).not.toContain('CAP_SYS_RESOURCE');
    expect(caps).toContain('CAP_SYS_ADMIN');
    expect(spec.linux.seccomp).toBeUndefined();
    expect(spec.linux.maskedPaths).toBeUndefined();
    expect(spec.linux.readonlyPaths).toBeUndefined();
    expect(spec.mounts.find((m) => m.destination === '/sys')?.options).toContain('rw');
    expect(spec.linux.resources!.devices).toEqual([{ allow: true, access: 'rwm' }]);
  });

  it('applies --cap-add and --cap-drop as Docker does', () => {
    const eff = (over: Partial<SpecInput>) => buildSpec(input(over), host).process.capabilities!.effective;
    expect(eff({ capAdd: ['net_admin'] })).toContain('CAP_NET_ADMIN');
    expect(eff({ capDrop: ['CAP_CHOWN'] })).not.toContain('CAP_CHOWN');
    expect(eff({ capDrop: ['ALL'], capAdd: ['NET_BIND_SERVICE'] })).toEqual(['CAP_NET_BIND_SERVICE']);
    expect(eff({ capAdd: ['ALL'], capDrop: ['MKNOD'] })).toEqual(host.capBounding.filter((c) => c !== 'CAP_MKNOD'));
    expect(eff({ capAdd: ['SYS_RESOURCE'] })).not.toContain('CAP_SYS_RESOURCE');
    expect(() => eff({ capAdd: ['NOPE'] })).toThrow(/unknown capability: "NOPE"/);
  });

  it('lets a user mount replace a default one', () => {
    const spec = buildSpec(input({ mounts: [{ destination: '/dev/shm/', type: 'tmpfs', source: 'shm', options: ['size=1g'] }] }), host);
    expect(spec.mounts.filter((m) => m.destination === '/dev/shm')).toEqual([
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['size=1g'] },
    ]);
  });

  it('mounts parents before children, whatever order the mounts come in', () => {
    const bind = (destination: string) => ({ destination, type: 'bind', source: `/host${destination}`, options: ['rbind'] });
    const spec = buildSpec(input({ mounts: [bind('/etc/hosts'), bind('/data/sub'), bind('/etc'), bind('/data')] }), host);
    const user = spec.mounts.map((m) => m.destination).filter((d) => d.startsWith('/etc') || d.startsWith('/data'));
    expect(user).toEqual(['/etc', '/data', '/etc/hosts', '/data/sub']);
  });
});

describe('capability masks', () => {
  it('round-trip between names and /proc masks', () => {
    expect(capabilitiesFromMask('000001ffffffffff')).toEqual([...CAPABILITY_NAMES]);
    expect(capabilityMask(capabilitiesFromMask('00000000a80425fb'))).toBe('00000000a80425fb');
    expect(host.capBounding).toHaveLength(CAPABILITY_NAMES.length - 1);
    expect(host.nofileHard).toBe(20000);
  });
});
