import { describe, expect, it } from 'vitest';
import { parseBind, parseMount, parseTmpfs, parseVolumesFrom } from './mount-parse.js';

const none = () => false;
const all = () => true;

describe('parseBind (-v)', () => {
  it('reads named volumes, host paths and modes as dockerd does', () => {
    expect(parseBind('data:/data')).toMatchObject({ type: 'volume', source: 'data', destination: '/data', mode: 'z', rw: true, copyData: true, anonymous: false });
    expect(parseBind('data:/data:ro,nocopy')).toMatchObject({ type: 'volume', mode: 'ro,nocopy', rw: false, copyData: false });
    expect(parseBind('/srv/x/:/ctx/:ro')).toMatchObject({ type: 'bind', source: '/srv/x', destination: '/ctx', mode: 'ro', rw: false, propagation: 'rprivate', createSource: true });
    expect(parseBind('/srv:/srv:rshared')).toMatchObject({ propagation: 'rshared', rw: true });
    expect(parseBind('/data')).toMatchObject({ type: 'volume', source: '', destination: '/data', mode: '', anonymous: true });
    expect(parseBind('/a/../b:/x/./y')).toMatchObject({ source: '/b', destination: '/x/y' });
  });

  it('refuses bad specs with dockerd messages', () => {
    expect(() => parseBind('')).toThrow("invalid volume specification: ''");
    expect(() => parseBind('/data:ro')).toThrow("invalid volume specification: '/data:ro'");
    expect(() => parseBind('a:b:c:d')).toThrow("invalid volume specification: 'a:b:c:d'");
    expect(() => parseBind('/x:/y:rw,ro')).toThrow('invalid mode: rw,ro');
    expect(() => parseBind('/x:/y:bogus')).toThrow('invalid mode: bogus');
    expect(() => parseBind('/x:/')).toThrow(`invalid volume specification: '/x:/': invalid mount config for type "bind": invalid specification: destination can't be '/'`);
    expect(() => parseBind('v:rel')).toThrow(`invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute`);
    expect(() => parseBind('/x:/proc/sys')).toThrow(/may not be under \/proc/);
    expect(() => parseBind('/x:/y:nocopy')).toThrow(/field VolumeOptions must not be specified/);
    expect(() => parseBind('v:/y:rshared')).toThrow(/field BindOptions must not be specified/);
  });
});

describe('parseMount (--mount)', () => {
  it('takes volumes, binds and tmpfs', () => {
    expect(parseMount({ Type: 'volume', Source: 'v', Target: '/d', ReadOnly: true, VolumeOptions: { NoCopy: true, Labels: { a: 'b' }, DriverConfig: { Options: { type: 'tmpfs', device: 'tmpfs' } } } }, none))
      .toMatchObject({ type: 'volume', source: 'v', destination: '/d', rw: false, mode: 'z', copyData: false, volume: { driver: 'local', labels: { a: 'b' }, options: { type: 'tmpfs', device: 'tmpfs' } } });
    expect(parseMount({ Type: 'bind', Source: '/etc', Target: '/host-etc', BindOptions: { Propagation: 'rslave' } }, all))
      .toMatchObject({ type: 'bind', source: '/etc', mode: '', propagation: 'rslave', createSource: false });
    expect(parseMount({ Type: 'bind', Source: '/nope', Target: '/x', BindOptions: { CreateMountpoint: true } }, none)).toMatchObject({ createSource: true });
    expect(parseMount({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 10 * 1024 * 1024, Mode: 0o700 } }, none))
      .toMatchObject({ type: 'tmpfs', source: '', tmpfsOptions: 'mode=700,size=10m' });
  });

  it('refuses what dockerd refuses', () => {
    expect(() => parseMount({ Type: 'bind', Source: '/x', Target: '/y' }, none)).toThrow('invalid mount config for type "bind": bind source path does not exist: /x');
    expect(() => parseMount({ Type: 'bind', Source: 'rel', Target: '/y' }, all)).toThrow(`invalid mount path: 'rel' mount path must be absolute`);
    expect(() => parseMount({ Type: 'bind', Target: '/y' }, all)).toThrow('field Source must not be empty');
    expect(() => parseMount({ Type: 'volume', Source: 'v' }, all)).toThrow('invalid mount config for type "volume": field Target must not be empty');
    expect(() => parseMount({ Type: 'volume', Target: '/y', ReadOnly: true }, all)).toThrow('must not set ReadOnly mode when using anonymous volumes');
    expect(() => parseMount({ Type: 'tmpfs', Source: 'x', Target: '/y' }, all)).toThrow('field Source must not be specified');
    expect(() => parseMount({ Type: 'tmpfs', Target: '/' }, all)).toThrow("destination can't be '/'");
    expect(() => parseMount({ Type: 'npipe', Target: '/y' }, all)).toThrow('invalid mount config for type "npipe": mount type unknown');
    expect(() => parseMount({ Type: 'bind', Source: '/x', Target: '/y', BindOptions: { Propagation: 'sideways' } }, all)).toThrow('invalid propagation mode: sideways');
  });
});

describe('parseTmpfs and parseVolumesFrom', () => {
  it('checks --tmpfs destinations and options', () => {
    expect(parseTmpfs('/run/', 'size=10m,exec')).toEqual({ destination: '/run', options: 'size=10m,exec' });
    expect(() => parseTmpfs('run', '')).toThrow('mount path must be absolute');
    expect(() => parseTmpfs('/run', 'bogus')).toThrow('invalid tmpfs option "bogus"');
  });

  it('reads container[:ro|rw]', () => {
    expect(parseVolumesFrom('data')).toEqual({ ref: 'data', rw: true });
    expect(parseVolumesFrom('data:ro')).toEqual({ ref: 'data', rw: false });
    expect(() => parseVolumesFrom('data:shared')).toThrow('invalid mode');
    expect(() => parseVolumesFrom('data:xx')).toThrow('invalid mode: xx');
    expect(() => parseVolumesFrom('')).toThrow('cannot be an empty string');
  });
});
