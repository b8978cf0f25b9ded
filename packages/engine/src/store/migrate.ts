import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { EngineError } from '../errors.js';
import { newSchemaEngine } from './schema-engine.js';

export interface MigrateOptions {
  /** Prisma's migrations folder; defaults to the package's `prisma/migrations`. */
  migrationsDir?: string;
  /** Receives the schema engine's log lines (JSON text). */
  log?: (line: string) => void;
}

interface Migration {
  name: string;
  sql: string;
}

/**
 * Brings the SQLite file at `dbFile` up to the committed migrations, the way
 * `prisma migrate deploy` does and with the same `_prisma_migrations` bookkeeping (it is
 * Prisma's own schema engine, compiled to WebAssembly). Creates the file, switches it to WAL.
 * When nothing is pending it only reads `_prisma_migrations` and never loads the engine.
 * Returns the names of the migrations it applied.
 */
export async function migrate(dbFile: string, options: MigrateOptions = {}): Promise<string[]> {
  const migrationsDir = options.migrationsDir ?? findMigrationsDir();
  const migrations = await readMigrations(migrationsDir);
  try {
    if (!pending(dbFile, migrations)) return [];
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError('INTERNAL', `cannot open the engine database ${dbFile}: ${(err as Error).message}`, { cause: err });
  }

  let close = async () => {};
  try {
    const opened = await newSchemaEngine(dbFile, options.log);
    close = opened.close;
    const lockPath = join(migrationsDir, 'migration_lock.toml');
    const { appliedMigrationNames } = await opened.engine.applyMigrations({
      migrationsList: {
        baseDir: migrationsDir,
        lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : null },
        shadowDbInitScript: '',
        migrationDirectories: migrations.map((m) => ({
          path: m.name,
          migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
        })),
      },
      filters: { externalTables: [], externalEnums: [] },
    });
    return appliedMigrationNames;
  } catch (err) {
    await close();
    const failed = failedMigrations(dbFile);
    const which = failed.length > 0 ? `migration ${failed.map((n) => `"${n}"`).join(', ')} failed` : 'migration failed';
    throw new EngineError('INTERNAL', `cannot migrate the engine database ${dbFile}: ${which}: ${(err as Error).message}`, { cause: err });
  } finally {
    await close();
  }
}

/** Migrations recorded as started and neither finished nor rolled back. */
function failedMigrations(dbFile: string): string[] {
  try {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NULL AND rolled_back_at IS NULL').all();
      return (rows as { name: string }[]).map((r) => r.name);
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}

/**
 * Whether the engine has work to do: a migration not yet finished, or one that failed. A
 * database that has migrations this build does not know was written by a newer berthd.
 */
function pending(dbFile: string, migrations: Migration[]): boolean {
  const db = new Database(dbFile);
  try {
    db.pragma('journal_mode = WAL');
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!table) return migrations.length > 0;
    const rows = db
      .prepare('SELECT migration_name AS name, finished_at AS finished FROM _prisma_migrations WHERE rolled_back_at IS NULL')
      .all() as { name: string; finished: unknown }[];
    const known = new Set(migrations.map((m) => m.name));
    const unknown = rows.find((r) => !known.has(r.name));
    if (unknown) {
      throw new EngineError(
        'FAILED_PRECONDITION',
        `the engine database ${dbFile} has migration "${unknown.name}", which this berthd does not know; it was written by a newer berthd: run that one, or move the database away`,
      );
    }
    const finished = new Set(rows.filter((r) => r.finished !== null).map((r) => r.name));
    return rows.some((r) => r.finished === null) || migrations.some((m) => !finished.has(m.name));
  } finally {
    db.close();
  }
}

async function readMigrations(migrationsDir: string): Promise<Migration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8') })));
}

/**
 * The package's `prisma/migrations`, found upwards from this module: it is `../../` from
 * `src/store/` when run from source and `../` from `dist/` in the bundle.
 */
export function findMigrationsDir(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(join(candidate, 'migration_lock.toml'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new EngineError('INTERNAL', `no prisma/migrations folder above ${from}; the engine package is incomplete`);
}
