import { setTimeout as delay } from 'node:timers/promises';
import { SdkError } from '../errors.js';
import { DigestVerifier } from './digest.js';
import { discard, type HttpResponse } from './http-transport.js';
import { repositoryScope } from './registry-auth.js';
import type { RegistrySender } from './registry-session.js';
import { responseError } from './response-errors.js';

export interface BlobLocation {
  registry: string;
  repository: string;
  digest: string;
  /** The size the manifest gives; without it the response's length is used. */
  size?: number | undefined;
}

export interface ReadBlobOptions {
  signal?: AbortSignal | undefined;
  /** How many times a cut download is resumed with `Range`; default 3. */
  retries?: number;
}

/**
 * Streams a blob, hashing it as it goes. A connection cut mid-body is resumed from the bytes
 * received with `Range` (a registry that ignores the range is read past them instead). The
 * bytes are unverified until the iteration ends: when they do not match the digest the last
 * step throws a DigestMismatchError, so a consumer that writes to a temporary place and
 * commits only after the loop never keeps bad data.
 */
export async function* readBlob(sender: RegistrySender, blob: BlobLocation, options: ReadBlobOptions = {}): AsyncGenerator<Buffer> {
  const what = `blob ${blob.digest} from ${blob.registry}/${blob.repository}`;
  const verifier = new DigestVerifier(blob.digest);
  const retries = options.retries ?? 3;
  let total = blob.size;
  let received = 0;
  for (let attempt = 0; ; attempt++) {
    let res: HttpResponse;
    try {
      res = await sender.send({
        method: 'GET',
        registry: blob.registry,
        target: `/v2/${blob.repository}/blobs/${blob.digest}`,
        scopes: [repositoryScope(blob.repository, 'pull')],
        headers: received > 0 ? { range: `bytes=${received}-` } : {},
        signal: options.signal,
      });
    } catch (err) {
      // A registry that is down fails at once; only a resume is worth trying again.
      if (received === 0 || attempt >= retries || options.signal?.aborted) throw err;
      await delay(100 * 2 ** attempt, undefined, { signal: options.signal });
      continue;
    }
    let skip = 0;
    if (res.status === 206 && received > 0) {
      const start = /^bytes (\d+)-/.exec(res.header('content-range') ?? '')?.[1];
      if (Number(start) !== received) {
        discard(res);
        throw new SdkError('UNAVAILABLE', `${what}: asked to resume at byte ${received}, the registry answered Content-Range ${res.header('content-range') ?? '(none)'}`);
      }
      total ??= Number(/\/(\d+)$/.exec(res.header('content-range') ?? '')?.[1]) || undefined;
    } else if (res.status === 200) {
      skip = received;
      total ??= Number(res.header('content-length')) || undefined;
    } else {
      throw await responseError(res, what);
    }
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        const fresh = skip >= chunk.length ? undefined : chunk.subarray(skip);
        skip = Math.max(0, skip - chunk.length);
        if (fresh === undefined) continue;
        received += fresh.length;
        if (total !== undefined && received > total) throw new SdkError('DATA_LOSS', `${what} is longer than its ${total} bytes`);
        verifier.update(fresh);
        yield fresh;
      }
    } catch (err) {
      if (err instanceof SdkError && err.code === 'DATA_LOSS') throw err;
      if (options.signal?.aborted) throw options.signal.reason;
      if (attempt >= retries) {
        throw new SdkError('UNAVAILABLE', `${what} was cut off ${attempt + 1} times, last at byte ${received}: ${(err as Error).message}`, { cause: err });
      }
      continue;
    }
    if (total !== undefined && received < total) {
      if (attempt >= retries) throw new SdkError('UNAVAILABLE', `${what} ended early ${attempt + 1} times, last after ${received} of ${total} bytes`);
      continue;
    }
    verifier.verify(what);
    return;
  }
}

/** A whole blob in memory, verified (for configs and other small blobs). */
export async function fetchBlob(sender: RegistrySender, blob: BlobLocation, options: ReadBlobOptions = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readBlob(sender, blob, options)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
