/** Error codes shared by every Berth component (containerd style). */
export const ERROR_CODES = [
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'INVALID_ARGUMENT',
  'FAILED_PRECONDITION',
  'CONFLICT',
  'UNAVAILABLE',
  'NOT_IMPLEMENTED',
  'NOT_MODIFIED',
  'UNAUTHORIZED',
  'DENIED',
  'DATA_LOSS',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status for each code, used at the edge of every server. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 412,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  NOT_IMPLEMENTED: 501,
  NOT_MODIFIED: 304,
  /** Not (or wrongly) authenticated: log in again. */
  UNAUTHORIZED: 401,
  /** Authenticated, but the access is not granted. */
  DENIED: 403,
  /** Content that does not match its digest (or was cut short): nothing of it is kept. */
  DATA_LOSS: 500,
  INTERNAL: 500,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export interface SdkErrorOptions {
  cause?: unknown;
  /** The OCI error code (`MANIFEST_UNKNOWN`, `DENIED`, …) from the registry's JSON body, when it sent one. */
  ociCode?: string;
  /** The HTTP status the server answered with, when the error came from a response. */
  status?: number;
}

/** The SDK's one error family: a code from the shared set and a message users can act on. */
export class SdkError extends Error {
  override readonly name: string = 'SdkError';
  readonly ociCode: string | undefined;
  readonly status: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: SdkErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.ociCode = options.ociCode;
    this.status = options.status;
  }
}

/** A manifest, blob, tag or repository the registry does not have (`NOT_FOUND`). */
export class NotFoundError extends SdkError {
  override readonly name = 'NotFoundError';
  constructor(message: string, options?: SdkErrorOptions) {
    super('NOT_FOUND', message, options);
  }
}

/** The registry refused the credentials (`UNAUTHORIZED`) or the access (`DENIED`); the message is the registry's. */
export class UnauthorizedError extends SdkError {
  override readonly name = 'UnauthorizedError';
  constructor(code: 'UNAUTHORIZED' | 'DENIED', message: string, options?: SdkErrorOptions) {
    super(code, message, options);
  }
}

/** Content whose bytes do not hash to the digest it was asked for (`DATA_LOSS`). */
export class DigestMismatchError extends SdkError {
  override readonly name = 'DigestMismatchError';
  constructor(
    readonly expected: string,
    readonly actual: string,
    message: string,
  ) {
    super('DATA_LOSS', message);
  }
}

export function isSdkError(err: unknown, code?: ErrorCode): err is SdkError {
  return err instanceof SdkError && (code === undefined || err.code === code);
}

/** The engine refused the request as malformed or invalid (HTTP 400, `INVALID_ARGUMENT`). */
export class BadRequestError extends SdkError {
  override readonly name = 'BadRequestError';
  constructor(message: string, options?: SdkErrorOptions) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** The request conflicts with the current state: a name in use, a container not running (HTTP 409). */
export class ConflictError extends SdkError {
  override readonly name = 'ConflictError';
  constructor(message: string, options?: SdkErrorOptions) {
    super('CONFLICT', message, options);
  }
}

/** The engine failed (HTTP 5xx) or could not be reached (`UNAVAILABLE`); the message is the engine's. */
export class ServerError extends SdkError {
  override readonly name = 'ServerError';
  constructor(code: 'INTERNAL' | 'UNAVAILABLE' | 'NOT_IMPLEMENTED' | 'DATA_LOSS', message: string, options?: SdkErrorOptions) {
    super(code, message, options);
  }
}

/** A pull, push, import or load that failed after its progress stream had started. */
export class ProgressError extends SdkError {
  override readonly name: string = 'ProgressError';
  constructor(
    readonly operation: 'pull' | 'push' | 'import' | 'load' | 'build',
    message: string,
    options?: SdkErrorOptions,
  ) {
    super('FAILED_PRECONDITION', message, options);
  }
}

/** A build that failed: `step` is the `Step n/m : INSTRUCTION` line that failed, `exitCode` a failed RUN's exit code. */
export class BuildError extends ProgressError {
  override readonly name = 'BuildError';
  constructor(
    message: string,
    readonly step: string | undefined,
    readonly exitCode: number | undefined,
    options?: SdkErrorOptions,
  ) {
    super('build', message, options);
  }
}
