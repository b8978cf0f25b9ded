import { describe, expect, it } from 'vitest';
import { parseArgs } from '../args/parse-args.js';
import { CREATE_FLAGS } from './create-flags.js';
import { createRequest, mountSpec, ports } from './create-request.js';
import { memoryBytes } from './resource-flags.js';

describe('createRequest', () => {
  it('maps run flags to the create body', () => {
    const parsed = parseArgs(['-it', '--name', 'web', '-e', 'A=1', '-p', '8080:80', '-v', '/d:/data', '--rm', '--restart', 'on-failure:3', 'busybox', 'sh', '-c', 'echo hi'], CREATE_FLAGS, { stopAtPositional: true });
    const { body, name } = createRequest(parsed);
    expect(name).toBe('web');
    expect(body).toMatchObject({
      Image: 'busybox', Cmd: ['sh', '-c', 'echo hi'], Tty: true, OpenStdin: true, Env: ['A=1'],
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { Binds: ['/d:/data'], AutoRemove: true, PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } },
    });
  });

  it('reads env files and rejects bad values', () => {
    const parsed = parseArgs(['--env-file', 'x', 'img'], CREATE_FLAGS, { stopAtPositional: true });
    expect(createRequest(parsed, () => '# c\nA=1\n\nB=2\n').body.Env).toEqual(['A=1', 'B=2']);
    expect(() => createRequest(parseArgs(['--restart', 'sometimes', 'img'], CREATE_FLAGS))).toThrow(/invalid restart policy/);
  });
});

describe('mounts and limits', () => {
  it('maps --mount, --cpus, --dns and --add-host', () => {
    const parsed = parseArgs(['--mount', 'type=bind,src=/d,dst=/data,readonly', '--cpus', '1.5', '--dns', '1.1.1.1', '--add-host', 'db:10.0.0.5', 'img'], CREATE_FLAGS, { stopAtPositional: true });
    expect(createRequest(parsed).body.HostConfig).toMatchObject({
      Mounts: [{ Type: 'bind', Source: '/d', Target: '/data', ReadOnly: true }], NanoCpus: 1_500_000_000, Dns: ['1.1.1.1'], ExtraHosts: ['db:10.0.0.5'],
    });
    expect(() => mountSpec('type=bind,source=/a')).toThrow(/needs a target/);
    expect(() => mountSpec('type=nfs,target=/a')).toThrow(/not supported/);
  });
});

describe('ports and memory', () => {
  it('parses publish specs', () => {
    expect(ports(['127.0.0.1:53:53/udp', '9000'], []).bindings).toEqual({ '53/udp': [{ HostIp: '127.0.0.1', HostPort: '53' }], '9000/tcp': [{ HostIp: '', HostPort: '' }] });
    expect(() => ports(['a:b'], [])).toThrow(/invalid publish spec/);
  });

  it('parses memory sizes', () => {
    expect(memoryBytes('512m')).toBe(512 * 1024 * 1024);
    expect(() => memoryBytes('lots')).toThrow(/invalid memory size/);
  });

  it('maps resource, health, DNS and network flags', () => {
    const parsed = parseArgs([
      '--memory', '64m', '--memory-swap', '-1', '--cpus', '0.5', '-c', '512', '--cpuset-cpus', '0', '--pids-limit', '50',
      '--ulimit', 'nofile=512:1024', '--ulimit', 'nproc=100', '--oom-kill-disable',
      '--health-cmd', 'true', '--health-interval', '1s', '--health-retries', '2', '--health-start-period', '1m',
      '--dns-search', 'example.com', '--dns-option', 'ndots:2', '--domainname', 'corp',
      '--network', 'net1', '--network-alias', 'db', '--ip', '10.1.2.3', '-P', '--volumes-from', 'data:ro',
      'busybox',
    ], CREATE_FLAGS, { stopAtPositional: true });
    const { body } = createRequest(parsed);
    expect(body).toMatchObject({
      Domainname: 'corp',
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 1e9, Retries: 2, StartPeriod: 60e9 },
      HostConfig: {
        Memory: 64 * 1024 ** 2, MemorySwap: -1, NanoCpus: 5e8, CpuShares: 512, CpusetCpus: '0', PidsLimit: 50, OomKillDisable: true,
        Ulimits: [{ Name: 'nofile', Soft: 512, Hard: 1024 }, { Name: 'nproc', Soft: 100, Hard: 100 }],
        DnsSearch: ['example.com'], DnsOptions: ['ndots:2'], NetworkMode: 'net1', PublishAllPorts: true, VolumesFrom: ['data:ro'],
      },
      NetworkingConfig: { EndpointsConfig: { net1: { Aliases: ['db'], IPAMConfig: { IPv4Address: '10.1.2.3' } } } },
    });
  });

  it('turns health checks off, and rejects flags that need what is missing', () => {
    const off = parseArgs(['--no-healthcheck', 'busybox'], CREATE_FLAGS, { stopAtPositional: true });
    expect(createRequest(off).body.Healthcheck).toEqual({ Test: ['NONE'] });
    const both = parseArgs(['--no-healthcheck', '--health-cmd', 'true', 'busybox'], CREATE_FLAGS, { stopAtPositional: true });
    expect(() => createRequest(both)).toThrow(/conflicts/);
    const alias = parseArgs(['--network-alias', 'db', 'busybox'], CREATE_FLAGS, { stopAtPositional: true });
    expect(() => createRequest(alias)).toThrow(/user-defined network/);
    const ulimit = parseArgs(['--ulimit', 'nofile=10:5', 'busybox'], CREATE_FLAGS, { stopAtPositional: true });
    expect(() => createRequest(ulimit)).toThrow(/above the hard limit/);
  });

  it('has no flag twice', () => {
    expect(new Set(CREATE_FLAGS.map((f) => f.name)).size).toBe(CREATE_FLAGS.length);
    const shorts = CREATE_FLAGS.flatMap((f) => (f.short ? [f.short] : []));
    expect(new Set(shorts).size).toBe(shorts.length);
  });
});
