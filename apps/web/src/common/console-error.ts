import { isSdkError } from '@berth/sdk';

export type ConsoleErrorCode =
  | 'INVALID_ARGUMENT' | 'UNAUTHENTICATED' | 'PERMISSION_DENIED' | 'NOT_FOUND' | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION' | 'UNAVAILABLE' | 'DEADLINE_EXCEEDED' | 'INTERNAL';

export const CONSOLE_HTTP_STATUS: Record<ConsoleErrorCode, number> = {
  INVALID_ARGUMENT: 400, UNAUTHENTICATED: 401, PERMISSION_DENIED: 403, NOT_FOUND: 404, ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409, UNAVAILABLE: 502, DEADLINE_EXCEEDED: 504, INTERNAL: 500,
};

/** An error of the console, with a code; mapped to an HTTP status only at the edge. */
export class ConsoleError extends Error {
  constructor(readonly code: ConsoleErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConsoleError';
  }
}

/** Turns an SDK (engine or registry) error into a ConsoleError that keeps the engine's message. */
export function fromEngineError(err: unknown, what: string): ConsoleError {
  if (err instanceof ConsoleError) return err;
  if (isSdkError(err)) {
    const status = (err as { status?: number }).status ?? 0;
    const code: ConsoleErrorCode =
      status === 400 ? 'INVALID_ARGUMENT' : status === 404 ? 'NOT_FOUND' : status === 409 ? 'FAILED_PRECONDITION'
        : status === 401 || status === 403 ? 'PERMISSION_DENIED' : status >= 500 || status === 0 ? 'UNAVAILABLE' : 'INTERNAL';
    return new ConsoleError(code, `${what}: ${err.message}`, { cause: err });
  }
  const e = err as Error;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return new ConsoleError('DEADLINE_EXCEEDED', `${what}: the engine did not answer in time`, { cause: err });
  return new ConsoleError('UNAVAILABLE', `${what}: ${e?.message ?? String(err)}`, { cause: err });
}

/** Required string field of a JSON body. */
export function requireString(body: unknown, field: string): string {
  const v = (body as Record<string, unknown> | null)?.[field];
  if (typeof v !== 'string' || v === '') throw new ConsoleError('INVALID_ARGUMENT', `"${field}" is required (a non-empty string)`);
  return v;
}

export function optionalString(body: unknown, field: string): string | undefined {
  const v = (body as Record<string, unknown> | null)?.[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ConsoleError('INVALID_ARGUMENT', `"${field}" must be a string`);
  return v;
}

/** A route's numeric id parameter. */
export function idParam(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ConsoleError('INVALID_ARGUMENT', `${what} "${value}" is not a number`);
  return n;
}
