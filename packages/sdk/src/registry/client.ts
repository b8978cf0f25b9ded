import { SdkError } from '../errors.js';
import { isImageIndex, type Descriptor, type Platform } from '../protocol/manifests.js';
import { fetchBlob, readBlob, type BlobLocation, type ReadBlobOptions } from './blob-download.js';
import { blobExists, pushBlob, type BlobData, type PushBlobOptions, type PushBlobResult } from './blob-upload.js';
import { registryKey, type CredentialSource, type Credentials } from './credentials.js';
import { registryBaseUrl } from './endpoint.js';
import { discard, HttpTransport, type TlsOptions } from './http-transport.js';
import { pullImage, pushImage, type PullOptions, type PushOptions } from './image-transfer.js';
import { catalog, listTags, type ListOptions } from './listing.js';
import { registryEvents, type RegistryEventsOptions } from './event-stream.js';
import { deleteManifest } from './manifest-delete.js';
import { getManifest, putManifest, type FetchedManifest, type ManifestUpload } from './manifests.js';
import { DEFAULT_PLATFORM, parsePlatform, selectPlatform } from './platform.js';
import { familiarString, parseDigest, parseReference, parseRegistryHost, parseTag, resolveReference, type ImageReference } from './reference.js';
import { RegistryAuth } from './registry-auth.js';
import { RegistrySession } from './registry-session.js';
import { responseError } from './response-errors.js';
import type { TransferEvent } from './transfer-events.js';
import type { RegistryEvent } from '../protocol/registry-events.js';

export interface RegistryClientOptions {
  /** Credentials per registry host; sent only to that host (and the token realm it names). */
  credentials?: CredentialSource;
  /** Registry for references that name none (`team/app:v1`); unset, such references are refused. */
  defaultRegistry?: string;
  /** Hosts (`host` or `host:port`) spoken to over plain HTTP; loopback hosts always are. */
  insecureRegistries?: readonly string[];
  /** CA certificates and verification for HTTPS registries. */
  tls?: TlsOptions;
  /** Default 5000. */
  connectTimeoutMs?: number;
  /** Longest silence on a connection; default 30000. */
  idleTimeoutMs?: number;
  /** Platform chosen from an index; default linux/amd64. */
  platform?: Platform | string;
  /** Blobs moved at once by pull and push; default 3. */
  concurrency?: number;
  /** Resumes of a cut blob download; default 3. */
  downloadRetries?: number;
  userAgent?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PingResult {
  /** What the registry asks for: nothing, HTTP Basic, or the token flow. */
  authentication: 'none' | 'basic' | 'bearer';
}

type Ref = string | ImageReference;

/** A blob by digest, with its size when known (it is sent as Content-Length and checked on download). */
export type BlobDescriptor = Pick<Descriptor, 'digest'> & { size?: number };

/**
 * A typed OCI Distribution (Docker Registry v2) client: manifests, blobs, tags, catalog, login,
 * and concurrent pulls and pushes with progress. References are resolved as Docker does.
 */
export class RegistryClient {
  private readonly transport: HttpTransport;
  private readonly insecure: ReadonlySet<string>;
  private readonly auth: RegistryAuth;
  private readonly session: RegistrySession;
  private readonly defaultRegistry: string | undefined;
  private readonly platform: Platform;

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.transport = new HttpTransport({
      ...(options.connectTimeoutMs !== undefined && { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.idleTimeoutMs !== undefined && { idleTimeoutMs: options.idleTimeoutMs }),
      ...(options.tls !== undefined && { tls: options.tls }),
    });
    this.insecure = new Set((options.insecureRegistries ?? []).map(registryKey));
    this.defaultRegistry = options.defaultRegistry === undefined ? undefined : parseRegistryHost(options.defaultRegistry);
    this.platform = typeof options.platform === 'string' ? parsePlatform(options.platform) : (options.platform ?? DEFAULT_PLATFORM);
    this.auth = new RegistryAuth({ transport: this.transport, credentials: options.credentials, insecure: this.insecure });
    this.session = this.sessionWith(this.auth);
  }

  /** The fully qualified reference (`127.0.0.1:5000/team/app:latest`) a string stands for. */
  resolve(reference: Ref): ImageReference {
    if (typeof reference !== 'string') return reference;
    return resolveReference(reference, this.defaultRegistry === undefined ? {} : { defaultRegistry: this.defaultRegistry });
  }

