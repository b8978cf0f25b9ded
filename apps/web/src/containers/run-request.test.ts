import { describe, expect, it } from 'vitest';
import { runToCreate } from './run-request.js';

describe('runToCreate', () => {
  it('maps the form to the engine create body', () => {
    const { name, create } = runToCreate({ image: 'busybox', name: 'web', ports: ['8080:80', '127.0.0.1:53:53/udp'], env: ['A=1'], volumes: ['data:/data'], network: 'n1', restartPolicy: 'always', cmd: ['sleep', '9'] });
    expect(name).toBe('web');
    expect(create).toMatchObject({
      Image: 'busybox', Cmd: ['sleep', '9'], Env: ['A=1'], ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '53' }] }, Binds: ['data:/data'], NetworkMode: 'n1', RestartPolicy: { Name: 'always' } },
    });
  });
  it('names the bad field', () => {
    expect(() => runToCreate({})).toThrow(/"image" is required/);
    expect(() => runToCreate({ image: 'x', ports: ['a:b'] })).toThrow(/port "a:b"/);
    expect(() => runToCreate({ image: 'x', env: ['NOEQ'] })).toThrow(/env "NOEQ"/);
    expect(() => runToCreate({ image: 'x', restartPolicy: 'sometimes' })).toThrow(/restartPolicy/);
    expect(() => runToCreate({ image: 'x', ports: 'x' })).toThrow(/"ports" must be a list/);
  });
});
