import { RegistryError, type OciErrorCode } from '../errors.js';

/** The `P…` code of a Prisma known request error (or connection error), if it is one. */
export function prismaCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^P\d{4}$/.test(code) ? code : undefined;
}

/** Unique violation, foreign key violation, write conflict or deadlock: worth running again. */
export const RACE_CODES = ['P2002', 'P2003', 'P2034'];

/**
 * Runs `fn` again (up to `attempts` times) when it fails with one of `codes`: concurrent writers
 * on PostgreSQL lose unique-key races, which a second run of the same upsert wins.
 */
export async function retrying<T>(codes: readonly string[], fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = prismaCode(err);
      if (attempt >= attempts || code === undefined || !codes.includes(code)) throw err;
    }
  }
}

const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** A RegistryError for what failed: UNAVAILABLE when the database cannot be reached, INTERNAL otherwise. */
export function databaseError(err: unknown, what: string): RegistryError {
  if (err instanceof RegistryError) return err;
  const message = (err as Error)?.message ?? String(err);
  const code = prismaCode(err);
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) {
    return new RegistryError('UNAVAILABLE', `registry database: ${what}: the database is unavailable: ${message}`, { cause: err });
  }
  return new RegistryError('INTERNAL', `registry database: ${what} failed: ${message}`, { cause: err });
}

export function notFound(message: string, ociCode: OciErrorCode, cause?: unknown): RegistryError {
  return new RegistryError('NOT_FOUND', message, { ociCode, cause });
}
