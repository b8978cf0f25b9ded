import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { findMigrationsDir as findUp, migrate as migrateDatabase, MigrationError } from '@berth/db';
import { EngineError } from '../errors.js';

export interface MigrateOptions {
  /** Prisma's migrations folder; defaults to the package's `prisma/migrations`. */
  migrationsDir?: string;
  /** Receives the schema engine's log lines (JSON text). */
  log?: (line: string) => void;
}

/**
 * Brings the SQLite file at `dbFile` up to the committed migrations, the way
 * `prisma migrate deploy` does and with the same `_prisma_migrations` bookkeeping (it is
 * Prisma's own schema engine, compiled to WebAssembly, run by @berth/db). Creates the file,
 * switches it to WAL. When nothing is pending it only reads `_prisma_migrations` and never
 * loads the engine. Returns the names of the migrations it applied.
 */
export async function migrate(dbFile: string, options: MigrateOptions = {}): Promise<string[]> {
  const migrationsDir = options.migrationsDir ?? findMigrationsDir();
  try {
    return await migrateDatabase(new PrismaBetterSqlite3({ url: dbFile }), { migrationsDir, log: options.log });
  } catch (err) {
    if (!(err instanceof MigrationError)) throw err;
    switch (err.reason) {
      case 'NEWER':
        throw new EngineError(
          'FAILED_PRECONDITION',
          `the engine database ${dbFile} has migration "${err.migrations[0]}", which this berthd does not know; it was written by a newer berthd: run that one, or move the database away`,
          { cause: err },
        );
      case 'OPEN':
        throw new EngineError('INTERNAL', `cannot open the engine database ${dbFile}: ${err.message}`, { cause: err });
      case 'FAILED': {
        const which = err.migrations.length > 0 ? `migration ${err.migrations.map((n) => `"${n}"`).join(', ')} failed` : 'migration failed';
        throw new EngineError('INTERNAL', `cannot migrate the engine database ${dbFile}: ${which}: ${err.message}`, { cause: err });
      }
    }
  }
}

/**
 * The package's `prisma/migrations`, found upwards from this module: it is `../../` from
 * `src/store/` when run from source and `../` from `dist/` in the bundle.
 */
export function findMigrationsDir(from = dirname(fileURLToPath(import.meta.url))): string {
  const found = findUp(from);
  if (found) return found;
  throw new EngineError('INTERNAL', `no prisma/migrations folder above ${from}; the engine package is incomplete`);
}
