import type { IncomingMessage } from 'node:http';
import {
  BadRequestError, ConflictError, NotFoundError, SdkError, ServerError, UnauthorizedError,
} from '../errors.js';

/** Reads an error response's `{ message }` (or its text) and turns it into the typed error for its status. */
export async function errorFromResponse(res: IncomingMessage, what: string): Promise<SdkError> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= 64 * 1024) chunks.push(chunk);
  }
  return errorFromText(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), what);
}

/** The typed error for an error status and the body that came with it. */
export function errorFromText(status: number, body: string, what: string): SdkError {
  const text = body.trim();
  let message = text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: the text itself is the message
  }
  return errorForStatus(status, message || `${what} failed with HTTP ${status}`);
}

export function errorForStatus(status: number, message: string): SdkError {
  const options = { status };
  switch (status) {
    case 400:
      return new BadRequestError(message, options);
    case 401:
      return new UnauthorizedError('UNAUTHORIZED', message, options);
    case 403:
      return new UnauthorizedError('DENIED', message, options);
    case 404:
      return new NotFoundError(message, options);
    case 409:
      return new ConflictError(message, options);
    case 412:
      return new SdkError('FAILED_PRECONDITION', message, options);
    case 501:
      return new ServerError('NOT_IMPLEMENTED', message, options);
    case 503:
      return new ServerError('UNAVAILABLE', message, options);
    default:
      return status >= 500 ? new ServerError('INTERNAL', message, options) : new SdkError('INTERNAL', message, options);
  }
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused; is berthd running?',
  ENOENT: 'no such socket; is berthd running?',
  EACCES: 'permission denied on the socket; join its group or use sudo',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'host not found',
};

/** A connection failure, naming the engine's address; an abort becomes the signal's reason. */
export function connectionError(err: unknown, address: string, signal: AbortSignal | undefined): unknown {
  if (err instanceof SdkError) return err;
  if (signal?.aborted) return signal.reason;
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  const reason = NETWORK_ERRORS[code] ?? e.message;
  return new ServerError('UNAVAILABLE', `cannot reach the engine at ${address}: ${reason}${code ? ` (${code})` : ''}`, { cause: err });
}
