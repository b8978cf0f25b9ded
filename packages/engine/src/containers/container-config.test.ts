import { describe, expect, it } from 'vitest';
import type { OciImageConfig } from '@berth/sdk';
import { mergeConfig, mergeEnv } from './container-config.js';

const image: OciImageConfig = {
  architecture: 'amd64',
  os: 'linux',
  rootfs: { type: 'layers', diff_ids: [] },
  config: { Env: ['PATH=/bin', 'A=1'], Cmd: ['sh'], WorkingDir: '/srv', Labels: { from: 'image' } },
};
const id = 'a'.repeat(64);

describe('mergeConfig', () => {
  it('uses the image CMD when none is given', () => {
    const m = mergeConfig({ Image: 'bb' }, image, id);
    expect([m.path, ...m.args]).toEqual(['sh']);
    expect(m.config.Hostname).toBe('aaaaaaaaaaaa');
    expect(m.config.WorkingDir).toBe('/srv');
  });

  it('lets the request CMD replace the image CMD', () => {
    const m = mergeConfig({ Image: 'bb', Cmd: ['echo', 'hi'] }, image, id);
    expect([m.path, ...m.args]).toEqual(['echo', 'hi']);
  });

  it('drops the image CMD when --entrypoint is given', () => {
    const m = mergeConfig({ Image: 'bb', Entrypoint: ['env'] }, image, id);
    expect([m.path, ...m.args]).toEqual(['env']);
    const m2 = mergeConfig({ Image: 'bb', Entrypoint: ['sh'], Cmd: ['-c', 'exit 2'] }, image, id);
    expect([m2.path, ...m2.args]).toEqual(['sh', '-c', 'exit 2']);
  });

  it('refuses a container with nothing to run', () => {
    expect(() => mergeConfig({ Image: 'x' }, { ...image, config: {} }, id)).toThrow(/no command specified/);
  });

  it('merges labels and environment with the request winning', () => {
    const m = mergeConfig({ Image: 'bb', Env: ['A=2', 'B=3'], Labels: { k: 'v' } }, image, id);
    expect(m.config.Env).toEqual(['PATH=/bin', 'A=2', 'B=3']);
    expect(m.config.Labels).toEqual({ from: 'image', k: 'v' });
  });

  it('refuses a relative working directory', () => {
    expect(() => mergeConfig({ Image: 'bb', WorkingDir: 'rel' }, image, id)).toThrow(/absolute path/);
  });

  it('rejects an empty variable name', () => {
    expect(() => mergeEnv([], ['=x'])).toThrow(/invalid environment variable/);
  });
});
