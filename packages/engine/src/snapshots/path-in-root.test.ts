import { mkdir, mkdtemp, open, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPEN_DIRECTORY } from './fd-path.js';
import { type RootLocation, locateInRoot } from './path-in-root.js';

let base: string;
let root: string;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'berth-path-in-root-'));
  root = path.join(base, 'root');
  await mkdir(path.join(root, 'etc'), { recursive: true });
  await mkdir(path.join(root, 'data', 'sub'), { recursive: true });
  await writeFile(path.join(root, 'etc', 'passwd'), 'inside\n');
  // A host file of the same name beside the root: reaching it would be an escape.
  await mkdir(path.join(base, 'etc'));
  await writeFile(path.join(base, 'etc', 'passwd'), 'OUTSIDE\n');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Locates `p` and returns where the handle really points on the host, and the entry name. */
async function locate(p: string, followLast = true): Promise<{ host: string; name: string | null; path: string }> {
  const handle = await open(root, OPEN_DIRECTORY);
  let found: RootLocation | undefined;
  try {
    found = await locateInRoot(handle, p, followLast);
    const host = await readlink(`/proc/self/fd/${found.dir.fd}`);
    return { host: path.relative(root, host) || '.', name: found.name, path: found.path };
  } finally {
    await found?.dir.close();
    await handle.close();
  }
}

describe('locateInRoot', () => {
  it('finds directories and files by their path in the root', async () => {
    expect(await locate('/data/sub')).toEqual({ host: 'data/sub', name: null, path: '/data/sub' });
    expect(await locate('etc/passwd')).toEqual({ host: 'etc', name: 'passwd', path: '/etc/passwd' });
    expect(await locate('/')).toEqual({ host: '.', name: null, path: '/' });
  });

  it('keeps `..` at the root', async () => {
    expect(await locate('/../../etc/passwd')).toEqual({ host: 'etc', name: 'passwd', path: '/etc/passwd' });
    await symlink('../../../..', path.join(root, 'data', 'up'));
    expect(await locate('/data/up/etc/passwd')).toEqual({ host: 'etc', name: 'passwd', path: '/etc/passwd' });
    expect(await locate('/data/up')).toEqual({ host: '.', name: null, path: '/' });
  });

  it('resolves absolute symlinks from the root, not from the host', async () => {
    await symlink('/etc', path.join(root, 'data', 'etc-link'));
    await symlink('/etc/passwd', path.join(root, 'pw'));
    expect(await locate('/data/etc-link/passwd')).toEqual({ host: 'etc', name: 'passwd', path: '/etc/passwd' });
    expect(await locate('/pw')).toEqual({ host: 'etc', name: 'passwd', path: '/etc/passwd' });
  });

  it('leaves the last component alone unless asked to follow it', async () => {
    await symlink('/data/sub', path.join(root, 'link'));
    expect(await locate('/link', false)).toEqual({ host: '.', name: 'link', path: '/link' });
    expect(await locate('/link', true)).toEqual({ host: 'data/sub', name: null, path: '/data/sub' });
    // `..` in the path itself is lexical: /link/.. is the root, not /data.
    expect(await locate('/link/..', true)).toEqual({ host: '.', name: null, path: '/' });
  });

  it('gives up on symlink loops', async () => {
    await symlink('b', path.join(root, 'a'));
    await symlink('a', path.join(root, 'b'));
    await expect(locate('/a/x')).rejects.toThrow(/too many levels of symbolic links/);
    await symlink('.', path.join(root, 'self'));
    expect(await locate('/self/self/self/etc/passwd')).toMatchObject({ host: 'etc', name: 'passwd' });
  });

  it('reports missing paths and files used as directories as not found', async () => {
    await expect(locate('/nope/x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(locate('/etc/passwd/x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await symlink('/nowhere', path.join(root, 'dangling'));
    await expect(locate('/dangling')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await locate('/dangling', false)).toMatchObject({ name: 'dangling' });
  });
});
