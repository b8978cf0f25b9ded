import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { openSchemaEngine, type OpenSchemaEngine } from '@berth/db';

export { loadSchemaEngine, type OpenSchemaEngine, type SchemaEngine } from '@berth/db';

/**
 * Prisma's schema engine (WebAssembly, through @berth/db) on the SQLite file at `dbFile`
 * (":memory:" for a scratch database).
 */
export function newSchemaEngine(dbFile: string, log: (line: string) => void = () => {}): Promise<OpenSchemaEngine> {
  return openSchemaEngine(new PrismaBetterSqlite3({ url: dbFile }), { log });
}
