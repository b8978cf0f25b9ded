import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../errors.js';
import { parseEngineHost } from './engine-host.js';

describe('parseEngineHost', () => {
  it('reads unix sockets, bare paths and TCP addresses', () => {
    expect(parseEngineHost('unix:///run/berth/berth.sock')).toMatchObject({ kind: 'unix', socketPath: '/run/berth/berth.sock' });
    expect(parseEngineHost('/tmp/x.sock')).toMatchObject({ kind: 'unix', socketPath: '/tmp/x.sock' });
    expect(parseEngineHost('tcp://10.0.0.2:2375')).toMatchObject({ kind: 'tcp', host: '10.0.0.2', port: 2375, tls: false });
    expect(parseEngineHost('tcp://engine.local', true)).toMatchObject({ kind: 'tcp', host: 'engine.local', port: 2376, tls: true });
    expect(parseEngineHost('https://[::1]:9000')).toMatchObject({ kind: 'tcp', host: '::1', port: 9000, tls: true });
  });

  it('refuses what is not an engine address, saying what to use', () => {
    for (const bad of ['', 'localhost:2375', 'ssh://box', 'unix://relative.sock', 'tcp://host:99999']) {
      expect(() => parseEngineHost(bad)).toThrow(BadRequestError);
    }
    expect(() => parseEngineHost('ssh://box')).toThrow(/use unix:\/\/ or tcp:\/\//);
  });
});
