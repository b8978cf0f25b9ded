import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HostConfig } from '@berth/sdk';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { ContainerMounts, type MountedContainer } from './container-mounts.js';
import { testVolumeService } from './volume-test-support.js';

let cleanup: string[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((r) => rm(r, { recursive: true, force: true })));
  cleanup = [];
});

async function setup(existing: string[] = ['/etc']) {
  const t = await testVolumeService();
  cleanup.push(path.dirname(t.root));
  const containers = new Map<string, MountedContainer>();
  const mounts = new ContainerMounts({
    volumes: t.volumes,
    findContainer: (ref) => {
      const c = containers.get(ref);
      if (!c) throw new EngineError('NOT_FOUND', `No such container: ${ref}`);
      return c;
    },
    pathExists: (p) => existing.includes(p),
    logger: pino({ level: 'silent' }),
  });
  return { ...t, containers, mounts };
}

const summary = (m: { type: string; name?: string; destination: string; rw: boolean; mode: string }) => [m.type, m.name ?? '', m.destination, m.rw, m.mode];

describe('ContainerMounts.attach', () => {
  it('resolves -v, --mount and image VOLUMEs in dockerd order, creating the volumes', async () => {
    const { mounts, volumes } = await setup();
    const hostConfig: HostConfig = {
      Binds: ['named:/data', '/srv/app:/app:ro'],
      Mounts: [{ Type: 'bind', Source: '/etc', Target: '/host-etc', ReadOnly: true }, { Type: 'tmpfs', Target: '/scratch' }],
      Tmpfs: { '/run': 'size=1m' },
    };
    const { mounts: list } = await mounts.attach('c1', hostConfig, { '/data': {}, '/cache': {}, '/run': {} });
    expect(list.map(summary)).toEqual([
      ['volume', 'named', '/data', true, 'z'],
      ['bind', '', '/app', false, 'ro'],
      ['bind', '', '/host-etc', false, ''],
      ['tmpfs', '', '/scratch', true, ''],
      ['volume', list[4]!.name, '/cache', true, ''],
    ]);
    expect(list[4]!.name).toMatch(/^[0-9a-f]{64}$/);
    expect(list[4]!.anonymous).toBe(true);
    expect(list[0]!.source).toBe(volumes.mountpoint('named'));
    expect(volumes.users('named')).toEqual(['c1']);
  });

  it('refuses duplicates and bad specs before creating any volume', async () => {
    const { mounts, volumes } = await setup();
    await expect(mounts.attach('c1', { Binds: ['v1:/data', 'v2:/data'] }, {})).rejects.toThrow('Duplicate mount point: /data');
    await expect(mounts.attach('c1', { Binds: ['v1:/a'], Mounts: [{ Type: 'bind', Source: '/nope', Target: '/b' }] }, {}))
      .rejects.toThrow('invalid mount config for type "bind": bind source path does not exist: /nope');
    await expect(mounts.attach('c1', { Binds: ['v1:/a', 'bad/name:/b'] }, {})).rejects.toThrow(/create bad\/name: "bad\/name" includes invalid characters/);
    await expect(mounts.attach('c1', { Mounts: [{ Type: 'volume', Source: 'v1', Target: '/a', VolumeOptions: { DriverConfig: { Name: 'nfs' } } }] }, {}))
      .rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('plugin "nfs" not found') });
    await expect(mounts.attach('c1', { Binds: ['v1:/a'], Tmpfs: { '/a': '' } }, {})).rejects.toThrow('Duplicate mount point: /a');
    await expect(mounts.attach('c1', { Binds: ['v1:/a'] }, { relative: {} })).rejects.toThrow('mount path must be absolute');
    expect(volumes.list()).toEqual([]);
  });

  it('undoes the volumes it created and the references it took', async () => {
    const { mounts, volumes } = await setup();
    await volumes.create({ name: 'old' });
    const attached = await mounts.attach('c1', { Binds: ['old:/a', 'new:/b'] }, { '/c': {} });
    expect(volumes.list()).toHaveLength(3);
    await attached.undo();
    expect(volumes.list().map((v) => v.name)).toEqual(['old']);
    expect(volumes.users('old')).toEqual([]);
  });

  it('takes --volumes-from mounts, read-only when asked, letting -v replace one', async () => {
    const { mounts, containers } = await setup();
    const source = await mounts.attach('src', { Binds: ['shared:/data', '/srv:/srv'] }, { '/anon': {} });
    containers.set('src', { id: 'src', hostConfig: {}, mounts: source.mounts });
    const { mounts: list } = await mounts.attach('c2', { VolumesFrom: ['src:ro'], Binds: ['other:/srv'] }, {});
    expect(list.map(summary)).toEqual([
      ['volume', 'shared', '/data', false, ''],
      ['volume', 'other', '/srv', true, 'z'],
      ['volume', source.mounts[2]!.name, '/anon', false, ''],
    ]);
    await expect(mounts.attach('c3', { VolumesFrom: ['nope'] }, {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: 'No such container: nope' });
  });
});

