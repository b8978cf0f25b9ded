import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';

/** Manifests larger than this are refused with 413 (the spec asks registries to take at least 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/**
 * Reads a small request body whole (manifests), refusing more than `limit` bytes with 413
 * before reading further. The refusal closes the connection so the rest is never read.
 */
export async function readLimitedBody(req: IncomingMessage, limit = MAX_MANIFEST_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** Whether a request carries a body (a chunked one, or a non-zero Content-Length). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

function tooLarge(limit: number): ApiError {
  return new ApiError('MANIFEST_INVALID', `manifest is larger than ${limit / 1024 / 1024} MiB`, {
    status: 413,
    headers: { Connection: 'close' },
  });
}
