import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { chmod, chown, link, lstat, mkdir, mkdtemp, open, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { extractLayer } from './extract.js';
import { packEntry, packTree } from './tree-tar.js';

let base: string;
let root: string;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'berth-tree-tar-'));
  root = path.join(base, 'root');
  await mkdir(root);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const at = (...parts: string[]): string => path.join(root, ...parts);
const openRoot = () => open(root, constants.O_RDONLY | constants.O_DIRECTORY);

interface Listed {
  header: tar.Header;
  body: string;
}

async function list(archive: Readable): Promise<Map<string, Listed>> {
  const entries = new Map<string, Listed>();
  const extract = tar.extract();
  archive.on('error', (err) => extract.destroy(err)).pipe(extract);
  for await (const entry of extract) {
    let body = '';
    for await (const chunk of entry) body += (chunk as Buffer).toString();
    entries.set(entry.header.name, { header: entry.header, body });
  }
  return entries;
}

describe('packTree', () => {
  it('archives files, directories, links and special files with their owners and modes', async () => {
    await mkdir(at('bin'));
    await writeFile(at('bin', 'busybox'), 'binary');
    await chmod(at('bin', 'busybox'), 0o4755);
    await link(at('bin', 'busybox'), at('bin', 'sh'));
    await symlink('busybox', at('bin', 'true'));
    await mkdir(at('etc'), 0o750);
    await writeFile(at('etc', 'shadow'), 'secret');
    await chmod(at('etc', 'shadow'), 0);
    await chown(at('etc', 'shadow'), 0, 42);
    await writeFile(at('etc', 'owned'), 'x');
    await chown(at('etc', 'owned'), 300_000, 400_000);
    const long = `${'d'.repeat(90)}/${'f'.repeat(90)}/${'n'.repeat(90)}`;
    await mkdir(at(path.dirname(long)), { recursive: true });
    await writeFile(at(long), 'deep');
    execFileSync('mknod', [at('fifo'), 'p']);
    execFileSync('mknod', [at('null'), 'c', '1', '3']);
    const server = createServer().listen(at('socket'));
    await once(server, 'listening');

    const entries = await list(packTree(await openRoot()));
    server.close();

    expect([...entries.keys()]).not.toContain('socket');
    expect(entries.get('bin/')?.header).toMatchObject({ type: 'directory', mode: 0o755 });
    expect(entries.get('bin/busybox')).toMatchObject({ header: { type: 'file', mode: 0o4755, uid: 0, gid: 0, size: 6 }, body: 'binary' });
    expect(entries.get('bin/sh')?.header).toMatchObject({ type: 'link', linkname: 'bin/busybox', size: 0 });
    expect(entries.get('bin/true')?.header).toMatchObject({ type: 'symlink', linkname: 'busybox' });
    expect(entries.get('etc/')?.header.mode).toBe(0o750);
    expect(entries.get('etc/shadow')).toMatchObject({ header: { mode: 0, gid: 42 }, body: 'secret' });
    // Past ustar's six octal digits, owners go in PAX records.
    expect(entries.get('etc/owned')?.header.pax).toMatchObject({ uid: '300000', gid: '400000' });
    expect(entries.get(long)?.body).toBe('deep');
    expect(entries.get('fifo')?.header.type).toBe('fifo');
    expect(entries.get('null')?.header).toMatchObject({ type: 'character-device', devmajor: 1, devminor: 3 });
  });

  it('stores symlinks without following them out of the tree', async () => {
    const outside = path.join(base, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'host-secret'), 'do not export');
    await symlink(outside, at('absolute'));
    await symlink('../outside', at('relative'));
    await symlink('/', at('root'));

    const entries = await list(packTree(await openRoot()));
    expect([...entries.keys()].sort()).toEqual(['absolute', 'relative', 'root']);
    expect(entries.get('absolute')?.header).toMatchObject({ type: 'symlink', linkname: outside });
    expect([...entries.values()].some((e) => e.body.includes('do not export'))).toBe(false);
  });

  it('gives an archive the engine unpacks back to the same tree', async () => {
    await mkdir(at('usr', 'bin'), { recursive: true });
    await writeFile(at('usr', 'bin', 'tool'), 'tool');
    await chmod(at('usr', 'bin', 'tool'), 0o750);
    await chown(at('usr', 'bin', 'tool'), 1000, 1001);
    await link(at('usr', 'bin', 'tool'), at('usr', 'bin', 'alias'));
    await symlink('/usr/bin/tool', at('usr', 'bin', 'link'));
    await writeFile(at('usr', 'owned'), 'x');
    await chown(at('usr', 'owned'), 300_000, 400_000);

    const copy = path.join(base, 'copy');
    await mkdir(copy);
    await extractLayer(packTree(await openRoot()), copy);

    const tool = await lstat(path.join(copy, 'usr', 'bin', 'tool'));
    expect([tool.mode & 0o7777, tool.uid, tool.gid, tool.nlink]).toEqual([0o750, 1000, 1001, 2]);
    expect((await lstat(path.join(copy, 'usr', 'bin', 'alias'))).ino).toBe(tool.ino);
    expect(await readlink(path.join(copy, 'usr', 'bin', 'link'))).toBe('/usr/bin/tool');
    expect(await readFile(path.join(copy, 'usr', 'bin', 'tool'), 'utf8')).toBe('tool');
    const owned = await lstat(path.join(copy, 'usr', 'owned'));
    expect([owned.uid, owned.gid]).toEqual([300_000, 400_000]);
  });

  it('fails on a tree nested deeper than the engine unpacks, rather than leave part of it out', async () => {
    await mkdir(at(...Array.from({ length: 300 }, () => 'd')), { recursive: true });
    const handle = await openRoot();
    await expect(list(packTree(handle))).rejects.toThrow(/nested more than 256 directories deep/);
    await vi.waitFor(() => expect(handle.fd).toBe(-1), { timeout: 5000 });
  });

  it('stops the walk and closes the root when the reader goes away', async () => {
    for (let i = 0; i < 20; i++) await writeFile(at(`big-${i}`), Buffer.alloc(1024 * 1024, i));
    const handle = await openRoot();
    const archive = packTree(handle);
    await once(archive, 'readable');
    archive.destroy();
    await vi.waitFor(() => expect(handle.fd).toBe(-1), { timeout: 5000 });
  });
});

describe('packEntry', () => {
  it('archives one entry under the name asked for, a directory with what is in it', async () => {
    await mkdir(at('data', 'sub'), { recursive: true });
    await writeFile(at('data', 'sub', 'f.txt'), 'f');
    await symlink('/data', at('link'));
    const names = async (name: string | null, archiveName: string, dir = root): Promise<string[]> =>
      [...(await list(packEntry(await open(dir, constants.O_RDONLY | constants.O_DIRECTORY), name, archiveName))).keys()].sort();

    expect(await names('data', 'renamed')).toEqual(['renamed/', 'renamed/sub/', 'renamed/sub/f.txt']);
    expect(await names('link', 'link')).toEqual(['link']);
    expect(await names(null, '.', at('data'))).toEqual(['./', './sub/', './sub/f.txt']);
    expect(await names(null, '')).toEqual(['/', '/data/', '/data/sub/', '/data/sub/f.txt', '/link']);
  });

  it('leaves out what is in kernel filesystems such as /proc', async () => {
    const entries = await list(packEntry(await open('/', constants.O_RDONLY | constants.O_DIRECTORY), 'proc', 'proc'));
    expect([...entries.keys()]).toEqual(['proc/']);
  });
});
