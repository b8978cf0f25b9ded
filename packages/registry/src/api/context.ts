import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { RegistryMetadata } from '../metadata/registry-metadata.js';
import type { RandomAccessFile } from '../storage/storage-driver.js';
import type { RegistryEvents } from './events.js';

/** The part of the blob store the API uses (bytes by digest, and upload sessions). */
export interface BlobBytes {
  stat(digest: string): Promise<{ size: number } | null>;
  openFile(digest: string): Promise<RandomAccessFile>;
  startUpload(id: string): Promise<void>;
  /** Appends at `expectedOffset` (else RANGE_INVALID) and returns the new size. */
  appendUpload(id: string, source: Readable, expectedOffset: number): Promise<number>;
  /** Verifies and stores the upload; DIGEST_INVALID / SIZE_INVALID remove it. */
  finishUpload(id: string, digest: string, expectedSize?: number): Promise<{ size: number }>;
  cancelUpload(id: string): Promise<void>;
  putBlob(source: Readable, expectedDigest: string): Promise<{ size: number }>;
  uploadSize(id: string): Promise<number>;
}

/** What every handler shares: the stores, the event stream and the logger. Wired once in server.ts. */
export interface ApiContext {
  blobs: BlobBytes;
  metadata: RegistryMetadata;
  events: RegistryEvents;
  logger: Logger;
  /** Whether a mount without `from` may take the blob from any repository (only when nobody is denied anything). */
  anonymousMount: boolean;
}

/** One request after routing, name validation and authorization. */
export interface RequestContext {
  api: ApiContext;
  req: IncomingMessage;
  res: ServerResponse;
  /** The validated repository name ('' for registry-wide routes). */
  name: string;
  /** The route's last path segment, percent-decoded (reference, digest or upload id), not yet validated. */
  param: string;
  query: URLSearchParams;
  /** The authenticated user, null when anonymous. */
  user: string | null;
  log: Logger;
  /** Whether the same requester may pull another repository (for a cross-repository mount). */
  canPull(repository: string): Promise<boolean>;
  /** Fields for the access log line (repository, digest, tag …). */
  logFields: Record<string, unknown>;
}

export type Handler = (ctx: RequestContext) => Promise<void>;

/** Headers every registry response carries. */
export const API_VERSION_HEADER = { 'Docker-Distribution-API-Version': 'registry/2.0' } as const;

/** An empty response with the usual headers. */
export function sendEmpty(ctx: RequestContext, status: number, headers: Record<string, string | number> = {}): void {
  ctx.res.writeHead(status, { ...API_VERSION_HEADER, 'Content-Length': 0, ...headers });
  ctx.res.end();
}

/** A JSON response; HEAD gets the headers only. */
export function sendJson(ctx: RequestContext, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  ctx.res.writeHead(status, {
    ...API_VERSION_HEADER,
    'Content-Type': 'application/json; charset=utf-8',
    ...headers,
    'Content-Length': data.length,
  });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : data);
}
