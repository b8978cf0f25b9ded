import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../errors.js';

/** `ADD https://…`: a source that is a URL (http or https); git URLs are refused by {@link checkAddUrl}. */
export function isUrlSource(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Refuses ADD sources that name a git repository or a scheme other than http(s). */
export function checkAddUrl(source: string): void {
  if (/^git@|\.git(#.*)?$|^git:\/\//i.test(source) || /^https?:\/\/.*\.git(#|$)/i.test(source)) {
    throw new EngineError('NOT_IMPLEMENTED', `ADD ${source}: adding a git repository is not supported by this builder; clone it in a RUN step or into the context`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !isUrlSource(source)) {
    throw new EngineError('INVALID_ARGUMENT', `ADD ${source}: only http and https URLs can be added`);
  }
}

/** `--checksum=sha256:<hex>`, checked; the digest in lower case. */
export function parseChecksum(value: string | true | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === true || !/^sha256:[0-9a-fA-F]{64}$/.test(value)) {
    throw new EngineError('INVALID_ARGUMENT', `ADD --checksum=${value === true ? '' : value}: expected sha256: followed by 64 hex digits`);
  }
  return value.toLowerCase();
}

/** The file name a URL gives when the destination is a directory: the last part of its path. */
export function urlFileName(url: string): string {
  const name = path.posix.basename(decodeURIComponent(new URL(url).pathname));
  if (name === '' || name === '/' || name === '.' || name === '..') {
    throw new EngineError('INVALID_ARGUMENT', `ADD ${url}: cannot determine a file name from the URL; give the destination as a file path`);
  }
  return name;
}

/**
 * Downloads `url` to `file` (mode 0600, mtime from Last-Modified, else `fallbackMtime`), hashing as it streams;
 * with `checksum`, a different digest removes the file and fails naming both. Returns the digest.
 */
export async function downloadUrl(url: string, file: string, checksum: string | undefined, fallbackMtime: Date, signal: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (err) {
    throw new EngineError('UNAVAILABLE', `ADD ${url}: download failed: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new EngineError('UNAVAILABLE', `ADD ${url}: download failed: the server answered ${res.status} ${res.statusText}`);
  }
  const hash = createHash('sha256');
  const tee = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>), tee, createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    await rm(file, { force: true });
    throw new EngineError('UNAVAILABLE', `ADD ${url}: download failed: ${(err as Error).message}`, { cause: err });
  }
  const digest = `sha256:${hash.digest('hex')}`;
  if (checksum !== undefined && digest !== checksum) {
    await rm(file, { force: true });
    throw new EngineError('INVALID_ARGUMENT', `ADD ${url}: checksum mismatch: expected ${checksum}, got ${digest}; nothing was added`);
  }
  const modified = res.headers.get('last-modified');
  const mtime = modified && !Number.isNaN(Date.parse(modified)) ? new Date(modified) : fallbackMtime;
  await utimes(file, mtime, mtime);
  return digest;
}
