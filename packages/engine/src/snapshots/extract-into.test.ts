import { lstat, mkdir, mkdtemp, open, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractInto, type ExtractIntoOptions } from './extract-into.js';
import { OPEN_DIRECTORY } from './fd-path.js';
import { type FixtureEntry, makeTar, snapshotTree } from './tar-fixtures.js';

let base: string;
let sentinel: string;
let dest: string;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'berth-extract-into-'));
  sentinel = path.join(base, 'sentinel');
  dest = path.join(base, 'dest');
  await mkdir(path.join(sentinel, 'sub'), { recursive: true });
  await writeFile(path.join(sentinel, 'file.txt'), 'precious');
  await mkdir(path.join(dest, 'existing'), { recursive: true });
  await writeFile(path.join(dest, 'existing', 'old.txt'), 'old');
  // What a hostile container leaves in the destination: links out of it.
  await symlink(sentinel, path.join(dest, 'out'));
  await symlink(path.join(sentinel, 'file.txt'), path.join(dest, 'out-file'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Unpacks `entries` into `dest` through a handle, proving the sentinel beside it unchanged; returns the error. */
async function unpack(entries: FixtureEntry[], opts: Partial<ExtractIntoOptions> = {}): Promise<unknown> {
  const before = await snapshotTree(sentinel);
  const handle = await open(dest, OPEN_DIRECTORY);
  const tarball = await makeTar(entries);
  const error = await extractInto(Readable.from([tarball]), handle, { where: '/dest', noOverwriteDirNonDir: true, ...opts })
    .then(() => null, (err: unknown) => err)
    .finally(() => handle.close());
  expect(await snapshotTree(sentinel)).toEqual(before);
  return error;
}

describe('extractInto', () => {
  it('unpacks files, directories and symlinks with their owners, replacing existing files', async () => {
    const error = await unpack([
      { name: 'new/', type: 'directory', mode: 0o750, uid: 12, gid: 34 },
      { name: 'new/a.txt', body: 'a', mode: 0o640, uid: 12, gid: 34 },
      { name: 'existing/old.txt', body: 'replaced' },
      { name: 'l', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'out-file', body: 'not through the link' },
    ]);
    expect(error).toBeNull();
    const a = await lstat(path.join(dest, 'new', 'a.txt'));
    expect([a.mode & 0o7777, a.uid, a.gid]).toEqual([0o640, 12, 34]);
    expect((await lstat(path.join(dest, 'new'))).mode & 0o7777).toBe(0o750);
    expect(await readFile(path.join(dest, 'existing', 'old.txt'), 'utf8')).toBe('replaced');
    expect(await readlink(path.join(dest, 'l'))).toBe('/etc/passwd');
    // The symlink was replaced, not written through.
    expect((await lstat(path.join(dest, 'out-file'))).isFile()).toBe(true);
  });

  it('sets every owner to the one asked for', async () => {
    expect(await unpack([{ name: 'f', body: 'x', uid: 5, gid: 5 }], { owner: { uid: 1000, gid: 1001 } })).toBeNull();
    const f = await lstat(path.join(dest, 'f'));
    expect([f.uid, f.gid]).toEqual([1000, 1001]);
  });

  it('never writes through a symlinked parent or outside the destination', async () => {
    for (const entries of [
      [{ name: 'out/evil.txt', body: 'x' }],
      [{ name: 'out/sub/', type: 'directory' as const }],
      [{ name: '../escape.txt', body: 'x' }],
      [{ name: 'hl', type: 'link' as const, linkname: 'out/file.txt' }],
      [{ name: 'hl', type: 'link' as const, linkname: 'out-file' }],
    ]) {
      expect(await unpack(entries)).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });

  it('refuses to replace a directory with a file (and back) when asked, as the docker CLI does', async () => {
    expect(await unpack([{ name: 'existing', body: 'x' }])).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('cannot overwrite directory "/dest/existing"') });
    await writeFile(path.join(dest, 'plain'), 'x');
    expect(await unpack([{ name: 'plain/', type: 'directory' }])).toMatchObject({ code: 'CONFLICT' });
    // Without the option a directory is replaced, removed through handles (its symlink to the sentinel included).
    await symlink(sentinel, path.join(dest, 'existing', 'link-out'));
    expect(await unpack([{ name: 'existing', body: 'now a file' }], { noOverwriteDirNonDir: false })).toBeNull();
    expect(await readFile(path.join(dest, 'existing'), 'utf8')).toBe('now a file');
  });

  it('leaves the destination directory itself alone', async () => {
    const before = await lstat(dest);
    expect(await unpack([{ name: './', type: 'directory', mode: 0o700, uid: 9 }, { name: './x', body: 'x' }])).toBeNull();
    const after = await lstat(dest);
    expect([after.mode, after.uid]).toEqual([before.mode, before.uid]);
  });
});
