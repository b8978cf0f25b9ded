import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInRoot } from './rootfs-path.js';
import { makeBusyboxRootfs } from './test-fixture.js';
import { resolveUser } from './user.js';

describe('resolveUser', () => {
  let dir: string;
  let rootfs: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'berth-user-'));
    rootfs = await makeBusyboxRootfs(path.join(dir, 'rootfs'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves the forms Docker accepts', async () => {
    expect(await resolveUser(rootfs, '')).toEqual({ uid: 0, gid: 0, additionalGids: [10] });
    expect(await resolveUser(rootfs, 'root')).toEqual({ uid: 0, gid: 0, additionalGids: [10] });
    expect(await resolveUser(rootfs, '0')).toEqual({ uid: 0, gid: 0, additionalGids: [10] });
    expect(await resolveUser(rootfs, 'alice')).toEqual({ uid: 1000, gid: 1000, additionalGids: [10, 50] });
    expect(await resolveUser(rootfs, '1000')).toEqual({ uid: 1000, gid: 1000, additionalGids: [10, 50] });
    expect(await resolveUser(rootfs, 'alice:staff')).toEqual({ uid: 1000, gid: 50, additionalGids: [] });
    expect(await resolveUser(rootfs, '1000:1000')).toEqual({ uid: 1000, gid: 1000, additionalGids: [] });
    expect(await resolveUser(rootfs, '4242')).toEqual({ uid: 4242, gid: 0, additionalGids: [] });
    expect(await resolveUser(rootfs, '4242:777')).toEqual({ uid: 4242, gid: 777, additionalGids: [] });
    expect(await resolveUser(rootfs, 'nobody:nogroup')).toEqual({ uid: 65534, gid: 65534, additionalGids: [] });
  });

  it('names an unknown user or group the way runc does', async () => {
    await expect(resolveUser(rootfs, 'mallory')).rejects.toThrow('unable to find user mallory: no matching entries in passwd file');
    await expect(resolveUser(rootfs, 'mallory')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(resolveUser(rootfs, 'alice:ghosts')).rejects.toThrow('unable to find group ghosts: no matching entries in group file');
  });

  it('works without /etc/passwd for numeric users only', async () => {
    const bare = path.join(dir, 'bare');
    await mkdir(bare);
    expect(await resolveUser(bare, '')).toEqual({ uid: 0, gid: 0, additionalGids: [] });
    expect(await resolveUser(bare, '5:6')).toEqual({ uid: 5, gid: 6, additionalGids: [] });
    await expect(resolveUser(bare, 'root')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('never follows a symlink out of the root filesystem', async () => {
    // A host file the container must not be able to point the engine at.
    const secret = path.join(dir, 'host-passwd');
    await writeFile(secret, 'hostonly:x:4321:4321::/:/bin/sh\n');
    const evil = path.join(dir, 'evil');
    await mkdir(path.join(evil, 'etc'), { recursive: true });
    await symlink(secret, path.join(evil, 'etc', 'passwd'));
    await expect(resolveUser(evil, 'hostonly')).rejects.toThrow(/unable to find user hostonly/);

    const evil2 = path.join(dir, 'evil2');
    await mkdir(evil2);
    await symlink('../../../../../../..', path.join(evil2, 'etc'));
    expect(await resolveInRoot(evil2, '/etc/passwd')).toBe(path.join(evil2, 'passwd'));
    await expect(resolveUser(evil2, 'root')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('follows symlinks that stay inside the root filesystem', async () => {
    const inside = path.join(dir, 'inside');
    await mkdir(path.join(inside, 'data'), { recursive: true });
    await writeFile(path.join(inside, 'data', 'passwd'), 'app:x:77:88::/:/bin/sh\n');
    await symlink('/data', path.join(inside, 'etc'));
    expect(await resolveUser(inside, 'app')).toEqual({ uid: 77, gid: 88, additionalGids: [] });
  });
});
