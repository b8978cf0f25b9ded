import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEngineError } from '../errors.js';
import type { ContainerRow, EngineStore } from './engine-store.js';
import { findMigrationsDir, migrate } from './migrate.js';
import { DB_FILE, openStore } from './prisma-store.js';
import { newSchemaEngine } from './schema-engine.js';

let root: string;
let store: EngineStore | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-store-'));
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  await rm(root, { recursive: true, force: true });
});

const hex = (n: number) => n.toString(16).padStart(64, '0');
const container = (n: number, over: Partial<ContainerRow> = {}): ContainerRow => ({
  id: hex(n),
  name: `c${n}`,
  imageId: `sha256:${hex(1000)}`,
  created: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
  data: JSON.stringify({ id: hex(n), env: ['A=1'], n }),
  ...over,
});

async function code(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!isEngineError(err)) throw new Error(`expected an EngineError, got ${String(err)}`);
  return err.code;
}

describe('openStore', () => {
  it('round-trips images, tags and containers', async () => {
    store = await openStore(join(root, 'data'));
    const big = { id: `sha256:${hex(1)}`, config: '{"architecture":"amd64"}', manifestDigest: null, size: 5_000_000_000, created: new Date('2026-02-03T04:05:06.789Z') };
    await store.images.upsert(big);
    await store.images.upsert({ ...big, manifestDigest: `sha256:${hex(2)}` });
    expect(await store.images.all()).toEqual([{ ...big, manifestDigest: `sha256:${hex(2)}` }]);

    await store.tags.upsert({ reference: 'busybox:latest', imageId: big.id, updated: new Date(1) });
    await store.tags.upsert({ reference: 'localhost:5000/x:1', imageId: big.id, updated: new Date(2) });
    await store.tags.upsert({ reference: 'busybox:latest', imageId: `sha256:${hex(3)}`, updated: new Date(3) });
    expect(await store.tags.all()).toEqual([
      { reference: 'busybox:latest', imageId: `sha256:${hex(3)}`, updated: new Date(3) },
      { reference: 'localhost:5000/x:1', imageId: big.id, updated: new Date(2) },
    ]);
    await store.tags.delete('busybox:latest');
    expect((await store.tags.all()).map((t) => t.reference)).toEqual(['localhost:5000/x:1']);

    await store.containers.insert(container(2));
    await store.containers.insert(container(1));
    await store.containers.update(container(2, { name: 'renamed', data: '{"state":"running"}' }));
    expect(await store.containers.all()).toEqual([container(1), container(2, { name: 'renamed', data: '{"state":"running"}' })]);
    await store.containers.delete(hex(1));
    await store.images.delete(big.id);
    expect((await store.containers.all()).map((c) => c.id)).toEqual([hex(2)]);
    expect(await store.images.all()).toEqual([]);
  });

  it('refuses a taken name or id with CONFLICT and a missing row with NOT_FOUND', async () => {
    store = await openStore(root);
    await store.containers.insert(container(1, { name: 'web' }));
    await store.containers.insert(container(2, { name: 'db' }));

    const taken = await store.containers.insert(container(3, { name: 'web' })).catch((e: Error) => e);
    expect(isEngineError(taken, 'CONFLICT')).toBe(true);
    expect((taken as Error).message).toContain(`"/web" is already in use by container "${hex(1)}"`);
    expect(await code(store.containers.insert(container(1, { name: 'other' })))).toBe('CONFLICT');
    expect(await code(store.containers.update(container(2, { name: 'web' })))).toBe('CONFLICT');

    expect(await code(store.containers.update(container(9)))).toBe('NOT_FOUND');
    expect(await code(store.containers.delete(hex(9)))).toBe('NOT_FOUND');
    expect(await code(store.images.delete('sha256:nope'))).toBe('NOT_FOUND');
    expect(await code(store.tags.delete('nope:latest'))).toBe('NOT_FOUND');
    expect((await store.containers.all()).map((c) => c.name)).toEqual(['web', 'db']);
  });

  it('reports a file that is not a database as INTERNAL, naming it', async () => {
    await writeFile(join(root, DB_FILE), 'not a database, not even close'.repeat(100));
    const err = await openStore(root).catch((e: Error) => e);
    expect(isEngineError(err, 'INTERNAL')).toBe(true);
    expect((err as Error).message).toContain(join(root, DB_FILE));
  });

  it('keeps the data across a reopen, in one private WAL file', async () => {
    store = await openStore(root);
    await store.containers.insert(container(1));
    await store.tags.upsert({ reference: 'a:1', imageId: 'sha256:x', updated: new Date(5) });
    await store.close();

    store = await openStore(root);
    expect(await store.containers.all()).toEqual([container(1)]);
    expect(await store.tags.all()).toEqual([{ reference: 'a:1', imageId: 'sha256:x', updated: new Date(5) }]);
    expect((await stat(join(root, DB_FILE))).mode & 0o777).toBe(0o600);
    const db = new Database(join(root, DB_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});

describe('migrate', () => {
  const applied = (file: string) => {
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT migration_name AS name, checksum, finished_at AS finished FROM _prisma_migrations ORDER BY started_at').all();
    db.close();
    return rows as { name: string; checksum: string; finished: string | null }[];
  };

  it('applies each committed migration once, recorded as prisma migrate deploy does', async () => {
    const dir = findMigrationsDir();
    const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    const file = join(root, DB_FILE);

    expect(await migrate(file)).toEqual(names);
    expect(await migrate(file)).toEqual([]);
    const rows = applied(file);
    expect(rows.map((r) => r.name)).toEqual(names);
    for (const [i, row] of rows.entries()) {
      const sql = await readFile(join(dir, names[i]!, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished).not.toBeNull();
    }
  });

  it('upgrades a database made by any older set of the committed migrations', async () => {
    const dir = findMigrationsDir();
    const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    for (let keep = 0; keep < names.length; keep++) {
      const old = join(root, `old-${keep}`);
      await mkdir(old);
      await cp(join(dir, 'migration_lock.toml'), join(old, 'migration_lock.toml'));
      for (const name of names.slice(0, keep)) await cp(join(dir, name), join(old, name), { recursive: true });
      const data = join(root, `data-${keep}`);
      await mkdir(data);
      expect(await migrate(join(data, DB_FILE), { migrationsDir: old })).toEqual(names.slice(0, keep));

      store = await openStore(data);
      await store.containers.insert(container(1));
      expect(await store.containers.all()).toEqual([container(1)]);
      await store.close();
      store = undefined;
      expect(applied(join(data, DB_FILE)).map((r) => r.name)).toEqual(names);
    }
  });

  it('applies a new migration to a database in use and keeps its rows', async () => {
    store = await openStore(root);
    await store.containers.insert(container(1));
    await store.close();
    store = undefined;

    const next = join(root, 'next');
    await cp(findMigrationsDir(), next, { recursive: true });
    await mkdir(join(next, '99991231000000_test_extra'));
    await writeFile(join(next, '99991231000000_test_extra', 'migration.sql'), 'ALTER TABLE "Container" ADD COLUMN "testExtra" TEXT;\nCREATE TABLE "TestExtra" ("id" TEXT NOT NULL PRIMARY KEY);\n');
    expect(await migrate(join(root, DB_FILE), { migrationsDir: next })).toEqual(['99991231000000_test_extra']);

    const db = new Database(join(root, DB_FILE), { readonly: true });
    expect(db.prepare('SELECT id, testExtra FROM Container').all()).toEqual([{ id: hex(1), testExtra: null }]);
    db.close();
    // This build does not know that migration: it refuses instead of writing to a newer schema.
    expect(await code(openStore(root))).toBe('FAILED_PRECONDITION');
  });

  it('stops at a migration that fails, and keeps refusing until it is resolved', async () => {
    const broken = join(root, 'broken');
    await cp(findMigrationsDir(), broken, { recursive: true });
    await mkdir(join(broken, '99991231000000_broken'));
    await writeFile(join(broken, '99991231000000_broken', 'migration.sql'), 'ALTER TABLE "NoSuchTable" ADD COLUMN "x" TEXT;\n');
    const file = join(root, DB_FILE);
    for (let i = 0; i < 2; i++) {
      const err = await migrate(file, { migrationsDir: broken }).catch((e: Error) => e);
      expect(isEngineError(err, 'INTERNAL')).toBe(true);
      expect((err as Error).message).toContain('99991231000000_broken');
    }
    // The failed run released the file: the committed migrations are in and it opens for reads.
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM Container').get()).toEqual({ n: 0 });
    db.close();
  });

  it('has migrations that produce exactly schema.prisma, and a client generated from it', async () => {
    const dir = findMigrationsDir();
    const schemaPath = join(dir, '..', 'schema.prisma');
    const schema = await readFile(schemaPath, 'utf8');
    const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    const { engine, close } = await newSchemaEngine(':memory:');
    try {
      const diff = await engine.diff({
        from: {
          tag: 'migrations',
          baseDir: dir,
          lockfile: { path: 'migration_lock.toml', content: await readFile(join(dir, 'migration_lock.toml'), 'utf8') },
          shadowDbInitScript: '',
          migrationDirectories: await Promise.all(
            names.map(async (path) => ({ path, migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: await readFile(join(dir, path, 'migration.sql'), 'utf8') } } })),
          ),
        },
        to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      });
      // Fails after an edit of schema.prisma without `pnpm --filter @berth/engine db:migration <name>`.
      expect(diff.stdout?.trim()).toBe('-- This is an empty migration.');
    } finally {
      await close();
    }
    // Fails after an edit of schema.prisma without `pnpm --filter @berth/engine db:generate`.
    const generated = await readFile(new URL('./generated/internal/class.ts', import.meta.url), 'utf8');
    const inline = /"inlineSchema": ("(?:[^"\\]|\\.)*")/.exec(generated)?.[1];
    const words = (text: string) => text.split(/\s+/).join(' ');
    expect(inline && words(JSON.parse(inline))).toBe(words(schema));
  });
});

describe('the volume table', () => {
  it('round-trips volumes, refuses a taken name and a missing delete', async () => {
    store = await openStore(join(root, 'data'));
    const row = { name: 'data', driver: 'local', created: new Date('2026-12-04T07:00:00Z'), labels: '{"a":"b"}', options: null };
    await store.volumes.insert({ ...row, name: 'zz', labels: null, options: '{"type":"tmpfs","device":"tmpfs"}' });
    await store.volumes.insert(row);
    expect(await code(store.volumes.insert(row))).toBe('CONFLICT');
    expect((await store.volumes.all()).map((v) => v.name)).toEqual(['data', 'zz']);
    expect((await store.volumes.all())[0]).toEqual(row);
    await store.volumes.delete('data');
    expect(await code(store.volumes.delete('data'))).toBe('NOT_FOUND');
    await store.close();
    store = await openStore(join(root, 'data'));
    expect(await store.volumes.all()).toEqual([{ ...row, name: 'zz', labels: null, options: '{"type":"tmpfs","device":"tmpfs"}' }]);
  });
});

describe('the network table', () => {
  it('round-trips networks, refuses a taken name and a missing update or delete', async () => {
    store = await openStore(join(root, 'data'));
    const row = { id: hex(7), name: 'appnet', created: new Date('2026-12-04T07:00:00Z'), data: '{"subnet":"10.1.0.0/16"}' };
    await store.networks.insert(row);
    expect(await code(store.networks.insert({ ...row, id: hex(8) }))).toBe('CONFLICT');
    await store.networks.update({ ...row, data: '{"subnet":"10.2.0.0/16"}' });
    expect(await store.networks.all()).toEqual([{ ...row, data: '{"subnet":"10.2.0.0/16"}' }]);
    expect(await code(store.networks.update({ ...row, id: hex(9) }))).toBe('NOT_FOUND');
    await store.networks.delete(row.id);
    expect(await code(store.networks.delete(row.id))).toBe('NOT_FOUND');
    expect(await store.networks.all()).toEqual([]);
  });
});
