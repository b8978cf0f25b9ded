import { RegistryError } from '../errors.js';

export type MetadataLocation = { provider: 'sqlite'; file: string } | { provider: 'postgresql'; url: string };

/**
 * Where the metadata lives: `postgresql://…` (or `postgres://…`) is a PostgreSQL database;
 * `file:/path/registry.db` or a plain path is a SQLite file.
 */
export function metadataLocation(url: string): MetadataLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { provider: 'postgresql', url };
  const file = url.replace(/^file:(\/\/(?=\/))?/, '');
  if (!file || /^[a-z][a-z0-9+.-]*:\/\//i.test(file)) {
    throw new RegistryError('INVALID_ARGUMENT', `metadata database "${url}": give a file path, file:/path/registry.db or postgresql://user@host/db`);
  }
  return { provider: 'sqlite', file };
}

/** The URL without its password, for messages and logs. */
export function redactedUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
