import { describe, expect, it } from 'vitest';
import { copyPath } from './container-archive.js';
import { goFileMode } from './path-stat.js';

describe('goFileMode', () => {
  it('puts type and set-id bits where Go keeps them', () => {
    expect(goFileMode(0o40755)).toBe(2 ** 31 + 0o755);
    expect(goFileMode(0o120777)).toBe(2 ** 27 + 0o777);
    expect(goFileMode(0o100644)).toBe(0o644);
    expect(goFileMode(0o104755)).toBe(2 ** 23 + 0o755);
    expect(goFileMode(0o41777)).toBe(2 ** 31 + 2 ** 20 + 0o777);
    expect(goFileMode(0o20666)).toBe(2 ** 26 + 2 ** 21 + 0o666);
  });
});

describe('copyPath', () => {
  it('reads paths as Docker does, keeping a trailing / or /.', () => {
    expect(copyPath('etc/passwd')).toEqual({ path: '/etc/passwd', follow: false, name: 'passwd', archiveName: 'passwd' });
    expect(copyPath('/data/')).toEqual({ path: '/data', follow: true, name: 'data', archiveName: 'data' });
    expect(copyPath('/data/.')).toEqual({ path: '/data', follow: true, name: '.', archiveName: '.' });
    expect(copyPath('/')).toEqual({ path: '/', follow: true, name: '/', archiveName: '' });
    expect(copyPath('/a/../../b')).toMatchObject({ path: '/b', follow: false });
    expect(() => copyPath('')).toThrow(/path cannot be empty/);
  });
});
