import path from 'node:path';
import { RegistryError } from './errors.js';
import { parseListen, parseLogLevel, parseMinutes, type RegistryConfig } from './config.js';

/**
 * Applies a JSON configuration file (the same settings as the flags; relative paths are
 * relative to the file):
 *
 * ```json
 * {
 *   "listen": "0.0.0.0:5000", "storage": "./data", "database": "postgresql://…",
 *   "auth": { "mode": "htpasswd", "htpasswdFile": "./htpasswd", "permissionsFile": "./permissions.json" },
 *   "tls": { "certFile": "./cert.pem", "keyFile": "./key.pem" },
 *   "gc": { "intervalMinutes": 60, "gracePeriodMinutes": 60, "uploadMaxAgeMinutes": 1440 },
 *   "insecurePublic": false, "logLevel": "info"
 * }
 * ```
 */
export function applyFileConfig(config: RegistryConfig, file: string, readFile: (file: string) => string): void {
  let json: unknown;
  try {
    json = JSON.parse(readFile(file));
  } catch (cause) {
    const why = cause instanceof SyntaxError ? `is not valid JSON: ${cause.message}` : `cannot be read: ${(cause as Error).message}`;
    throw new RegistryError('INVALID_ARGUMENT', `config file ${file} ${why}`, { cause });
  }
  const doc = object(json, file, 'the document');
  const dir = path.dirname(file);
  const resolve = (p: unknown, where: string): string => path.resolve(dir, string(p, file, where));
  for (const [key, value] of Object.entries(doc)) {
    switch (key) {
      case 'listen': config.listen = parseListen(string(value, file, key)); break;
      case 'storage': config.storage = resolve(value, key); break;
      case 'database': config.database = string(value, file, key); break;
      case 'insecurePublic': config.insecurePublic = boolean(value, file, key); break;
      case 'logLevel': config.logLevel = parseLogLevel(string(value, file, key)); break;
      case 'tls': {
        const tls = object(value, file, key);
        config.tls = { certFile: resolve(tls.certFile, 'tls.certFile'), keyFile: resolve(tls.keyFile, 'tls.keyFile') };
        break;
      }
      case 'gc': {
        for (const [k, v] of Object.entries(object(value, file, key))) {
          if (k !== 'intervalMinutes' && k !== 'gracePeriodMinutes' && k !== 'uploadMaxAgeMinutes') throw bad(file, `unknown key gc.${k}`);
          config.gc[k] = parseMinutes(v as number, `gc.${k} in ${file}`);
        }
        break;
      }
      case 'auth': {
        const auth = object(value, file, key);
        const out: Record<string, unknown> = { mode: string(auth.mode ?? 'none', file, 'auth.mode') };
        for (const [k, v] of Object.entries(auth)) {
          if (k === 'mode') continue;
          if (['htpasswdFile', 'permissionsFile', 'keyFile'].includes(k)) out[k] = resolve(v, `auth.${k}`);
          else if (['realm', 'service', 'issuer'].includes(k)) out[k] = string(v, file, `auth.${k}`);
          else if (k === 'expirySeconds' && typeof v === 'number' && v > 0) out[k] = v;
          else throw bad(file, `unknown or invalid key auth.${k}`);
        }
        config.auth = out as unknown as RegistryConfig['auth'];
        break;
      }
      default:
        throw bad(file, `unknown key "${key}"`);
    }
  }
}

function object(value: unknown, file: string, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(file, `${where} must be an object`);
  return value as Record<string, unknown>;
}

function string(value: unknown, file: string, where: string): string {
  if (typeof value !== 'string' || value === '') throw bad(file, `${where} must be a non-empty string`);
  return value;
}

function boolean(value: unknown, file: string, where: string): boolean {
  if (typeof value !== 'boolean') throw bad(file, `${where} must be true or false`);
  return value;
}

function bad(file: string, why: string): RegistryError {
  return new RegistryError('INVALID_ARGUMENT', `config file ${file}: ${why}`);
}
