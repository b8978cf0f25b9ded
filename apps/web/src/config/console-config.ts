import { isAbsolute, join, resolve } from 'node:path';

/** berth-console's settings, parsed once from its command line and environment. */
export interface ConsoleConfig {
  host: string;
  port: number;
  dataDir: string;
  /** A PostgreSQL URL, or file:/path for SQLite (default: SQLite under the data dir). */
  databaseUrl: string;
  /** Engines registered as hosts at first start. */
  engines: string[];
  /** Where the UI's static files are served from. */
  uiDir?: string;
  /** How often every host is pinged (default 5000 ms). */
  probeIntervalMs?: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:8080';

export const USAGE = 'usage: berth-console --listen HOST:PORT --data-dir DIR [--database URL] [--engine URL]...';

export class ConfigError extends Error {}

/** Parses `--listen HOST:PORT` (or `--listen=...`), `--data-dir`, `--database`, `--engine` (repeatable). */
export function parseConsoleArgs(argv: string[], env: NodeJS.ProcessEnv = {}): ConsoleConfig {
  let listen = DEFAULT_LISTEN;
  let dataDir: string | undefined;
  let database = env.DATABASE_URL;
  let uiDir: string | undefined;
  const engines: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0 && arg.startsWith('--')) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v === '') throw new ConfigError(`${name} needs a value; ${USAGE}`);
      return v;
    };
    switch (name) {
      case '--listen': listen = value(); break;
      case '--data-dir': dataDir = value(); break;
      case '--database': database = value(); break;
      case '--engine': engines.push(value()); break;
      case '--ui-dir': uiDir = resolve(value()); break;
      default: throw new ConfigError(`unknown argument "${arg}"; ${USAGE}`);
    }
  }
  if (!dataDir) throw new ConfigError(`--data-dir is required; ${USAGE}`);
  const { host, port } = parseListen(listen);
  dataDir = resolve(dataDir);
  for (const engine of engines) {
    if (!/^(unix|tcp):\/\/./.test(engine)) throw new ConfigError(`--engine "${engine}" is not an engine URL: use unix:///path/to.sock or tcp://host:port`);
  }
  const databaseUrl = database ?? `file:${join(dataDir, 'console.db')}`;
  if (!/^(file:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(`--database "${databaseUrl}" is neither file:/path (SQLite) nor postgresql://...`);
  }
  return { host, port, dataDir, databaseUrl, engines, ...(uiDir ? { uiDir } : {}) };
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new ConfigError(`--listen "${listen}" is not HOST:PORT (e.g. ${DEFAULT_LISTEN})`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** The SQLite file of a file: URL (relative paths are taken from the data dir). */
export function sqliteFile(url: string, dataDir: string): string {
  const path = url.replace(/^file:(\/\/)?/, '');
  return isAbsolute(path) ? path : join(dataDir, path);
}