describe('ContainerMounts.prepare and detach', () => {
  it('gives OCI mounts, with copy-up and -v host directories created', async () => {
    const { mounts, volumes } = await setup();
    const rootfs = path.join(path.dirname(volumes.mountpoint('x')), '..', 'rootfs');
    const hostDir = path.join(path.dirname(rootfs), 'host', 'made');
    await mkdir(path.join(rootfs, 'data'), { recursive: true });
    await writeFile(path.join(rootfs, 'data', 'seed'), 'from image');
    const hostConfig: HostConfig = { Binds: [`${hostDir}:/data/host:ro`, 'named:/data'], Mounts: [{ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024 } }], Tmpfs: { '/run': 'exec' } };
    const attached = await mounts.attach('c1', hostConfig, {});
    const oci = await mounts.prepare({ id: 'c1', hostConfig, mounts: attached.mounts }, rootfs);
    expect(oci).toEqual([
      { destination: '/data/host', type: 'bind', source: hostDir, options: ['rbind', 'rprivate', 'ro'] },
      { destination: '/data', type: 'bind', source: volumes.mountpoint('named'), options: ['rbind', 'rprivate'] },
      { destination: '/t', type: 'tmpfs', source: 'tmpfs', options: ['noexec', 'nosuid', 'nodev', 'rprivate', 'size=1k'] },
      { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'rprivate', 'exec'] },
    ]);
    expect((await stat(hostDir)).isDirectory()).toBe(true);
    expect(await readFile(path.join(volumes.mountpoint('named'), 'seed'), 'utf8')).toBe('from image');
  });

  it('fails a start whose --mount bind source has gone', async () => {
    const { mounts } = await setup(['/gone']);
    const hostConfig: HostConfig = { Mounts: [{ Type: 'bind', Source: '/gone', Target: '/x' }] };
    const attached = await mounts.attach('c1', hostConfig, {});
    await expect(mounts.prepare({ id: 'c1', hostConfig, mounts: attached.mounts }, '/nonexistent-rootfs'))
      .rejects.toThrow('bind source path does not exist: /gone');
  });

  it('removes only anonymous volumes on rm -v, and keeps ones another container uses', async () => {
    const { mounts, volumes, containers } = await setup();
    const first = await mounts.attach('c1', { Binds: ['named:/n'] }, { '/a': {}, '/b': {} });
    const c1 = { id: 'c1', hostConfig: {}, mounts: first.mounts };
    containers.set('c1', c1);
    const second = await mounts.attach('c2', { Binds: [`${first.mounts[2]!.name}:/shared`] }, {});
    await mounts.detach(c1, true);
    expect(volumes.list().map((v) => v.name).sort()).toEqual(['named', first.mounts[2]!.name].sort());
    await mounts.detach({ id: 'c2', hostConfig: {}, mounts: second.mounts }, true);
    expect(volumes.list().map((v) => v.name).sort()).toEqual(['named', first.mounts[2]!.name].sort());
  });
});
