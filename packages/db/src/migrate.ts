import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { MigrationError } from './migration-error.js';
import { migrationList, readMigrations, type Migration } from './migrations-dir.js';
import { openSchemaEngine } from './schema-engine.js';

export interface MigrateOptions {
  /** Prisma's migrations folder: `<name>/migration.sql` folders and `migration_lock.toml`. */
  migrationsDir: string;
  /** Receives the schema engine's log lines (JSON text). */
  log?: (line: string) => void;
}

/**
 * Brings the database behind `factory` (a Prisma driver adapter factory: SQLite through
 * `PrismaBetterSqlite3`, PostgreSQL through `PrismaPg`) up to the migrations in
 * `migrationsDir`, the way `prisma migrate deploy` does and with the same `_prisma_migrations`
 * bookkeeping: it is Prisma's own schema engine, compiled to WebAssembly. A SQLite file is
 * created when missing and switched to WAL. When nothing is pending it only reads
 * `_prisma_migrations` and never loads the engine. Returns the names of the migrations it
 * applied; throws a {@link MigrationError}.
 */
export async function migrate(factory: SqlMigrationAwareDriverAdapterFactory, options: MigrateOptions): Promise<string[]> {
  const migrations = await readMigrations(options.migrationsDir);
  try {
    if (!(await pending(factory, migrations))) return [];
  } catch (err) {
    if (err instanceof MigrationError) throw err;
    throw new MigrationError('OPEN', [], (err as Error)?.message ?? String(err), { cause: err });
  }

  let close = async () => {};
  try {
    const opened = await openSchemaEngine(factory, { log: options.log });
    close = opened.close;
    const { appliedMigrationNames } = await opened.engine.applyMigrations({
      migrationsList: await migrationList(options.migrationsDir, migrations),
      filters: { externalTables: [], externalEnums: [] },
    });
    return appliedMigrationNames;
  } catch (err) {
    await close();
    const failed = await failedMigrations(factory);
    throw new MigrationError('FAILED', failed, (err as Error)?.message ?? String(err), { cause: err });
  } finally {
    await close();
  }
}

/**
 * Whether there is work to do: a migration not yet finished, or one that failed. A database
 * that has migrations these files do not know was written by a newer build.
 */
async function pending(factory: SqlMigrationAwareDriverAdapterFactory, migrations: Migration[]): Promise<boolean> {
  return withConnection(factory, async (db) => {
    if (factory.provider === 'sqlite') await query(db, 'PRAGMA journal_mode = WAL');
    if (!(await hasMigrationsTable(db, factory.provider))) return migrations.length > 0;
    const rows = await query(db, 'SELECT migration_name, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL');
    const known = new Set(migrations.map((m) => m.name));
    const unknown = rows.filter(([name]) => !known.has(String(name))).map(([name]) => String(name));
    if (unknown.length > 0) throw new MigrationError('NEWER', unknown, `the database has migration "${unknown[0]}", which is not among ours`);
    const finished = new Set(rows.filter(([, at]) => at !== null).map(([name]) => String(name)));
    return rows.some(([, at]) => at === null) || migrations.some((m) => !finished.has(m.name));
  });
}

/** Migrations recorded as started and neither finished nor rolled back. */
async function failedMigrations(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  try {
    return await withConnection(factory, async (db) => {
      const rows = await query(db, 'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NULL AND rolled_back_at IS NULL');
      return rows.map(([name]) => String(name));
    });
  } catch {
    return [];
  }
}

async function hasMigrationsTable(db: SqlDriverAdapter, provider: string): Promise<boolean> {
  const sql =
    provider === 'sqlite'
      ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'"
      : "SELECT 1 FROM information_schema.tables WHERE table_name = '_prisma_migrations' AND table_schema = current_schema()";
  return (await query(db, sql)).length > 0;
}

async function withConnection<T>(factory: SqlMigrationAwareDriverAdapterFactory, fn: (db: SqlDriverAdapter) => Promise<T>): Promise<T> {
  const db = await factory.connect();
  try {
    return await fn(db);
  } finally {
    await db.dispose();
  }
}

async function query(db: SqlDriverAdapter, sql: string): Promise<unknown[][]> {
  return (await db.queryRaw({ sql, args: [], argTypes: [] })).rows;
}
