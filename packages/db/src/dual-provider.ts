import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { writeMigration } from './write-migration.js';

/**
 * A package whose Prisma models serve both SQLite and PostgreSQL (the registry, the console):
 * `<prismaDir>/models.prisma` holds the models; `<prismaDir>/<provider>/schema.prisma` is that
 * file behind each provider's header, and `<prismaDir>/<provider>/migrations/` its migrations.
 */
export const PROVIDERS = ['sqlite', 'postgresql'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** `output`: where the clients go, relative to the package (e.g. `src/db/generated`). */
export function providerSchema(provider: Provider, models: string, output: string): string {
  return `// Written by prisma/generate.mjs from prisma/models.prisma: edit that file, not this one.

generator client {
  provider            = "prisma-client"
  output              = "../../${output}/${provider}"
  moduleFormat        = "esm"
  runtime             = "nodejs"
  importFileExtension = "js"
}

datasource db {
  provider = "${provider}"
}

${models}`;
}

/**
 * Writes both providers' schema.prisma, then (unless `schemaOnly`) generates both clients with the
 * `prisma` CLI on PATH. `prisma generate` needs no network once PRISMA_SCHEMA_ENGINE_BINARY names
 * any file (the generator is WebAssembly), so this works offline.
 */
export function generateClients(options: { prismaDir: string; output: string; schemaOnly?: boolean }): void {
  const models = readFileSync(join(options.prismaDir, 'models.prisma'), 'utf8');
  for (const provider of PROVIDERS) {
    const schemaPath = join(options.prismaDir, provider, 'schema.prisma');
    writeFileSync(schemaPath, providerSchema(provider, models, options.output));
    if (options.schemaOnly) continue;
    execFileSync('prisma', ['generate', '--schema', schemaPath], {
      stdio: 'inherit',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1', PRISMA_SCHEMA_ENGINE_BINARY: schemaPath },
    });
  }
}

/** The driver adapters the caller has (this package does not depend on either). */
export interface MigrationAdapters {
  sqliteMemory: () => SqlMigrationAwareDriverAdapterFactory;
  /** A PostgreSQL adapter factory for a connection config (`PrismaPg`'s constructor). */
  postgres: (config: PgConfig) => SqlMigrationAwareDriverAdapterFactory;
}

export interface PgConfig {
  host: string;
  port: number;
  user?: string;
  password?: string;
  database: string;
}

/** A pg config without connectionString: the adapter names its shadow database by `database`, which a connectionString would override. */
function pgConfig(url: string): PgConfig {
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
 * A shadow on a scratch database of the server at `url`. PrismaPg's own connectToShadowDb drops
 * the scratch database before it closes the pool connected to it, which PostgreSQL refuses;
 * this one closes first.
 */
function pgShadow(url: string, adapters: MigrationAdapters): SqlMigrationAwareDriverAdapterFactory {
  const config = pgConfig(url);
  const main = adapters.postgres(config);
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: () => main.connect(),
    async connectToShadowDb() {
      const admin = await main.connect();
      const database = `berth_shadow_${process.pid}_${Date.now()}`;
      await admin.executeScript(`CREATE DATABASE "${database}"`);
      const shadow = await adapters.postgres({ ...config, database }).connect();
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

/**
 * The `db:migration NAME [--sqlite-only]` command: writes the next migration of each provider, the
 * SQL that takes a database from the committed migrations to `<provider>/schema.prisma`. SQLite
 * replays the migrations in memory; PostgreSQL needs a server (BERTH_SHADOW_DATABASE_URL, a
 * scratch database of it is made and dropped). Returns the process exit code.
 */
export async function newMigrationCommand(prismaDir: string, argv: string[], adapters: MigrationAdapters, log = console): Promise<number> {
  const name = argv[0];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    log.error('usage: new-migration.mjs <name> [--sqlite-only]   (lower case, digits and _ only)');
    return 2;
  }
  const shadowUrl = process.env.BERTH_SHADOW_DATABASE_URL;
  if (!shadowUrl && !argv.includes('--sqlite-only')) {
    log.error('set BERTH_SHADOW_DATABASE_URL to a PostgreSQL server to replay the PostgreSQL migrations on, or pass --sqlite-only');
    return 2;
  }
  const shadows: [Provider, () => SqlMigrationAwareDriverAdapterFactory][] = [['sqlite', adapters.sqliteMemory]];
  if (shadowUrl) shadows.push(['postgresql', () => pgShadow(shadowUrl, adapters)]);
  for (const [provider, shadow] of shadows) {
    const dir = await writeMigration({
      shadow: shadow(),
      schemaPath: join(prismaDir, provider, 'schema.prisma'),
      migrationsDir: join(prismaDir, provider, 'migrations'),
      name,
      provider,
    });
    log.log(dir ? `wrote ${dir.slice(prismaDir.length - 'prisma'.length)}/migration.sql` : `${provider}: the schema matches the migrations already; nothing to write`);
  }
  return 0;
}
