import fs from 'node:fs';
import path from 'node:path';
import type { AuthConfig } from './auth/authenticator.js';
import { RegistryError } from './errors.js';
import { applyFileConfig } from './config-file.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** berth-registry's configuration, parsed once from flags and an optional JSON file, then handed down. */
export interface RegistryConfig {
  listen: { host: string; port: number };
  /** Root directory of the filesystem storage driver. */
  storage: string;
  /** Prisma database URL (`file:…` for SQLite, `postgresql://…`). */
  database: string;
  /** `token` mode's realm may be left out: it then points at this server's own `/token`. */
  auth: AuthConfig | (Omit<Extract<AuthConfig, { mode: 'token' }>, 'realm'> & { realm?: string });
  tls?: { certFile: string; keyFile: string };
  /** Allow serving a non-loopback address without authentication. */
  insecurePublic: boolean;
  gc: {
    /** Minutes between online collections; 0 turns the scheduler off. */
    intervalMinutes: number;
    /** Content younger than this is never collected (an image being pushed is not garbage yet). */
    gracePeriodMinutes: number;
    /** Upload sessions untouched this long are purged. */
    uploadMaxAgeMinutes: number;
  };
  logLevel: LogLevel;
}

export type RegistryCommand =
  | { command: 'serve'; config: RegistryConfig }
  | { command: 'gc'; config: RegistryConfig; dryRun: boolean }
  | { command: 'help' };

export const USAGE = `Usage: berth-registry serve [OPTIONS]
       berth-registry gc [--dry-run] [OPTIONS]

An OCI Distribution (v1.1) registry, Docker Registry v2 compatible.

Options:
      --listen host:port        Address to serve (default 127.0.0.1:5000; port 0 picks one)
      --storage dir             Blob storage directory (default /var/lib/berth/registry)
      --database url            Metadata database (default file:<storage>/registry.db)
      --config file             JSON configuration file; flags override it
      --auth mode               none, htpasswd or token (default none)
      --htpasswd file           htpasswd file (bcrypt) for htpasswd and token modes
      --permissions file        JSON permissions file (default: logged-in users may do everything)
      --token-realm url         Token endpoint clients are sent to (default: this server's /token)
      --token-service name      Token audience (default berth-registry)
      --token-issuer name       Token issuer (default berth-registry)
      --token-key file          PEM EC P-256 key that signs tokens (default: generated at start)
      --tls-cert file           Serve HTTPS with this certificate (PEM, leaf first)
      --tls-key file            ... and this key
      --insecure-public         Serve a non-loopback address without authentication
      --gc-interval minutes     Minutes between online garbage collections, 0 for none (default 60)
      --gc-grace minutes        Never collect content younger than this (default 60)
      --upload-max-age minutes  Purge upload sessions idle this long (default 1440)
      --dry-run                 (gc) report what would be removed, remove nothing
  -l, --log-level level         trace, debug, info, warn, error, fatal, silent (default info)
  -h, --help                    Print usage
`;

export function defaultConfig(): RegistryConfig {
  return {
    listen: { host: '127.0.0.1', port: 5000 },
    storage: '/var/lib/berth/registry',
    database: '',
    auth: { mode: 'none' },
    insecurePublic: false,
    gc: { intervalMinutes: 60, gracePeriodMinutes: 60, uploadMaxAgeMinutes: 24 * 60 },
    logLevel: 'info',
  };
}

/** Parses `berth-registry <command> [flags]`; errors are INVALID_ARGUMENT naming the flag. */
export function parseCommand(argv: readonly string[], readFile: (file: string) => string = (f) => fs.readFileSync(f, 'utf8')): RegistryCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') return { command: 'help' };
  if (command !== 'serve' && command !== 'gc') throw invalid(`unknown command "${command}": use serve or gc`);
  const flags = new Map<string, string>();
  let dryRun = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === '-h' || flag === '--help') return { command: 'help' };
    if (flag === '--insecure-public') { flags.set(flag, 'true'); continue; }
    if (flag === '--dry-run') {
      if (command !== 'gc') throw invalid('--dry-run applies to the gc command only');
      dryRun = true;
      continue;
    }
    if (!VALUE_FLAGS.includes(flag)) throw invalid(`unknown flag: ${arg}`);
    const value = flag !== arg ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined) throw invalid(`flag needs an argument: ${flag}`);
    flags.set(flag === '-l' ? '--log-level' : flag, value);
  }
  const config = defaultConfig();
  const configFile = flags.get('--config');
  if (configFile !== undefined) applyFileConfig(config, path.resolve(configFile), readFile);
  applyFlags(config, flags);
  if (config.database === '') config.database = `file:${path.join(config.storage, 'registry.db')}`;
  checkConfig(config);
  return command === 'serve' ? { command, config } : { command, config, dryRun };
}

