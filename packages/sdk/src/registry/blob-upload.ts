import { SdkError } from '../errors.js';
import { discard, type RequestBody } from './http-transport.js';
import { repositoryScope } from './registry-auth.js';
import type { RegistrySender } from './registry-session.js';
import { responseError } from './response-errors.js';

export interface BlobTarget {
  registry: string;
  repository: string;
  digest: string;
  /** Sent as Content-Length when known (it is, from a manifest). */
  size?: number | undefined;
}

/** A blob's bytes: a Buffer, or a function that opens them (again, if the upload must be retried). */
export type BlobData = RequestBody;

export interface PushBlobOptions {
  /** A repository of the same registry that may hold the blob: it is mounted from there instead of uploaded. */
  mountFrom?: string | undefined;
  /** Called as bytes go out, with the count sent so far. */
  onProgress?: ((sent: number) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export type PushBlobResult = 'exists' | 'mounted' | 'uploaded';

/** `HEAD` the blob: true when the repository has it. */
export async function blobExists(sender: RegistrySender, blob: BlobTarget, signal?: AbortSignal): Promise<boolean> {
  const res = await sender.send({
    method: 'HEAD',
    registry: blob.registry,
    target: `/v2/${blob.repository}/blobs/${blob.digest}`,
    scopes: [repositoryScope(blob.repository, 'pull')],
    signal,
  });
  discard(res);
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw await responseError(res, `blob ${blob.digest} in ${blob.registry}/${blob.repository}`);
}

/**
 * Puts a blob into a repository the cheapest way: nothing when it is there already, a
 * cross-repository mount when `mountFrom` has it, otherwise a monolithic upload (`POST`, then
 * one streamed `PUT ?digest=`); a mount the registry answers with 202 becomes that upload.
 */
export async function pushBlob(sender: RegistrySender, blob: BlobTarget, data: BlobData, options: PushBlobOptions = {}): Promise<PushBlobResult> {
  if (await blobExists(sender, blob, options.signal)) return 'exists';
  const what = `upload of blob ${blob.digest} to ${blob.registry}/${blob.repository}`;
  const scopes = [repositoryScope(blob.repository, 'pull,push')];
  let target = `/v2/${blob.repository}/blobs/uploads/`;
  if (options.mountFrom !== undefined && options.mountFrom !== blob.repository) {
    scopes.push(repositoryScope(options.mountFrom, 'pull'));
    target += `?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(options.mountFrom)}`;
  }
  const started = await sender.send({ method: 'POST', registry: blob.registry, target, scopes, headers: { 'content-length': '0' }, signal: options.signal });
  if (started.status === 201 && options.mountFrom !== undefined) {
    discard(started);
    return 'mounted';
  }
  if (started.status !== 202) throw await responseError(started, what);
  discard(started);
  const location = started.header('location');
  if (location === undefined) throw new SdkError('UNAVAILABLE', `${what}: the registry answered 202 without a Location`);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  const size = blob.size ?? (Buffer.isBuffer(data) ? data.length : undefined);
  if (size !== undefined) headers['content-length'] = String(size);
  const put = await sender.send({
    method: 'PUT',
    registry: blob.registry,
    // The registry's query (upload state) is kept byte for byte; only the digest is added.
    target: `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(blob.digest)}`,
    scopes,
    headers,
    body: withProgress(data, options.onProgress),
    signal: options.signal,
  });
  if (put.status !== 201) throw await responseError(put, what);
  discard(put);
  return 'uploaded';
}

function withProgress(data: BlobData, onProgress: ((sent: number) => void) | undefined): BlobData {
  if (onProgress === undefined) return data;
  return async function* counted() {
    let sent = 0;
    const source = Buffer.isBuffer(data) ? [data] : data();
    for await (const chunk of source) {
      yield chunk;
      sent += chunk.length;
      onProgress(sent);
    }
  };
}
