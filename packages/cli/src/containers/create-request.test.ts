import { describe, expect, it } from 'vitest';
import { parseArgs } from '../args/parse-args.js';
import { CREATE_FLAGS } from './create-flags.js';
import { createRequest, memoryBytes, mountSpec, ports } from './create-request.js';

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
});
