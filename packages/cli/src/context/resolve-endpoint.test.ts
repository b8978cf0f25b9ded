import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST, resolveEndpoint, validateHost } from './resolve-endpoint.js';
import type { BerthConfig } from './config-file.js';

const config: BerthConfig = {
  currentContext: 'remote',
  contexts: { remote: { host: 'tcp://10.0.0.2:2376', tls: { ca: '/ca.pem' } }, other: { host: 'unix:///tmp/o.sock' } },
  auths: {},
};

describe('resolveEndpoint', () => {
  it('prefers -H, then --context, then the environment, then the current context', () => {
    expect(resolveEndpoint({ hostFlag: 'unix:///a.sock', env: { DOCKER_HOST: 'tcp://x:1' }, config }).host).toBe('unix:///a.sock');
    expect(resolveEndpoint({ contextFlag: 'other', env: { DOCKER_HOST: 'tcp://x:1' }, config }).host).toBe('unix:///tmp/o.sock');
    expect(resolveEndpoint({ env: { BERTH_HOST: 'tcp://y:2', DOCKER_HOST: 'tcp://x:1' }, config }).host).toBe('tcp://y:2');
    expect(resolveEndpoint({ env: {}, config })).toEqual({ ...config.contexts.remote, context: 'remote' });
  });

  it('falls back to the local socket and rejects unknown contexts', () => {
    expect(resolveEndpoint({ env: {}, config: { contexts: {}, auths: {} } }).host).toBe(DEFAULT_HOST);
    expect(() => resolveEndpoint({ contextFlag: 'nope', env: {}, config })).toThrow(/context "nope" does not exist/);
    expect(() => resolveEndpoint({ hostFlag: 'tcp://a:1', contextFlag: 'other', env: {}, config })).toThrow(/conflicting/);
  });
});

describe('validateHost', () => {
  it('accepts unix and tcp addresses and rejects others', () => {
    expect(validateHost('/run/b.sock')).toBe('unix:///run/b.sock');
    expect(validateHost('tcp://127.0.0.1:2376')).toBe('tcp://127.0.0.1:2376');
    expect(() => validateHost('ftp://x')).toThrow(/invalid host/);
    expect(() => validateHost('unix://rel.sock')).toThrow(/absolute/);
  });
});
