#!/usr/bin/env node
// Writes the next migration: the SQL that takes a database from the committed migrations to
// schema.prisma, as prisma/migrations/<timestamp>_<name>/migration.sql (the layout
// `prisma migrate dev` uses). It runs Prisma's schema engine compiled to WebAssembly (through
// @berth/db, built first by the db:migration script), so it works without the schema-engine
// binary the Prisma CLI would download.
//
//   pnpm --filter @berth/engine db:migration add_volume_table
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { writeMigration } from '@berth/db';

const prismaDir = dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: new-migration.mjs <name>   (lower case, digits and _ only)');
  process.exit(2);
}
const dir = await writeMigration({
  shadow: new PrismaBetterSqlite3({ url: ':memory:' }),
  schemaPath: join(prismaDir, 'schema.prisma'),
  migrationsDir: join(prismaDir, 'migrations'),
  name,
  provider: 'sqlite',
});
console.log(dir ? `wrote ${join('prisma/migrations', dir.slice(join(prismaDir, 'migrations').length + 1), 'migration.sql')}` : 'schema.prisma matches the migrations already; nothing to write');
