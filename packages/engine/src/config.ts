import fs from 'node:fs';
import path from 'node:path';
import { parseRegistryHost } from '@berth/sdk';
import { EngineError } from './errors.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** berthd's configuration, parsed once from its flags and handed down. */
export interface EngineConfig {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  runtime: string;
  conmon: string;
  logLevel: LogLevel;
  /** `--bridge`: device name of the default bridge network (default: named after the data root). */
  bridge?: string;
  registries: {
    /** `--insecure-registry`: hosts (`host[:port]`) reached over plain HTTP; loopback always is. */
    insecure: string[];
    /** `--default-registry`: where a name without a registry host goes (there is no Docker Hub). */
    defaultRegistry?: string;
  };
}

const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export const USAGE = `Usage: berthd [OPTIONS]

A container engine that speaks the Docker Engine API.

Options:
  -H, --host list          Daemon socket(s) to listen on (default unix:///run/berth/berth.sock)
      --data-root string   Root directory of persistent state (default "/var/lib/berth")
      --exec-root string   Root directory for execution state files (default "/run/berth")
      --runtime string     OCI runtime binary (default "runc")
      --conmon string      conmon binary (default "conmon")
  -b, --bridge string      Device name of the default bridge network (default: b<hash of data root>-<id>)
      --insecure-registry list  Registry host[:port] to reach over plain HTTP (loopback always is)
      --default-registry string Registry for names without a registry host (default: none)
  -l, --log-level string   Logging level: debug, info, warn, error, fatal (default "info")
  -h, --help               Print usage
`;

export function parseConfig(argv: string[]): EngineConfig | 'help' {
  const config: EngineConfig = {
    hosts: [],
    dataRoot: '/var/lib/berth',
    execRoot: '/run/berth',
    runtime: 'runc',
    conmon: 'conmon',
    logLevel: 'info',
    registries: { insecure: [] },
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (flag !== arg) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new EngineError('INVALID_ARGUMENT', `flag needs an argument: ${flag}`);
      return next;
    };
    switch (flag) {
      case '-H': case '--host': config.hosts.push(value()); break;
      case '--data-root': config.dataRoot = path.resolve(value()); break;
      case '--exec-root': config.execRoot = path.resolve(value()); break;
      case '--runtime': config.runtime = value(); break;
      case '--conmon': config.conmon = value(); break;
      case '-b': case '--bridge': config.bridge = bridgeName(value()); break;
      case '--insecure-registry': config.registries.insecure.push(registryHost(value(), flag)); break;
      case '--default-registry': config.registries.defaultRegistry = registryHost(value(), flag); break;
      case '-l': case '--log-level': {
        const level = value();
        if (!LOG_LEVELS.includes(level as LogLevel)) {
          throw new EngineError('INVALID_ARGUMENT', `invalid log level "${level}": use one of ${LOG_LEVELS.join(', ')}`);
        }
        config.logLevel = level as LogLevel;
        break;
      }
      case '-h': case '--help': return 'help';
      default: throw new EngineError('INVALID_ARGUMENT', `unknown flag: ${arg}`);
    }
  }
  config.runtime = findBinary(config.runtime, 'runc');
  config.conmon = findBinary(config.conmon, 'conmon');
  if (config.hosts.length === 0) config.hosts.push(`unix://${path.join(config.execRoot, 'berth.sock')}`);
  for (const host of config.hosts) {
    if (!host.startsWith('unix://') || host.length <= 'unix://'.length) {
      throw new EngineError('INVALID_ARGUMENT', `unsupported host "${host}": only unix:///path.sock is served (TCP needs mutual TLS)`);
    }
  }
  return config;
}

/** A Linux interface name: at most 15 characters, no slash or whitespace. */
function bridgeName(value: string): string {
  if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(value)) throw new EngineError('INVALID_ARGUMENT', `invalid --bridge "${value}": an interface name of at most 15 letters, digits, "_", "." or "-"`);
  return value;
}

function registryHost(value: string, flag: string): string {
  try {
    return parseRegistryHost(value);
  } catch (err) {
    throw new EngineError('INVALID_ARGUMENT', `${flag}: ${(err as Error).message}`, { cause: err });
  }
}

/** An absolute path for `name` (searched in PATH and the sbin dirs); a clear error when missing. */
function findBinary(name: string, debianPackage: string): string {
  const dirs = name.includes('/') ? [''] : [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = path.resolve(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new EngineError('FAILED_PRECONDITION', `${name} was not found: install the Debian package ${debianPackage} or pass its path`);
}
