import { describe, expect, it } from 'vitest';
import { mergeTmpfsOptions, tmpfsData, tmpfsMountOptions } from './tmpfs-options.js';

describe('tmpfs options', () => {
  it('puts Docker defaults first and lets later options win', () => {
    expect(tmpfsMountOptions('')).toEqual(['noexec', 'nosuid', 'nodev', 'rprivate']);
    expect(tmpfsMountOptions('exec,size=10m,size=20m')).toEqual(['nosuid', 'nodev', 'rprivate', 'exec', 'size=20m']);
    expect(mergeTmpfsOptions(['defaults', 'ro', 'rw', 'mode=1777'])).toEqual(['rw', 'mode=1777']);
  });

  it('refuses unknown options and bad data', () => {
    expect(() => tmpfsMountOptions('foo=bar')).toThrow('invalid tmpfs option "foo=bar"');
    expect(() => tmpfsMountOptions('size')).toThrow('invalid tmpfs option "size"');
    expect(() => tmpfsData({ SizeBytes: -1 }, false)).toThrow('invalid tmpfs size');
  });

  it('turns --mount tmpfs options into mount data', () => {
    expect(tmpfsData({ SizeBytes: 3 * 2 ** 30 }, true)).toBe('ro,size=3g');
    expect(tmpfsData({ SizeBytes: 1000, Options: [['noexec'], ['uid', '5']] }, false)).toBe('size=1000,noexec,uid=5');
    expect(tmpfsData(null, false)).toBe('');
  });
});
