import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { findMigrationsDir, migrate } from '@berth/db';
import { ConsoleError } from '../common/console-error.js';
import { sqliteFile } from '../config/console-config.js';
import { PrismaClient as PostgresClient } from './generated/postgresql/client.js';
import { PrismaClient as SqliteClient } from './generated/sqlite/client.js';

/** The client the console is written against; the PostgreSQL one has the same models and API. */
export type Db = SqliteClient;

/** Opens the console database `url` names (file: SQLite or postgresql://), migrating it first. */
export async function openDatabase(url: string, dataDir: string): Promise<Db> {
  const postgres = /^postgres(ql)?:\/\//.test(url);
  const provider = postgres ? 'postgresql' : 'sqlite';
  const file = postgres ? '' : sqliteFile(url, dataDir);
  const where = postgres ? url.replace(/\/\/[^@/]*@/, '//***@') : file;
  if (!postgres) await mkdir(dirname(file), { recursive: true });
  const adapter = () => (postgres ? new PrismaPg({ connectionString: url, max: 10 }) : new PrismaBetterSqlite3({ url: file, timeout: 10_000 }));
  const from = dirname(fileURLToPath(import.meta.url));
  const migrationsDir = findMigrationsDir(from, join('prisma', provider, 'migrations'));
  if (!migrationsDir) throw new ConsoleError('INTERNAL', `no prisma/${provider}/migrations folder above ${from}; the console package is incomplete`);
  try {
    await migrate(adapter(), { migrationsDir });
  } catch (err) {
    throw new ConsoleError('UNAVAILABLE', `cannot open the console database ${where}: ${(err as Error).message}`, { cause: err });
  }
  if (postgres) return new PostgresClient({ adapter: adapter() }) as unknown as Db;
  const db = new SqliteClient({ adapter: adapter() });
  await db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
  return db;
}
