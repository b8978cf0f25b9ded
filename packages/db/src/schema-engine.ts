import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type * as Bg from '@prisma/schema-engine-wasm/schema_engine_bg';

export type SchemaEngine = Bg.SchemaEngine;

let loaded: Promise<typeof Bg> | undefined;

/**
 * Prisma's schema engine compiled to WebAssembly. Its package entry imports the `.wasm` as an
 * ES module, which Node 20 only does behind a flag, so instantiate the bytes here instead.
 * Loaded once per process, and only when there is a migration to apply.
 */
export function loadSchemaEngine(): Promise<typeof Bg> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as typeof Bg;
    const bytes = await readFile(join(dirname(bgPath), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg as never });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes the connections it opened (SQLite: it holds the file in EXCLUSIVE locking mode). Idempotent. */
  close(): Promise<void>;
}

export interface SchemaEngineOptions {
  /** Receives the schema engine's log lines (JSON text). */
  log?: (line: string) => void;
  /** The Prisma schema files, as `[path, content]`, for the calls that read the datasource from them. */
  datamodels?: [string, string][];
}

/**
 * A schema engine on the database behind a driver adapter factory: `new PrismaBetterSqlite3({ url })`
 * (":memory:" for a scratch database) or `new PrismaPg({ connectionString })`.
 */
export async function openSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  options: SchemaEngineOptions = {},
): Promise<OpenSchemaEngine> {
  const bg = await loadSchemaEngine();
  const connections: SqlDriverAdapter[] = [];
  const bound = bindMigrationAwareSqlAdapterFactory(tracked(factory, connections));
  const closeAll = () => Promise.all(connections.splice(0).map((c) => c.dispose()));
  const engine = await bg.SchemaEngine.new({ datamodels: options.datamodels }, options.log ?? (() => {}), bound).catch(async (err: unknown) => {
    await closeAll();
    throw err;
  });
  let freed = false;
  return {
    engine,
    async close() {
      if (!freed) engine.free();
      freed = true;
      await closeAll();
    },
  };
}

/**
 * Keeps the connections the engine opens, which it does not always close itself. And the WASM schema
 * engine sends a whole migration script through `executeRaw`, where better-sqlite3's
 * prepare() takes one statement only: run such scripts with exec(), as the native engine does.
 * (node-postgres sends a query without parameters as a simple query, which takes many.)
 */
function tracked(factory: SqlMigrationAwareDriverAdapterFactory, connections: SqlDriverAdapter[]): SqlMigrationAwareDriverAdapterFactory {
  const patch = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    connections.push(adapter);
    // The engine disposes of some connections itself (a shadow database): close each once.
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    adapter.dispose = () => (disposed ??= dispose());
    const executeRaw = adapter.executeRaw.bind(adapter);
    adapter.executeRaw = async (query) => {
      try {
        return await executeRaw(query);
      } catch (err) {
        if (query.args.length > 0 || !(err instanceof RangeError) || !/more than one statement/.test(err.message)) throw err;
        await adapter.executeScript(query.sql);
        return 0;
      }
    };
    if (factory.provider === 'postgres') readsCatalogChars(adapter);
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: async () => patch(await factory.connectToShadowDb()),
  };
}

/** PostgreSQL's one-byte `"char"` type, which the catalogs use (`relkind`, `contype`, …). */
const PG_CHAR = 18;
const PG_TEXT = 25;

interface PgResult {
  fields?: { dataTypeID: number }[];
}

/**
 * The schema engine describes a PostgreSQL database from the catalogs, whose `"char"` columns
 * @prisma/adapter-pg 7.10 refuses ("Column type 'char' could not be deserialized"). node-postgres
 * hands their values over as one-letter strings already: let the adapter see them as text.
 * This reaches into the adapter's query method (`performIO`), so it only touches an adapter
 * that has one; the versions are pinned together.
 */
function readsCatalogChars(queryable: object): void {
  const io = queryable as { performIO?: (query: unknown) => Promise<PgResult>; startTransaction?: (...args: unknown[]) => Promise<object> };
  const performIO = io.performIO;
  if (typeof performIO === 'function') {
    io.performIO = async (query) => {
      const result = await performIO.call(queryable, query);
      for (const field of result?.fields ?? []) if (field.dataTypeID === PG_CHAR) field.dataTypeID = PG_TEXT;
      return result;
    };
  }
  const startTransaction = io.startTransaction;
  if (typeof startTransaction === 'function') {
    io.startTransaction = async (...args) => {
      const tx = await startTransaction.apply(queryable, args);
      readsCatalogChars(tx);
      return tx;
    };
  }
}
