export { migrate, type MigrateOptions } from './migrate.js';
export { MigrationError, type MigrationErrorReason } from './migration-error.js';
export { findMigrationsDir, migrationList, readMigrations, type Migration } from './migrations-dir.js';
export { loadSchemaEngine, openSchemaEngine, type OpenSchemaEngine, type SchemaEngine, type SchemaEngineOptions } from './schema-engine.js';
export { pendingSchemaChange, writeMigration } from './write-migration.js';
export { PROVIDERS, providerSchema, generateClients, newMigrationCommand, type Provider, type MigrationAdapters, type PgConfig } from './dual-provider.js';
