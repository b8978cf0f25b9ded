import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
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
  /** Frees the engine and closes its connections (it holds the file in EXCLUSIVE locking mode). Idempotent. */
  close(): Promise<void>;
}

/** A schema engine on the SQLite file at `dbFile` (":memory:" for a scratch database). */
export async function newSchemaEngine(dbFile: string, log: (line: string) => void = () => {}): Promise<OpenSchemaEngine> {
  const bg = await loadSchemaEngine();
  const connections: SqlDriverAdapter[] = [];
  const factory = bindMigrationAwareSqlAdapterFactory(tracked(new PrismaBetterSqlite3({ url: dbFile }), connections));
  const closeAll = () => Promise.all(connections.splice(0).map((c) => c.dispose()));
  const engine = await bg.SchemaEngine.new({ datamodels: undefined }, log, factory).catch(async (err: unknown) => {
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
 * Keeps the connections the engine opens, which it never closes itself. And the WASM schema
 * engine sends a whole migration script through `executeRaw`, where better-sqlite3's
 * prepare() takes one statement only: run such scripts with exec(), as the native engine does.
 */
function tracked(factory: SqlMigrationAwareDriverAdapterFactory, connections: SqlDriverAdapter[]): SqlMigrationAwareDriverAdapterFactory {
  const patch = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    connections.push(adapter);
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
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: async () => patch(await factory.connectToShadowDb()),
  };
}
