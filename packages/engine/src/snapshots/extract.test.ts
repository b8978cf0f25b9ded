import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { extractLayer } from './extract.js';
import { getXattr, makeTar, type FixtureEntry } from './tar-fixtures.js';

let dest: string;

beforeEach(async () => {
  dest = await mkdtemp(path.join(tmpdir(), 'berth-extract-'));
});

afterEach(async () => {
  await rm(dest, { recursive: true, force: true });
});

const at = (...parts: string[]): string => path.join(dest, ...parts);
const mtime = new Date('2021-03-04T05:06:07Z');
const unpack = async (entries: FixtureEntry[]) => extractLayer(Readable.from([await makeTar(entries)]), dest);

describe('extractLayer', () => {
  it('unpacks files, directories, symlinks and hard links with their modes, owners and times', async () => {
    const result = await unpack([
      { name: './', type: 'directory', mode: 0o755 },
      { name: 'etc/', type: 'directory', mode: 0o750, uid: 0, gid: 42, mtime },
      { name: 'etc/conf', body: 'key=value\n', mode: 0o640, uid: 1000, gid: 1001, mtime },
      { name: 'etc/conf.bak', type: 'link', linkname: 'etc/conf' },
      { name: 'bin/su', body: 'setuid', mode: 0o4755, uid: 0, gid: 0 },
      { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox', uid: 7, gid: 8, mtime },
      { name: 'tmp', type: 'directory', mode: 0o1777 },
      { name: 'deep/auto/parent/file', body: 'x' },
      { name: 'etc/', type: 'directory', mode: 0o755, uid: 0, gid: 42, mtime },
    ]);
    expect(result.size).toBe('key=value\n'.length + 'setuid'.length + 1);
    expect(result.compressed).toBe(false);

    const etc = await lstat(at('etc'));
    expect([etc.mode & 0o7777, etc.uid, etc.gid, etc.mtime.getTime()]).toEqual([0o755, 0, 42, mtime.getTime()]);
    const conf = await lstat(at('etc', 'conf'));
    expect([conf.mode & 0o7777, conf.uid, conf.gid, conf.mtime.getTime()]).toEqual([0o640, 1000, 1001, mtime.getTime()]);
    expect(await readFile(at('etc', 'conf'), 'utf8')).toBe('key=value\n');
    const bak = await lstat(at('etc', 'conf.bak'));
    expect([bak.ino, bak.nlink]).toEqual([conf.ino, 2]);
    expect((await lstat(at('bin', 'su'))).mode & 0o7777).toBe(0o4755);
    const sh = await lstat(at('bin', 'sh'));
    expect([sh.isSymbolicLink(), sh.uid, sh.gid, sh.mtime.getTime()]).toEqual([true, 7, 8, mtime.getTime()]);
    expect(await readlink(at('bin', 'sh'))).toBe('/bin/busybox');
    expect((await lstat(at('tmp'))).mode & 0o7777).toBe(0o1777);
    expect((await lstat(at('deep', 'auto'))).mode & 0o7777).toBe(0o755);
    expect(await readFile(at('deep', 'auto', 'parent', 'file'), 'utf8')).toBe('x');
    expect((await readdir(dest)).sort()).toEqual(['bin', 'deep', 'etc', 'tmp']);
  });

  it('computes the diff ID over the uncompressed tar, from plain and gzip input alike', async () => {
    const plain = await makeTar([{ name: 'hello.txt', body: 'hello world' }]);
    const diffId = `sha256:${createHash('sha256').update(plain).digest('hex')}`;
    const fromPlain = await extractLayer(Readable.from([plain]), dest);
    expect(fromPlain).toEqual({ diffId, size: 11, compressed: false });

    const second = await mkdtemp(path.join(tmpdir(), 'berth-extract-gz-'));
    try {
      const gz = gzipSync(plain);
      const chunks = [gz.subarray(0, 1), gz.subarray(1, 7), gz.subarray(7)];
      const fromGzip = await extractLayer(Readable.from(chunks), second);
      expect(fromGzip).toEqual({ diffId, size: 11, compressed: true });
      expect(await readFile(path.join(second, 'hello.txt'), 'utf8')).toBe('hello world');
    } finally {
      await rm(second, { recursive: true, force: true });
    }
  });

  it('turns OCI whiteouts into overlayfs whiteouts (char device 0/0)', async () => {
    await unpack([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/.wh.passwd', body: '' },
      { name: '.wh.root-level', body: '' },
      { name: 'etc/.wh.kept', body: '' },
      { name: 'etc/kept', body: 'this layer writes it too' },
    ]);
    for (const file of [at('etc', 'passwd'), at('root-level')]) {
      const info = await lstat(file);
      expect(info.isCharacterDevice()).toBe(true);
      expect(info.rdev).toBe(0);
    }
    expect(await readFile(at('etc', 'kept'), 'utf8')).toBe('this layer writes it too');
    expect((await readdir(at('etc'))).sort()).toEqual(['kept', 'passwd']);
  });

  it('marks opaque directories and keeps what the same layer adds, in either order', async () => {
    await unpack([
      { name: 'before/', type: 'directory' },
      { name: 'before/re-added', body: 'first' },
      { name: 'before/.wh..wh..opq', body: '' },
      { name: 'after/.wh..wh..opq', body: '' },
      { name: 'after/re-added', body: 'second' },
      { name: 'plain/', type: 'directory' },
    ]);
    expect(getXattr(at('before'), 'trusted.overlay.opaque')).toBe('y');
    expect(getXattr(at('after'), 'trusted.overlay.opaque')).toBe('y');
    expect(getXattr(at('plain'), 'trusted.overlay.opaque')).toBeNull();
    expect(await readFile(at('before', 're-added'), 'utf8')).toBe('first');
    expect(await readFile(at('after', 're-added'), 'utf8')).toBe('second');
    expect(await readdir(at('after'))).toEqual(['re-added']);
  });

  it('makes a directory opaque when the layer whites it out and then recreates it', async () => {
    await unpack([
      { name: '.wh.var', body: '' },
      { name: 'var/', type: 'directory' },
      { name: 'var/new', body: 'n' },
    ]);
    expect((await lstat(at('var'))).isDirectory()).toBe(true);
    expect(getXattr(at('var'), 'trusted.overlay.opaque')).toBe('y');
  });

  it('creates fifos and device nodes, and skips AUFS metadata', async () => {
    await unpack([
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'run/pipe', type: 'fifo', mode: 0o600 },
      { name: '.wh..wh.plnk/', type: 'directory' },
      { name: '.wh..wh.plnk/123.456', body: 'aufs' },
    ]);
    const dev = await lstat(at('dev', 'null'));
    expect([dev.isCharacterDevice(), dev.rdev, dev.mode & 0o7777]).toEqual([true, (1 << 8) | 3, 0o666]);
    const fifo = await lstat(at('run', 'pipe'));
    expect([fifo.isFIFO(), fifo.mode & 0o7777]).toEqual([true, 0o600]);
    expect((await readdir(dest)).sort()).toEqual(['dev', 'run']);
  });

  it('lets a later entry replace an earlier one, keeping a directory re-declared as a directory', async () => {
    await unpack([
      { name: 'x', body: 'file first' },
      { name: 'x', type: 'symlink', linkname: 'elsewhere' },
      { name: 'd/', type: 'directory', mode: 0o700 },
      { name: 'd/child', body: 'stays' },
      { name: 'd/', type: 'directory', mode: 0o711 },
      { name: 'f', body: 'old' },
      { name: 'f', body: 'new' },
    ]);
    expect(await readlink(at('x'))).toBe('elsewhere');
    expect((await lstat(at('d'))).mode & 0o7777).toBe(0o711);
    expect(await readFile(at('d', 'child'), 'utf8')).toBe('stays');
    expect(await readFile(at('f'), 'utf8')).toBe('new');
  });

  it('requires an empty destination directory', async () => {
    await writeFile(at('leftover'), 'x');
    const err = await unpack([{ name: 'a', body: 'a' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('FAILED_PRECONDITION');
  });

  it('passes an error of the source stream through unchanged', async () => {
    const tarball = await makeTar([{ name: 'big', body: Buffer.alloc(100_000) }]);
    async function* failing(): AsyncGenerator<Buffer> {
      yield tarball.subarray(0, 20_000);
      throw new Error('registry connection reset');
    }
    await expect(extractLayer(Readable.from(failing()), dest)).rejects.toThrow(/^registry connection reset$/);
  });
});
