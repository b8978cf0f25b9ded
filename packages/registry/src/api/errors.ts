import type { ServerResponse } from 'node:http';
import { HTTP_STATUS } from '@berth/sdk';
import { RegistryError, type OciErrorCode } from '../errors.js';

/**
 * Error codes the API answers with: the distribution spec's, plus the ones the CNCF
 * distribution registry uses where the spec has no precise code.
 */
export type ApiErrorCode = OciErrorCode | 'PAGINATION_NUMBER_INVALID' | 'UNKNOWN';

/** The one status table of the registry API (distribution's, with BLOB_UPLOAD_INVALID as a 400). */
export const API_ERROR_STATUS: Record<ApiErrorCode, number> = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
  RANGE_INVALID: 416,
  PAGINATION_NUMBER_INVALID: 400,
  UNKNOWN: 500,
};

export interface ErrorEntry {
  code: string;
  message: string;
  detail?: unknown;
}

/** An error answered as `{"errors":[…]}` with a status (and headers such as Range or WWW-Authenticate). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly errors: ErrorEntry[];
  readonly headers: Record<string, string>;

  constructor(
    code: ApiErrorCode,
    message: string,
    options: { detail?: unknown; status?: number; headers?: Record<string, string>; more?: ErrorEntry[]; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status ?? API_ERROR_STATUS[code];
    const first: ErrorEntry = { code, message };
    if (options.detail !== undefined) first.detail = options.detail;
    this.errors = [first, ...(options.more ?? [])];
    this.headers = options.headers ?? {};
  }

  get code(): string {
    return this.errors[0]?.code ?? 'UNKNOWN';
  }
}

/**
 * Translates anything a handler threw into an ApiError. A RegistryError with an OCI code keeps
 * it; otherwise `fallback` (the handler's idea of what NOT_FOUND or INVALID_ARGUMENT means
 * here) or the generic status table decides. Unknown errors become a 500 without internals.
 */
export function toApiError(err: unknown, fallback?: Partial<Record<RegistryError['code'], ApiErrorCode>>): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof RegistryError) {
    const code = err.ociCode ?? fallback?.[err.code];
    if (code !== undefined) return new ApiError(code, err.message, { detail: err.detail, cause: err });
    const status = HTTP_STATUS[err.code];
    if (status >= 500) return new ApiError('UNKNOWN', 'internal error; see the registry log', { status, cause: err });
    return new ApiError(status === 404 ? 'NAME_UNKNOWN' : 'UNSUPPORTED', err.message, { status, cause: err });
  }
  return new ApiError('UNKNOWN', 'internal error; see the registry log', { cause: err });
}

/** Writes an error response; when headers already went out the connection is cut instead. */
export function sendApiError(res: ServerResponse, err: ApiError, head = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendErrors(res, err.status, err.errors, err.headers, head);
}

export function sendErrors(
  res: ServerResponse,
  status: number,
  errors: readonly ErrorEntry[],
  headers: Record<string, string | string[]> = {},
  head = false,
): void {
  const body = Buffer.from(JSON.stringify({ errors }) + '\n');
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    'Docker-Distribution-API-Version': 'registry/2.0',
  });
  res.end(head ? undefined : body);
}
