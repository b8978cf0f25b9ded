#!/usr/bin/env node
// Writes the next migration for each provider: the SQL that takes a database from the committed
// migrations to <provider>/schema.prisma, as <provider>/migrations/<timestamp>_<name>/migration.sql
// (the layout `prisma migrate dev` uses). It runs Prisma's schema engine compiled to WebAssembly
// (through @berth/db), so it works without the schema-engine binary the Prisma CLI downloads.
// SQLite replays the migrations in memory; PostgreSQL needs a server to replay them on: set
// BERTH_SHADOW_DATABASE_URL=postgresql://user@host:port/db (a scratch database of it is made
// and dropped), or pass --sqlite-only.
//
//   pnpm --filter @berth/web db:generate
//   BERTH_SHADOW_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
//     pnpm --filter @berth/web db:migration add_something
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { writeMigration } from '@berth/db';

const prismaDir = dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: new-migration.mjs <name> [--sqlite-only]   (lower case, digits and _ only)');
  process.exit(2);
}
const shadowUrl = process.env.BERTH_SHADOW_DATABASE_URL;
if (!shadowUrl && !process.argv.includes('--sqlite-only')) {
  console.error('set BERTH_SHADOW_DATABASE_URL to a PostgreSQL server to replay the PostgreSQL migrations on, or pass --sqlite-only');
  process.exit(2);
}

/** A pg config without connectionString: the adapter names its shadow database by `database`, which a connectionString would override. */
function pgConfig(url) {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username) || undefined,
    password: decodeURIComponent(u.password) || undefined,
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
  };
}

/**
 * PrismaPg's own connectToShadowDb drops the scratch database before it closes the pool that
 * is connected to it, which PostgreSQL refuses; this one closes first.
 */
function pgShadow(url) {
  const config = pgConfig(url);
  const main = new PrismaPg(config);
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: () => main.connect(),
    async connectToShadowDb() {
      const admin = await main.connect();
      const database = `berth_shadow_${process.pid}_${Date.now()}`;
      await admin.executeScript(`CREATE DATABASE "${database}"`);
      const shadow = await new PrismaPg({ ...config, database }).connect();
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        await admin.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
        await admin.dispose();
      };
      return shadow;
    },
  };
}

const shadows = { sqlite: () => new PrismaBetterSqlite3({ url: ':memory:' }) };
if (shadowUrl) shadows.postgresql = () => pgShadow(shadowUrl);

for (const [provider, shadow] of Object.entries(shadows)) {
  const dir = await writeMigration({
    shadow: shadow(),
    schemaPath: join(prismaDir, provider, 'schema.prisma'),
    migrationsDir: join(prismaDir, provider, 'migrations'),
    name,
    provider,
  });
  console.log(dir ? `wrote ${dir.slice(prismaDir.length - 'prisma'.length)}/migration.sql` : `${provider}: the schema matches the migrations already; nothing to write`);
}
