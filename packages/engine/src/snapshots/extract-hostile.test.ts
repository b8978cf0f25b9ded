import { mkdir, mkdtemp, readdir, readFile, lstat, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { extractLayer, type ExtractLimits } from './extract.js';
import type { LayerExtractor } from './layer-store.js';
import { makeTar, snapshotTree, type FixtureEntry } from './tar-fixtures.js';
import { UnpackPool } from './unpack-pool.js';

let base: string;
let sentinel: string;
let dest: string;
let extract: LayerExtractor = extractLayer;
const pool = new UnpackPool(1);
afterAll(() => pool.close());

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'berth-hostile-'));
  sentinel = path.join(base, 'sentinel');
  dest = path.join(base, 'layer');
  await mkdir(path.join(sentinel, 'sub'), { recursive: true });
  await writeFile(path.join(sentinel, 'file.txt'), 'precious');
  await writeFile(path.join(sentinel, 'sub', 'inner.txt'), 'also precious');
  await symlink('file.txt', path.join(sentinel, 'link'));
  await mkdir(dest);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Runs an extraction and proves the sentinel beside the layer and the base dir are untouched; returns the error. */
async function attempt(source: Readable | Buffer, limits?: Partial<ExtractLimits>): Promise<unknown> {
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest);
  const before = await snapshotTree(sentinel);
  const stream = Buffer.isBuffer(source) ? Readable.from([source]) : source;
  const error = await extract(stream, dest, limits).then(() => null, (err: unknown) => err);
  expect(await snapshotTree(sentinel)).toEqual(before);
  expect((await readdir(base)).sort()).toEqual(['layer', 'sentinel']);
  return error;
}

async function expectRejected(source: Readable | Buffer, pattern: RegExp, limits?: Partial<ExtractLimits>): Promise<void> {
  const error = await attempt(source, limits);
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe('INVALID_ARGUMENT');
  expect((error as EngineError).message).toMatch(pattern);
}

const file = (name: string, body = 'pwned'): FixtureEntry => ({ name, body });
const escape = (): FixtureEntry => ({ name: 'escape', type: 'symlink', linkname: '../sentinel' });

// The daemon unpacks in worker threads (UnpackPool): the same rules and errors must hold there.
const extractors: Array<[string, LayerExtractor]> = [
  ['extractLayer', extractLayer],
  ['UnpackPool', (source, to, limits) => pool.extract(source, to, limits)],
];