const VALUE_FLAGS = [
  '--listen', '--storage', '--database', '--config', '--auth', '--htpasswd', '--permissions', '--token-realm',
  '--token-service', '--token-issuer', '--token-key', '--tls-cert', '--tls-key', '--gc-interval', '--gc-grace',
  '--upload-max-age', '--log-level', '-l',
];

function applyFlags(config: RegistryConfig, flags: Map<string, string>): void {
  const get = (flag: string): string | undefined => flags.get(flag);
  if (get('--listen') !== undefined) config.listen = parseListen(get('--listen')!);
  if (get('--storage') !== undefined) config.storage = path.resolve(get('--storage')!);
  if (get('--database') !== undefined) config.database = get('--database')!;
  if (get('--insecure-public') !== undefined) config.insecurePublic = true;
  if (get('--log-level') !== undefined) config.logLevel = parseLogLevel(get('--log-level')!);
  if (get('--gc-interval') !== undefined) config.gc.intervalMinutes = parseMinutes(get('--gc-interval')!, '--gc-interval');
  if (get('--gc-grace') !== undefined) config.gc.gracePeriodMinutes = parseMinutes(get('--gc-grace')!, '--gc-grace');
  if (get('--upload-max-age') !== undefined) config.gc.uploadMaxAgeMinutes = parseMinutes(get('--upload-max-age')!, '--upload-max-age');
  const cert = get('--tls-cert');
  const key = get('--tls-key');
  if (cert !== undefined || key !== undefined) {
    if (cert === undefined || key === undefined) throw invalid('--tls-cert and --tls-key go together');
    config.tls = { certFile: path.resolve(cert), keyFile: path.resolve(key) };
  }
  const mode = get('--auth') ?? config.auth.mode;
  const file = (flag: string, current: string | undefined): string | undefined => {
    const value = get(flag);
    return value === undefined ? current : path.resolve(value);
  };
  const prior = config.auth as Partial<Record<string, string | number>>;
  const htpasswdFile = file('--htpasswd', prior.htpasswdFile as string | undefined);
  const permissionsFile = file('--permissions', prior.permissionsFile as string | undefined);
  if (mode === 'none') {
    config.auth = { mode: 'none' };
  } else if (mode === 'htpasswd' || mode === 'token') {
    if (htpasswdFile === undefined) throw invalid(`--auth ${mode} needs --htpasswd FILE (bcrypt entries, as htpasswd -B writes them)`);
    const common = { htpasswdFile, ...(permissionsFile !== undefined && { permissionsFile }) };
    if (mode === 'htpasswd') {
      config.auth = { mode, ...common };
    } else {
      const realm = get('--token-realm') ?? (prior.realm as string | undefined);
      const keyFile = file('--token-key', prior.keyFile as string | undefined);
      config.auth = {
        mode,
        ...common,
        ...(realm !== undefined && { realm }),
        service: get('--token-service') ?? (prior.service as string | undefined) ?? 'berth-registry',
        issuer: get('--token-issuer') ?? (prior.issuer as string | undefined) ?? 'berth-registry',
        ...(keyFile !== undefined && { keyFile }),
        ...(typeof prior.expirySeconds === 'number' && { expirySeconds: prior.expirySeconds }),
      };
    }
  } else {
    throw invalid(`invalid --auth "${mode}": use none, htpasswd or token`);
  }
}

/** Refuses a public address without authentication unless told so. */
export function checkConfig(config: RegistryConfig): void {
  if (config.auth.mode === 'none' && !isLoopback(config.listen.host) && !config.insecurePublic) {
    throw new RegistryError(
      'FAILED_PRECONDITION',
      `refusing to serve ${formatListen(config.listen)} without authentication: anyone who can reach it could push and delete. ` +
        'Configure --auth htpasswd or --auth token, listen on 127.0.0.1, or pass --insecure-public if that is really what you want',
    );
  }
  if (config.auth.mode === 'token' && config.auth.realm === undefined && !isLoopback(config.listen.host)) {
    throw new RegistryError(
      'INVALID_ARGUMENT',
      `--auth token on ${formatListen(config.listen)} needs --token-realm: the URL clients reach this registry's /token at (e.g. https://registry.example.com/token)`,
    );
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (match === null || port > 65535) throw invalid(`invalid --listen "${value}": use host:port, e.g. 127.0.0.1:5000 or [::1]:5000`);
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

export function formatListen(listen: { host: string; port: number }): string {
  return listen.host.includes(':') ? `[${listen.host}]:${listen.port}` : `${listen.host}:${listen.port}`;
}

export function parseLogLevel(value: string): LogLevel {
  if (!LOG_LEVELS.includes(value as LogLevel)) throw invalid(`invalid log level "${value}": use one of ${LOG_LEVELS.join(', ')}`);
  return value as LogLevel;
}

export function parseMinutes(value: string | number, what: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < 0 || (typeof value === 'string' && value.trim() === '')) {
    throw invalid(`invalid ${what} "${value}": use a number of minutes (0 or more)`);
  }
  return n;
}

function invalid(message: string): RegistryError {
  return new RegistryError('INVALID_ARGUMENT', message);
}
