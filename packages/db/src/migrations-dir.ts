import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm/schema_engine_bg';

export interface Migration {
  name: string;
  sql: string;
}

/** The migrations in Prisma's layout `<dir>/<name>/migration.sql`, in name (= time) order. */
export async function readMigrations(migrationsDir: string): Promise<Migration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8') })));
}

/** The migrations as the schema engine takes them (`applyMigrations`, or `diff` from migrations). */
export async function migrationList(migrationsDir: string, migrations?: Migration[]): Promise<MigrationList> {
  const lockPath = join(migrationsDir, 'migration_lock.toml');
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: (migrations ?? (await readMigrations(migrationsDir))).map((m) => ({
      path: m.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
    })),
  };
}

/**
 * The folder `relative` (e.g. `prisma/migrations`) that holds a `migration_lock.toml`, looked for
 * in `from` and each folder above it: a package finds its own migrations both from its sources
 * (`src/store/`) and from its bundle (`dist/`). Undefined when there is none.
 */
export function findMigrationsDir(from: string, relative = join('prisma', 'migrations')): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, relative);
    if (existsSync(join(candidate, 'migration_lock.toml'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
