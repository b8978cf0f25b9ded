import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HTTP_STATUS, isSdkError, type ProgressMessage } from '@berth/sdk';
import { EngineError } from '../errors.js';

/** Sends a JSON body. The docker CLI needs the Content-Type to be exactly `application/json`. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body) + '\n');
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': data.length });
  res.end(data);
}

/** Sends an empty response (204 by default). */
export function sendEmpty(res: ServerResponse, status = 204): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

/**
 * Streams a tar archive (`docker save`, `docker export`). A failure after the first byte cuts the
 * connection, so the CLI reports it; a client that goes away destroys `archive`, which stops its producer.
 */
export async function sendTar(res: ServerResponse, archive: Readable): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  try {
    await pipeline(archive, res);
  } catch {
    res.destroy();
  }
}

/** Maps any error to the status table and a `{"message": ...}` body; never leaks a stack trace. */
export function errorStatus(err: unknown): { status: number; message: string } {
  if (err instanceof EngineError) return { status: HTTP_STATUS[err.code], message: err.message };
  // Registry errors (the SDK's client) carry the same codes: a missing manifest is 404, bad credentials 401.
  if (isSdkError(err)) return { status: HTTP_STATUS[err.code], message: err.message };
  return { status: 500, message: err instanceof Error ? err.message : String(err) };
}

export function sendError(res: ServerResponse, err: unknown): void {
  const { status, message } = errorStatus(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (status === 304) return sendEmpty(res, 304);
  sendJson(res, status, { message });
}

/** Reads a whole request body, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new EngineError('INVALID_ARGUMENT', `request body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; an empty body gives `fallback`, malformed JSON is a 400. */
export function parseJson<T>(data: Buffer, fallback?: T): T {
  const text = data.toString('utf8').trim();
  if (text === '') {
    if (fallback !== undefined) return fallback;
    throw new EngineError('INVALID_ARGUMENT', 'request body is empty; a JSON object was expected');
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new EngineError('INVALID_ARGUMENT', `invalid JSON in request body: ${(err as Error).message}`);
  }
}

/** A chunked JSON message stream with headers flushed at once (progress, events, wait). */
export interface JsonStream {
  write(message: unknown): void;
  /** Sends a progress error the docker CLI recognises (it needs `errorDetail`). */
  fail(err: unknown): void;
  end(): void;
  readonly closed: boolean;
}

export function openJsonStream(res: ServerResponse): JsonStream {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  let closed = false;
  res.on('close', () => (closed = true));
  return {
    write(message) {
      if (!closed) res.write(JSON.stringify(message) + '\r\n');
    },
    fail(err) {
      const { message } = errorStatus(err);
      const msg: ProgressMessage = { errorDetail: { message }, error: message };
      this.write(msg);
    },
    end() {
      if (!closed) res.end();
    },
    get closed() {
      return closed;
    },
  };
}