  /** `GET /v2/` without credentials: is it a registry, and what authentication does it want. */
  async ping(registry: string, options: CallOptions = {}): Promise<PingResult> {
    const host = parseRegistryHost(registry);
    const url = new URL('/v2/', registryBaseUrl(host, this.insecure));
    const res = await this.transport.send({ method: 'GET', url, headers: { 'user-agent': this.userAgent }, signal: options.signal });
    if (res.status === 200) {
      discard(res);
      return { authentication: 'none' };
    }
    const scheme = res.status === 401 ? this.auth.learn(host, res.headers['www-authenticate']) : undefined;
    if (scheme === undefined) throw await responseError(res, `${host} is not answering as a registry`);
    discard(res);
    return { authentication: scheme };
  }

  /**
   * `docker login`: checks `credentials` against the registry (Basic, or the token flow) and
   * resolves when they are good; throws an UnauthorizedError with the registry's message when
   * not. Nothing is remembered: pass the credentials in `credentials` to use them.
   */
  async checkLogin(registry: string, credentials: Credentials, options: CallOptions = {}): Promise<PingResult> {
    const host = parseRegistryHost(registry);
    const auth = new RegistryAuth({ transport: this.transport, credentials: { [host]: credentials }, insecure: this.insecure });
    const res = await this.sessionWith(auth).send({ method: 'GET', registry: host, target: '/v2/', scopes: [], signal: options.signal });
    if (res.status !== 200) throw await responseError(res, `login to ${host} failed`);
    discard(res);
    return { authentication: auth.schemeOf(host) ?? 'none' };
  }

  /** The manifest (or index) a tag or digest names, verified against its digest. */
  async getManifest(reference: Ref, options: CallOptions = {}): Promise<FetchedManifest> {
    return getManifest(this.session, this.resolve(reference), options.signal);
  }

  /** The image manifest for a platform: an index or manifest list is resolved to its entry. */
  async getImageManifest(reference: Ref, options: CallOptions & { platform?: Platform } = {}): Promise<{ manifest: FetchedManifest; index?: FetchedManifest }> {
    const ref = this.resolve(reference);
    const first = await getManifest(this.session, ref, options.signal);
    if (!isImageIndex(first.document)) return { manifest: first };
    const entry = selectPlatform(first.document, options.platform ?? this.platform, familiarString(ref));
    const manifest = await getManifest(this.session, { domain: ref.domain, path: ref.path, digest: entry.digest }, options.signal);
    if (isImageIndex(manifest.document)) {
      throw new SdkError('INVALID_ARGUMENT', `the index of ${familiarString(ref)} points at another index (${entry.digest}) for its platform`);
    }
    return { manifest, index: first };
  }

  /** Pushes a manifest by the reference's tag (or digest); returns its digest. */
  async putManifest(reference: Ref, manifest: ManifestUpload, options: CallOptions = {}): Promise<string> {
    return putManifest(this.session, this.resolve(reference), manifest, options.signal);
  }

  /**
   * Deletes a manifest by digest: the registry removes it and every tag on it. A registry that
   * does not allow deletion gives a NOT_IMPLEMENTED error; one still listed by an index, CONFLICT.
   */
  async deleteManifest(repository: Ref, digest: string, options: CallOptions = {}): Promise<void> {
    return deleteManifest(this.session, { ...this.repository(repository), digest: parseDigest(digest) }, options.signal);
  }

  /** Deletes a tag only (the manifest stays, by digest and under other tags). NOT_IMPLEMENTED where the registry refuses it. */
  async deleteTag(repository: Ref, tag: string, options: CallOptions = {}): Promise<void> {
    return deleteManifest(this.session, { ...this.repository(repository), tag: parseTag(tag) }, options.signal);
  }

  /**
   * The registry's live events (berth-registry's `GET /berth/v1/events`): every push, pull and
   * delete, for a user allowed to list the catalog. Runs until `signal` aborts (the iteration
   * then throws its reason) or the registry ends it; a cut connection throws UNAVAILABLE.
   * `onGap` hears of events dropped because this reader fell behind.
   */
  events(registry: string, options: RegistryEventsOptions = {}): AsyncIterable<RegistryEvent> {
    return registryEvents(this.session, parseRegistryHost(registry), options);
  }

