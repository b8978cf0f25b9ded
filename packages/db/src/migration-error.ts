/**
 * Why a database could not be brought up to its migrations. Each package wraps it in its own
 * error class with words for its users (`berthd`, `berth-registry`).
 * - `OPEN`: the database could not be opened or read (not a database, unreachable server).
 * - `NEWER`: it has a migration these files do not know: a newer build wrote it (`migrations` names it).
 * - `FAILED`: a migration failed to apply (`migrations` names the ones left unfinished).
 */
export type MigrationErrorReason = 'OPEN' | 'NEWER' | 'FAILED';

/** The one error class of @berth/db. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(
    readonly reason: MigrationErrorReason,
    readonly migrations: string[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
