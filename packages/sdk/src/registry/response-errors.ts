import { NotFoundError, SdkError, UnauthorizedError, type ErrorCode } from '../errors.js';
import { readBody, type HttpResponse } from './http-transport.js';

/** One entry of an OCI error body: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"…"}]}`. */
export interface OciErrorEntry {
  code: string;
  message?: string;
  detail?: unknown;
}

const ERROR_BODY_LIMIT = 64 * 1024;

/** The error entries of a JSON error body (OCI or the token spec's `error`/`details`), if it is one. */
export function parseErrorBody(body: Buffer): OciErrorEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  if (typeof doc !== 'object' || doc === null) return [];
  const d = doc as { errors?: unknown; error?: unknown; error_description?: unknown; details?: unknown };
  if (Array.isArray(d.errors)) {
    return d.errors.filter((e): e is OciErrorEntry => typeof (e as OciErrorEntry | null)?.code === 'string');
  }
  const message = [d.error_description, d.details, d.error].find((v): v is string => typeof v === 'string');
  return message === undefined ? [] : [{ code: typeof d.error === 'string' ? d.error.toUpperCase() : 'UNKNOWN', message }];
}

/** Docker's wording: the code in words, then the registry's message (`manifest unknown: manifest v2 is not …`). */
function describeEntry(entry: OciErrorEntry): string {
  const words = entry.code.toLowerCase().replace(/_/g, ' ');
  if (entry.message === undefined || entry.message === '' || entry.message.toLowerCase() === words) return words;
  return entry.code === 'UNKNOWN' ? entry.message : `${words}: ${entry.message}`;
}

function codeFor(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 405 || status === 501) return 'NOT_IMPLEMENTED';
  if (status === 409) return 'CONFLICT';
  if (status === 429 || status >= 500) return 'UNAVAILABLE';
  if (status >= 400) return 'INVALID_ARGUMENT';
  return 'INTERNAL';
}

/**
 * The SdkError for a response that is not the success the caller wanted. `what` names the
 * thing asked for (`manifest for 127.0.0.1:5000/team/app:v2`); the message carries the
 * registry's own words, and `ociCode` its first error code.
 */
export async function responseError(res: HttpResponse, what: string): Promise<SdkError> {
  let body: Buffer = Buffer.alloc(0);
  try {
    body = await readBody(res, ERROR_BODY_LIMIT, 'error body');
  } catch {
    // a cut or oversized error body: the status still says enough
  }
  const entries = parseErrorBody(body);
  const text = /^text\/plain/.test(res.header('content-type') ?? '') ? body.toString('utf8', 0, 300).trim() : '';
  const said = entries.map(describeEntry).join('; ') || text;
  const options = { status: res.status, ...(entries[0] !== undefined && { ociCode: entries[0].code }) };
  const code = codeFor(res.status);
  if (code === 'UNAUTHORIZED' || code === 'DENIED') {
    const fallback = code === 'UNAUTHORIZED' ? 'authentication required' : 'requested access to the resource is denied';
    return new UnauthorizedError(code, `${what}: ${said || fallback}`, options);
  }
  if (code === 'NOT_FOUND') return new NotFoundError(`${what} not found${said ? `: ${said}` : ''}`, options);
  return new SdkError(code, `${what}: ${res.url.host} answered HTTP ${res.status}${said ? `: ${said}` : ''}`, options);
}
