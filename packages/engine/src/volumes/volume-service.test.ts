import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isEngineError } from '../errors.js';
import pino from 'pino';
import { VolumeService } from './volume-service.js';
import { testVolumeService } from './volume-test-support.js';
import { ANONYMOUS_LABEL } from './volume-name.js';

let roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.map((r) => rm(path.dirname(r), { recursive: true, force: true })));
  roots = [];
});
async function setup() {
  const t = await testVolumeService();
  roots.push(t.root);
  return t;
}
const filters = (entries: Record<string, string[]>) => new Map(Object.entries(entries));
async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!isEngineError(err)) throw new Error(`expected an EngineError, got ${String(err)}`);
  return `${err.code}: ${err.message}`;
}

describe('VolumeService', () => {
  it('creates a volume once, with its directory, labels and options, and keeps it across restarts', async () => {
    const { volumes, root, table, host } = await setup();
    const { volume, created } = await volumes.create({ name: 'data', labels: { a: 'b' } });
    expect(created).toBe(true);
    expect(volume).toMatchObject({ name: 'data', driver: 'local', labels: { a: 'b' }, options: null, mountpoint: path.join(root, 'data', '_data') });
    expect((await stat(volume.mountpoint)).mode & 0o777).toBe(0o755);
    expect((await volumes.create({ name: 'data' })).created).toBe(false);
    await volumes.create({ name: 'tmp', options: { type: 'tmpfs', device: 'tmpfs', o: 'size=10m' } });

    const again = new VolumeService({ root, table, host, containersUsing: () => [], logger: pino({ level: 'silent' }) });
    await again.init();
    expect(again.list().map((v) => [v.name, v.options])).toEqual([['data', null], ['tmp', { type: 'tmpfs', device: 'tmpfs', o: 'size=10m' }]]);
  });

  it('names anonymous volumes with 64 hex digits and the anonymous label', async () => {
    const { volumes } = await setup();
    const { volume } = await volumes.create({});
    expect(volume.name).toMatch(/^[0-9a-f]{64}$/);
    expect(volume.labels).toEqual({ [ANONYMOUS_LABEL]: '' });
  });

  it('refuses bad names, drivers and options without leaving anything behind', async () => {
    const { volumes, root } = await setup();
    expect(await codeOf(volumes.create({ name: 'a/b' }))).toMatch(/^INVALID_ARGUMENT: create a\/b: "a\/b" includes invalid characters for a local volume name/);
    expect(await codeOf(volumes.create({ name: 'x' }))).toMatch(/^INVALID_ARGUMENT/);
    expect(await codeOf(volumes.create({ name: '..' }))).toMatch(/^INVALID_ARGUMENT/);
    expect(await codeOf(volumes.create({ name: 'v1', driver: 'nfs' }))).toBe('NOT_FOUND: create v1: error looking up volume plugin nfs: plugin "nfs" not found');
    expect(await codeOf(volumes.create({ name: 'v1', options: { foo: 'x' } }))).toBe('INVALID_ARGUMENT: create v1: invalid option: "foo"');
    expect(await codeOf(volumes.create({ name: 'v1', options: { type: 'tmpfs' } }))).toBe('INVALID_ARGUMENT: create v1: missing required option: "device"');
    expect(await codeOf(volumes.create({ name: 'v1', options: { o: 'size=1m', type: 'tmpfs' } }))).toBe('INVALID_ARGUMENT: create v1: missing required option: "device"');
    expect(await readdir(root)).toEqual([]);
  });

  it('filters the list by name, label, driver and dangling', async () => {
    const { volumes, users } = await setup();
    await volumes.create({ name: 'web-data', labels: { tier: 'web' } });
    await volumes.create({ name: 'db-data', labels: { tier: 'db' } });
    users.set('db-data', [{ id: 'c1', running: false }]);
    const names = (f: Record<string, string[]>) => volumes.list(filters(f)).map((v) => v.name);
    expect(names({})).toEqual(['db-data', 'web-data']);
    expect(names({ name: ['web'] })).toEqual(['web-data']);
    expect(names({ label: ['tier=db'] })).toEqual(['db-data']);
    expect(names({ label: ['tier'] })).toEqual(['db-data', 'web-data']);
    expect(names({ driver: ['local'] })).toEqual(['db-data', 'web-data']);
    expect(names({ dangling: ['true'] })).toEqual(['web-data']);
    expect(names({ dangling: ['0'] })).toEqual(['db-data']);
    expect(() => names({ dangling: ['maybe'] })).toThrow("invalid filter 'dangling=maybe'");
    expect(() => names({ colour: ['x'] })).toThrow("invalid filter 'colour'");
  });

  it('refuses to remove a volume in use, naming the containers; force only ignores a missing one', async () => {
    const { volumes, users, root } = await setup();
    await volumes.create({ name: 'shared' });
    users.set('shared', [{ id: 'c1', running: true }]);
    volumes.reference('shared', 'c2');
    expect(await codeOf(volumes.remove('shared'))).toBe('CONFLICT: remove shared: volume is in use - [c2, c1]');
    expect(await codeOf(volumes.remove('shared', { force: true }))).toMatch(/^CONFLICT/);
    users.delete('shared');
    volumes.release('shared', 'c2');
    await volumes.remove('shared');
    expect(await readdir(root)).toEqual([]);
    expect(await codeOf(volumes.remove('shared'))).toBe('NOT_FOUND: get shared: no such volume');
    await volumes.remove('shared', { force: true });
    expect(await codeOf(Promise.resolve().then(() => volumes.get('shared')))).toBe('NOT_FOUND: get shared: no such volume');
  });

  it('prunes unused anonymous volumes, or every unused one with all, and counts the bytes', async () => {
    const { volumes, users } = await setup();
    const anon = (await volumes.create({})).volume;
    const anonInUse = (await volumes.create({})).volume;
    await volumes.create({ name: 'named', labels: { keep: 'no' } });
    await volumes.create({ name: 'kept', labels: { keep: 'yes' } });
    users.set(anonInUse.name, [{ id: 'c1', running: false }]);
    await mkdir(path.join(anon.mountpoint, 'd'));
    await writeFile(path.join(anon.mountpoint, 'd', 'f'), 'x'.repeat(1000));

    expect(await volumes.prune(new Map())).toEqual({ deleted: [anon.name], reclaimed: 1000 });
    expect(await volumes.prune(filters({ all: ['true'], 'label!': ['keep=yes'] }))).toEqual({ deleted: ['named'], reclaimed: 0 });
    expect(await volumes.prune(new Map(), true)).toEqual({ deleted: ['kept'], reclaimed: 0 });
    expect(volumes.list().map((v) => v.name)).toEqual([anonInUse.name]);
    await expect(volumes.prune(filters({ dangling: ['true'] }))).rejects.toThrow("invalid filter 'dangling'");
  });

  it('mounts a volume with options while running containers use it', async () => {
    const { volumes, host, users } = await setup();
    const { volume } = await volumes.create({ name: 'scratch', options: { type: 'tmpfs', device: 'tmpfs', o: 'size=10m' } });
    await volumes.activate('scratch');
    await volumes.activate('scratch');
    expect(host.calls).toEqual([['mount', '-t', 'tmpfs', '-o', 'size=10m', 'tmpfs', volume.mountpoint]]);
    users.set('scratch', [{ id: 'c1', running: true }]);
    await volumes.deactivate('scratch');
    expect(host.mounted.has(volume.mountpoint)).toBe(true);
    users.set('scratch', [{ id: 'c1', running: false }]);
    await volumes.deactivate('scratch');
    expect(host.mounted.has(volume.mountpoint)).toBe(false);
    // A plain volume is never mounted.
    await volumes.create({ name: 'plain' });
    await volumes.activate('plain');
    expect(host.calls).toHaveLength(2);
  });

  it('sweeps volume directories that have no record at start', async () => {
    const { root, table, host } = await setup();
    await mkdir(path.join(root, 'stray', '_data'), { recursive: true });
    const again = new VolumeService({ root, table, host, containersUsing: () => [], logger: pino({ level: 'silent' }) });
    await again.init();
    expect(await readdir(root)).toEqual([]);
  });
});