describe.each(extractors)('%s rejects hostile layers and leaves everything beside the layer unchanged', (_, chosen) => {
  beforeEach(() => {
    extract = chosen;
  });

  const corpus: Array<[string, () => FixtureEntry[], RegExp]> = [
    ['a ../ path', () => [file('../sentinel/pwned')], /"..\/sentinel\/pwned" escapes the layer root/],
    ['a .. hidden in the middle', () => [file('a/b/../../../sentinel/pwned')], /escapes the layer root/],
    ['an absolute path with ..', () => [file('/../sentinel/file.txt')], /escapes the layer root/],
    ['a file through a symlink', () => [escape(), file('escape/pwned')], /goes through "escape", which is not a directory/],
    ['a file through an absolute symlink', () => [{ name: 'abs', type: 'symlink', linkname: sentinel }, file('abs/file.txt')], /not a directory/],
    ['a directory through a symlink', () => [escape(), { name: 'escape/newdir', type: 'directory' }], /not a directory/],
    ['a symlink replacing a directory, then a file', () => [{ name: 'd', type: 'directory' }, file('d/x'), { name: 'd', type: 'symlink', linkname: '../sentinel' }, file('d/pwned')], /"d\/pwned" goes through "d"/],
    ['a hard link to outside', () => [{ name: 'h', type: 'link', linkname: '../sentinel/file.txt' }], /"h -> ..\/sentinel\/file.txt" escapes the layer root/],
    ['a hard link to an absolute outside path', () => [{ name: 'h', type: 'link', linkname: path.join(sentinel, 'file.txt') }], /not in this layer/],
    ['a hard link through a symlink', () => [escape(), { name: 'h', type: 'link', linkname: 'escape/file.txt' }], /not a directory/],
    ['a hard link to a symlink', () => [{ name: 's', type: 'symlink', linkname: '../sentinel/file.txt' }, { name: 'h', type: 'link', linkname: 's' }], /not a regular file/],
    ['a hard link to a directory', () => [{ name: 'd', type: 'directory' }, { name: 'h', type: 'link', linkname: 'd' }], /not a regular file/],
    ['a whiteout through a symlink', () => [escape(), file('escape/.wh.file.txt', '')], /not a directory/],
    ['an opaque marker through a symlink', () => [escape(), file('escape/.wh..wh..opq', '')], /not a directory/],
    ['the degenerate whiteout .wh.', () => [file('.wh.', '')], /degenerate whiteout/],
    ['the degenerate whiteout .wh..', () => [file('dir/.wh..', '')], /degenerate whiteout/],
    ['the degenerate whiteout .wh...', () => [file('.wh...', '')], /degenerate whiteout/],
    ['a whiteout marker that is a symlink', () => [{ name: '.wh.x', type: 'symlink', linkname: '../sentinel' }], /not a regular file/],
    ['a file inside a whiteout marker', () => [file('.wh.dir/x')], /inside a whiteout marker/],
    ['a 10k-deep path', () => [file(`${'a/'.repeat(10_000)}f`)], /20001 bytes long, over the limit of 4096/],
    ['a path deeper than 256 directories', () => [file(`${'d/'.repeat(300)}f`)], /301 directories deep/],
    ['a NUL byte hidden in a PAX path', () => [{ name: 'innocent', body: 'x', pax: { path: 'a\0/../../sentinel/pwned' } }], /(NUL|null) byte/],
    ['a PAX path that climbs out', () => [{ name: 'innocent', body: 'x', pax: { path: '../sentinel/pwned' } }], /escapes the layer root/],
    ['a PAX header over 1 MiB', () => [{ name: 'f', body: 'x', pax: { 'SCHILY.xattr.user.big': 'y'.repeat(1_100_000) } }], /extended headers, over the limit/],
    ['a file replacing the layer root', () => [{ name: './', type: 'symlink', linkname: '../sentinel' }], /would replace the layer root/],
  ];

  for (const [name, entries, pattern] of corpus) {
    it(`rejects ${name}`, async () => {
      await expectRejected(await makeTar(entries()), pattern);
    });
  }

  it('rejects a gzip bomb once the decompressed bytes pass maxBytes', async () => {
    const tarball = await makeTar([{ name: 'zeros', body: Buffer.alloc(64 * 1024 * 1024) }]);
    const gzipped = Readable.from([tarball]).pipe(createGzip({ level: 1 }));
    await expectRejected(gzipped, /larger than the limit of 1048576 uncompressed bytes/, { maxBytes: 1024 * 1024 });
    const written = await lstat(path.join(dest, 'zeros')).then((s) => s.size, () => 0);
    expect(written).toBeLessThanOrEqual(1024 * 1024);
  });

  it('rejects more entries than maxEntries', async () => {
    const entries = Array.from({ length: 10 }, (_, i) => file(`f${i}`));
    await expectRejected(await makeTar(entries), /limit of 5 entries/, { maxEntries: 5 });
  });

  it('rejects a truncated archive, corrupt gzip and unsupported compression', async () => {
    const whole = await makeTar([file('big', 'x'.repeat(5000))]);
    await expectRejected(whole.subarray(0, 2048), /not a valid tar archive/);
    const gz = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      Readable.from([whole]).pipe(createGzip()).on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
    });
    await expectRejected(gz.subarray(0, gz.length - 20), /not a valid gzip stream/);
    await expectRejected(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]), /zstd-compressed layers are not supported/);
    await expectRejected(Buffer.alloc(600, 0x41), /not a valid tar archive/);
  });

  it('keeps absolute names inside the layer', async () => {
    const entries = [file(path.join(sentinel, 'file.txt'), 'contained'), file('//etc//passwd', 'root'), file('./././x', 'x')];
    expect(await attempt(await makeTar(entries))).toBeNull();
    expect(await readFile(path.join(dest, sentinel, 'file.txt'), 'utf8')).toBe('contained');
    expect(await readFile(path.join(dest, 'etc', 'passwd'), 'utf8')).toBe('root');
    expect(await readFile(path.join(dest, 'x'), 'utf8')).toBe('x');
  });

  it('replaces a symlink with a file or directory instead of writing through it', async () => {
    const entries: FixtureEntry[] = [
      { name: 'f', type: 'symlink', linkname: '../sentinel/file.txt' },
      file('f', 'replaced'),
      escape(),
      { name: 'escape', type: 'directory' },
      file('escape/file.txt', 'inside'),
    ];
    expect(await attempt(await makeTar(entries))).toBeNull();
    expect(await readFile(path.join(dest, 'f'), 'utf8')).toBe('replaced');
    expect((await lstat(path.join(dest, 'escape'))).isDirectory()).toBe(true);
    expect(await readFile(path.join(dest, 'escape', 'file.txt'), 'utf8')).toBe('inside');
  });
});
