import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../test/support/postgres.js';
import { RegistryError } from '../errors.js';
import { digestOf, manifestOf, runMetadataSuite } from './metadata-suite.js';
import { openMetadata } from './prisma-metadata.js';

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-registry-md-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

runMetadataSuite('SQLite', () => openMetadata(join(root, `suite-${n++}`, 'registry.db')));

describe('PostgreSQL', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
    // Migrated once; each test gets a copy.
    (await openMetadata(await pg.createDatabase('template'))).close();
  });
  afterAll(async () => {
    await pg?.stop();
  });
  runMetadataSuite('PostgreSQL', async () => openMetadata(await pg.createDatabase(`suite_${n++}`, 'template')));

  it('migrates an empty database on first open, and only then', async () => {
    const url = await pg.createDatabase('fresh');
    const md = await openMetadata(url);
    await md.putManifest('app', manifestOf('m'), 'v1');
    await md.close();
    const again = await openMetadata(url);
    expect(await again.tags('app', {})).toEqual(['v1']);
    await again.close();
  });
});

describe('openMetadata on SQLite', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(root, 'open-'));
  });

  it('takes file: URLs and plain paths, keeps data across a reopen, in WAL mode', async () => {
    const file = join(dir, 'nested', 'registry.db');
    const md = await openMetadata(`file:${file}`);
    await md.linkBlob('app', { digest: digestOf('a'), size: 1 });
    await md.close();
    const again = await openMetadata(file);
    expect(await again.linkedBlob('app', digestOf('a'))).toMatchObject({ size: 1 });
    await again.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses a database written by a newer berth-registry', async () => {
    const file = join(dir, 'registry.db');
    await (await openMetadata(file)).close();
    const db = new Database(file);
    db.prepare(
      "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ('x', 'x', '99991231000000_future', 0, 0, 1)",
    ).run();
    db.close();
    const err = await openMetadata(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('FAILED_PRECONDITION');
    expect((err as Error).message).toContain('99991231000000_future');
  });

  it('names the file it cannot open', async () => {
    const plain = join(dir, 'plain');
    await writeFile(plain, 'not a folder');
    for (const file of [join(plain, 'registry.db'), plain]) {
      const err = await openMetadata(file).then(
        async (md) => {
          await md.close();
          return new Error(`opened ${file}`);
        },
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(RegistryError);
      expect((err as RegistryError).code).toBe('UNAVAILABLE');
      expect((err as Error).message).toContain(file);
    }
  });
});