  async blobExists(repository: Ref, digest: string, options: CallOptions = {}): Promise<boolean> {
    return blobExists(this.session, this.blob(repository, { digest }), options.signal);
  }

  /**
   * A blob's bytes as they arrive, resumed with `Range` when cut. Unverified until the loop
   * ends: a digest mismatch throws at the end; keep nothing of the bytes then.
   */
  readBlob(repository: Ref, descriptor: BlobDescriptor, options: CallOptions = {}): AsyncIterable<Buffer> {
    return readBlob(this.session, this.blob(repository, descriptor), this.readOptions(options));
  }

  /** A small blob (a config) in memory, verified. */
  async fetchBlob(repository: Ref, descriptor: BlobDescriptor, options: CallOptions = {}): Promise<Buffer> {
    return fetchBlob(this.session, this.blob(repository, descriptor), this.readOptions(options));
  }

  /** Puts a blob into a repository: skipped when present, mounted from `mountFrom` when it can be, else uploaded. */
  async pushBlob(repository: Ref, descriptor: BlobDescriptor, data: BlobData, options: PushBlobOptions = {}): Promise<PushBlobResult> {
    const blob = this.blob(repository, descriptor);
    if (options.mountFrom !== undefined) {
      const from = parseReference(`${blob.registry}/${options.mountFrom}`);
      if (from.path !== options.mountFrom || from.tag !== undefined || from.digest !== undefined) {
        throw new SdkError('INVALID_ARGUMENT', `invalid repository to mount from: "${options.mountFrom}" (a path such as team/base, in the same registry)`);
      }
    }
    return pushBlob(this.session, blob, data, options);
  }

  /** Every tag of a repository, following `Link` pages. */
  async listTags(repository: Ref, options: ListOptions = {}): Promise<string[]> {
    const ref = this.resolve(repository);
    return listTags(this.session, ref.domain, ref.path, options);
  }

  /** Every repository of a registry, following `Link` pages. */
  async catalog(registry: string, options: ListOptions = {}): Promise<string[]> {
    return catalog(this.session, parseRegistryHost(registry), options);
  }

  /** Pulls an image into `sink`; see {@link TransferEvent} for what the iteration yields. */
  pull(reference: Ref, options: PullOptions): AsyncIterable<TransferEvent> {
    return pullImage(this, this.resolve(reference), { concurrency: this.options.concurrency ?? 3, ...options });
  }

  /** Pushes the manifest's blobs from `source`, then the manifest; see {@link TransferEvent}. */
  push(reference: Ref, options: PushOptions): AsyncIterable<TransferEvent> {
    return pushImage(this, this.resolve(reference), { concurrency: this.options.concurrency ?? 3, ...options });
  }

  /** Closes idle connections. */
  close(): void {
    this.transport.close();
  }

  /** A repository named without tag or digest (`127.0.0.1:5000/team/app`). */
  private repository(repository: Ref): ImageReference {
    const ref = this.resolve(repository);
    // Resolving a string adds `latest`: look at what was written instead.
    const named = typeof repository === 'string' ? /[:@]/.test(repository.slice(repository.lastIndexOf('/') + 1)) : ref.tag !== undefined || ref.digest !== undefined;
    if (named) {
      throw new SdkError('INVALID_ARGUMENT', `name the repository without a tag or digest: ${familiarString(ref)}`);
    }
    return { domain: ref.domain, path: ref.path };
  }

  private blob(repository: Ref, descriptor: BlobDescriptor): BlobLocation {
    const ref = this.resolve(repository);
    return { registry: ref.domain, repository: ref.path, digest: parseDigest(descriptor.digest), size: descriptor.size };
  }

  private readOptions(options: CallOptions): ReadBlobOptions {
    return { signal: options.signal, ...(this.options.downloadRetries !== undefined && { retries: this.options.downloadRetries }) };
  }

  private get userAgent(): string {
    return this.options.userAgent ?? 'berth-sdk';
  }

  private sessionWith(auth: RegistryAuth): RegistrySession {
    return new RegistrySession({
      transport: this.transport,
      auth,
      baseUrl: (registry) => registryBaseUrl(registry, this.insecure),
      userAgent: this.userAgent,
    });
  }
}
