import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { findMigrationsDir, migrate, MigrationError } from '@berth/db';
import { RegistryError } from '../errors.js';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.js';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.js';
import { metadataLocation, redactedUrl, type MetadataLocation } from './metadata-url.js';
import { databaseError } from './prisma-errors.js';

/**
 * The client the store is written against. Both generated clients have the same models and
 * the same API for what the store uses; the PostgreSQL one is typed as this one.
 */
export type MetadataClient = SqliteClient;

export interface ConnectOptions {
  /** The migrations folder; defaults to the package's `prisma/<provider>/migrations`. */
  migrationsDir?: string;
  /** PostgreSQL: connections in the pool (default 10). */
  poolSize?: number;
}

export interface Connected {
  provider: MetadataLocation['provider'];
  client: MetadataClient;
}

/** Opens the database `url` names, applying the migrations it lacks first. */
export async function connectMetadata(url: string, options: ConnectOptions = {}): Promise<Connected> {
  const location = metadataLocation(url);
  const where = location.provider === 'sqlite' ? location.file : redactedUrl(location.url);
  const migrationsDir = options.migrationsDir ?? packageMigrationsDir(location.provider);
  if (location.provider === 'sqlite') {
    await mkdir(dirname(location.file), { recursive: true }).catch((err: unknown) => {
      throw new RegistryError('UNAVAILABLE', `cannot create the folder of the registry database ${where}: ${(err as Error).message}`, { cause: err });
    });
  }
  const adapter = (): Parameters<typeof migrate>[0] =>
    location.provider === 'sqlite'
      ? new PrismaBetterSqlite3({ url: location.file, timeout: 10_000 })
      : new PrismaPg({ connectionString: location.url, max: options.poolSize ?? 10 });

  try {
    await migrate(adapter(), { migrationsDir });
  } catch (err) {
    throw migrationError(err, where);
  }

  if (location.provider === 'postgresql') {
    return { provider: 'postgresql', client: new PostgresClient({ adapter: adapter() }) as unknown as MetadataClient };
  }
  const client = new SqliteClient({ adapter: adapter() });
  try {
    // WAL (set by migrate, kept in the file) with NORMAL syncs on checkpoints, not every commit:
    // a power cut may lose the last writes but never corrupts the file.
    await client.$executeRawUnsafe('PRAGMA synchronous = NORMAL');
    await client.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  } catch (err) {
    await client.$disconnect();
    throw databaseError(err, `open ${where}`);
  }
  return { provider: 'sqlite', client };
}

function migrationError(err: unknown, where: string): RegistryError {
  if (!(err instanceof MigrationError)) return databaseError(err, `migrate ${where}`);
  switch (err.reason) {
    case 'NEWER':
      return new RegistryError(
        'FAILED_PRECONDITION',
        `the registry database ${where} has migration "${err.migrations[0]}", which this berth-registry does not know; it was written by a newer berth-registry: run that one`,
        { cause: err },
      );
    case 'OPEN':
      return new RegistryError('UNAVAILABLE', `cannot open the registry database ${where}: ${err.message}`, { cause: err });
    case 'FAILED': {
      const which = err.migrations.length > 0 ? `migration ${err.migrations.map((n) => `"${n}"`).join(', ')} failed` : 'migration failed';
      return new RegistryError('INTERNAL', `cannot migrate the registry database ${where}: ${which}: ${err.message}`, { cause: err });
    }
  }
}

/** `prisma/<provider>/migrations` of this package, from `src/metadata/` or from `dist/`. */
function packageMigrationsDir(provider: MetadataLocation['provider']): string {
  const from = dirname(fileURLToPath(import.meta.url));
  const found = findMigrationsDir(from, join('prisma', provider, 'migrations'));
  if (found) return found;
  throw new RegistryError('INTERNAL', `no prisma/${provider}/migrations folder above ${from}; the registry package is incomplete`);
}
