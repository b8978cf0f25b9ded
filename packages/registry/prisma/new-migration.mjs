#!/usr/bin/env node
// Writes the next migration of each provider (see newMigrationCommand in @berth/db), with
// Prisma's schema engine compiled to WebAssembly, so no schema-engine binary is needed.
//
//   pnpm --filter @berth/registry db:generate
//   BERTH_SHADOW_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
//     pnpm --filter @berth/registry db:migration add_something      (or --sqlite-only)
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { newMigrationCommand } from '@berth/db';

process.exitCode = await newMigrationCommand(dirname(fileURLToPath(import.meta.url)), process.argv.slice(2), {
  sqliteMemory: () => new PrismaBetterSqlite3({ url: ':memory:' }),
  postgres: (config) => new PrismaPg(config),
});
if (process.exitCode === 0 && process.env.BERTH_SHADOW_DATABASE_URL) {
  console.log('PostgreSQL: give new name columns (repository, tag names) COLLATE "C" in the migration.sql just written');
}
