import { describe, expect, it } from 'vitest';
import { checkBuildPlatform } from './build-platform.js';
import { checkRunSecurity, parseRunMount, runNetworkMode } from './run-mount-parse.js';

describe('RUN --mount', () => {
  it('reads cache, bind and tmpfs mounts with BuildKit defaults', () => {
    expect(parseRunMount('type=cache,target=/root/.cache', '/')).toEqual({
      type: 'cache', target: '/root/.cache', id: '/root/.cache', sharing: 'shared', readOnly: false, mode: 0o755, uid: 0, gid: 0,
    });
    expect(parseRunMount('type=cache,id=pip,dst=cache,sharing=locked,mode=0700,uid=1000,gid=100', '/work')).toMatchObject({
      target: '/work/cache', id: 'pip', sharing: 'locked', mode: 0o700, uid: 1000, gid: 100,
    });
    expect(parseRunMount('target=/src', '/')).toEqual({ type: 'bind', target: '/src', source: '/', readOnly: true });
    expect(parseRunMount('type=bind,from=builder,src=/out,target=/o,rw', '/')).toEqual({ type: 'bind', target: '/o', source: '/out', from: 'builder', readOnly: false });
    expect(parseRunMount('type=tmpfs,target=/t,size=64m', '/')).toEqual({ type: 'tmpfs', target: '/t', size: 64 * 1024 * 1024 });
  });

  it('names the bad option', () => {
    expect(() => parseRunMount('type=cache,target=/x,colour=red', '/')).toThrow('unknown option colour for a cache mount');
    expect(() => parseRunMount('type=cache,target=/x,sharing=some', '/')).toThrow('invalid sharing some');
    expect(() => parseRunMount('type=cache,target=/x,mode=rwx', '/')).toThrow('invalid value rwx for mode');
    expect(() => parseRunMount('type=tmpfs', '/')).toThrow('a target is required');
    expect(() => parseRunMount('type=secret,id=x', '/')).toThrow('mounts of type secret are not supported');
    expect(() => runNetworkMode('bridge')).toThrow('RUN --network=bridge: unknown network mode');
    expect(runNetworkMode('none')).toBe('none');
    expect(() => checkRunSecurity('insecure')).toThrow('not supported');
  });

  it('accepts only the host platform', () => {
    expect(() => checkBuildPlatform('linux/amd64', 'amd64')).not.toThrow();
    expect(() => checkBuildPlatform('', 'amd64')).not.toThrow();
    expect(() => checkBuildPlatform('linux/arm64', 'amd64')).toThrow('platform linux/arm64 is not supported');
    expect(() => checkBuildPlatform('windows/amd64', 'amd64')).toThrow('is not supported');
  });
});
