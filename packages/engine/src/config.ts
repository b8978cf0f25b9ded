import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG_FILE, SOURCES_OF, parseLogLevel, parseRegistry, readConfigFile, type FileSettings, type LogLevel } from './config-file.js';
import { EngineError } from './errors.js';

export type { LogLevel } from './config-file.js';

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
  /** `--config-file` (daemon.json keys), read at start and again on SIGHUP; `optional`: the default path, which may be absent. */
  configFile: { path: string; optional: boolean };
  /** The reloadable settings given as flags, which a reload keeps. */
  flagSettings: FileSettings;
}

export const USAGE = `Usage: berthd [OPTIONS]

A container engine that speaks the Docker Engine API.

Options:
  -H, --host list          Daemon socket(s) to listen on (default unix:///run/berth/berth.sock)
      --data-root string   Root directory of persistent state (default "/var/lib/berth")
      --exec-root string   Root directory for execution state files (default "/run/berth")
      --runtime string     OCI runtime binary (default "runc")
      --conmon string      conmon binary (default "conmon")
      --config-file string JSON settings reloaded on SIGHUP: log-level, insecure-registries,
                           default-registry (default "/etc/berth/daemon.json" if present)
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
    configFile: { path: DEFAULT_CONFIG_FILE, optional: true },
    flagSettings: {},
  };
  const flags = config.flagSettings;
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
      case '--insecure-registry': (flags.insecureRegistries ??= []).push(parseRegistry(value(), flag)); break;
      case '--default-registry': flags.defaultRegistry = parseRegistry(value(), flag); break;
      case '-l': case '--log-level': flags.logLevel = parseLogLevel(value(), flag); break;
      case '--config-file': config.configFile = { path: path.resolve(value()), optional: false }; break;
      case '-h': case '--help': return 'help';
      default: throw new EngineError('INVALID_ARGUMENT', `unknown flag: ${arg}`);
    }
  }
  applySettings(config, readConfigFile(config.configFile.path, config.configFile.optional));
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

/**
 * Sets the reloadable part of `config` from its flags and the config file's `file` settings (a
 * setting in both is an error, as with dockerd). The registries object is changed in place, so
 * whatever holds it sees a reload.
 */
export function applySettings(config: EngineConfig, file: FileSettings): void {
  const flags = config.flagSettings;
  for (const key of Object.keys(file) as (keyof FileSettings)[]) {
    if (flags[key] !== undefined) {
      const { key: fileKey, flag } = SOURCES_OF[key];
      throw new EngineError('INVALID_ARGUMENT', `${config.configFile.path}: "${fileKey}" is also given as the flag ${flag}: use one or the other`);
    }
  }
  const merged = { ...flags, ...file };
  config.logLevel = merged.logLevel ?? 'info';
  config.registries.insecure = merged.insecureRegistries ?? [];
  config.registries.defaultRegistry = merged.defaultRegistry;
}

/** A Linux interface name: at most 15 characters, no slash or whitespace. */
function bridgeName(value: string): string {
  if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(value)) throw new EngineError('INVALID_ARGUMENT', `invalid --bridge "${value}": an interface name of at most 15 letters, digits, "_", "." or "-"`);
  return value;
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
