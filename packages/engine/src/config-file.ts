import fs from 'node:fs';
import { parseRegistryHost } from '@berth/sdk';
import { EngineError } from './errors.js';

/** The default `--config-file`, read when it exists (as dockerd reads /etc/docker/daemon.json). */
export const DEFAULT_CONFIG_FILE = '/etc/berth/daemon.json';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * What berthd's JSON config file may set, with dockerd's daemon.json key names. All of it is
 * reloadable: SIGHUP reads the file again and applies it without a restart.
 */
export interface FileSettings {
  logLevel?: LogLevel;
  insecureRegistries?: string[];
  defaultRegistry?: string;
}

const KEYS: Record<string, keyof FileSettings> = {
  'log-level': 'logLevel',
  'insecure-registries': 'insecureRegistries',
  'default-registry': 'defaultRegistry',
};

/** The file's key and the flag of each setting: a setting may come from one or the other, not both. */
export const SOURCES_OF: Record<keyof FileSettings, { key: string; flag: string }> = {
  logLevel: { key: 'log-level', flag: '--log-level' },
  insecureRegistries: { key: 'insecure-registries', flag: '--insecure-registry' },
  defaultRegistry: { key: 'default-registry', flag: '--default-registry' },
};

export function parseLogLevel(level: string, where: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new EngineError('INVALID_ARGUMENT', `${where}: invalid log level "${level}": use one of ${LOG_LEVELS.join(', ')}`);
  }
  return level as LogLevel;
}

export function parseRegistry(value: string, where: string): string {
  try {
    return parseRegistryHost(value);
  } catch (err) {
    throw new EngineError('INVALID_ARGUMENT', `${where}: ${(err as Error).message}`, { cause: err });
  }
}

/** Parses the file's text; every error names the file and the key. */
export function parseConfigFile(text: string, file: string): FileSettings {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new EngineError('INVALID_ARGUMENT', `${file}: not valid JSON: ${(err as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new EngineError('INVALID_ARGUMENT', `${file}: expected a JSON object`);
  }
  const settings: FileSettings = {};
  for (const [key, value] of Object.entries(json)) {
    const where = `${file}: "${key}"`;
    switch (KEYS[key]) {
      case 'logLevel':
        if (typeof value !== 'string') throw new EngineError('INVALID_ARGUMENT', `${where} must be a string`);
        settings.logLevel = parseLogLevel(value, where);
        break;
      case 'insecureRegistries':
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
          throw new EngineError('INVALID_ARGUMENT', `${where} must be an array of strings`);
        }
        settings.insecureRegistries = value.map((v: string) => parseRegistry(v, where));
        break;
      case 'defaultRegistry':
        if (typeof value !== 'string') throw new EngineError('INVALID_ARGUMENT', `${where} must be a string`);
        settings.defaultRegistry = parseRegistry(value, where);
        break;
      default:
        throw new EngineError('INVALID_ARGUMENT', `${file}: unknown key "${key}" (berthd reads ${Object.keys(KEYS).join(', ')})`);
    }
  }
  return settings;
}

/** Reads and parses `file`; a missing file is no settings when `optional`. */
export function readConfigFile(file: string, optional: boolean): FileSettings {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new EngineError('INVALID_ARGUMENT', `cannot read config file ${file}: ${(err as Error).message}`);
  }
  return parseConfigFile(text, file);
}
