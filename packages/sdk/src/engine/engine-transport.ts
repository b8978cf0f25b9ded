import type http from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type https from 'node:https';
import type { Socket } from 'node:net';
import { API_VERSION } from '../protocol/system.js';
import { connectionError, errorFromResponse, errorFromText } from './engine-errors.js';
import { parseEngineHost, type EngineAddress, type EngineTlsOptions } from './engine-host.js';

export type QueryValue = string | number | boolean | string[] | Record<string, unknown> | undefined;

/** A request body: JSON (a plain object), bytes, or a stream of bytes (tar archives). */
export type EngineBody = Buffer | AsyncIterable<Uint8Array> | object;

export interface EngineRequest {
  method: string;
  path: string;
  query?: Record<string, QueryValue>;
  body?: EngineBody;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Status codes that are not errors besides 2xx (e.g. 304 for start/stop). */
  accept?: number[];
}

export interface EngineTransportOptions {
  host: string;
  tls?: EngineTlsOptions;
  /** Pin the API version instead of negotiating it with `/_ping`. */
  version?: string;
  /** Connections kept per engine; default 64. */
  maxSockets?: number;
}

/**
 * Bun's fetch speaks to unix sockets natively, where its node:http and node:stream are JavaScript that takes
 * several milliseconds to load: on Bun (the berth CLI's runtime), requests whose answer is read whole go
 * through fetch, and node:http is loaded only for streams and hijacked connections.
 */
const NATIVE_FETCH = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';

/** An answer read whole. */
interface WholeResponse {
  status: number;
  header(name: string): string | undefined;
  text: string;
}

/** The HTTP layer: keep-alive agent on a unix socket or TCP (optionally mutual TLS), version-prefixed paths. */
export class EngineTransport {
  readonly address: EngineAddress;
  /** node:http, or node:https on TLS, and its agent: loaded with the first request that needs them. */
  private agent: http.Agent | undefined;
  private lib: Pick<typeof https, 'request'> | undefined;
  private readonly tls: EngineTlsOptions | undefined;
  private readonly maxSockets: number;
  private version: Promise<string> | undefined;
  /** The negotiated version once known, so requests skip awaiting it. */
  private settled: string | undefined;

  constructor(options: EngineTransportOptions) {
    this.tls = options.tls;
    this.address = parseEngineHost(options.host, options.tls !== undefined);
    this.maxSockets = options.maxSockets ?? 64;
    if (options.version !== undefined) {
      this.settled = options.version;
      this.version = Promise.resolve(options.version);
    }
  }

  /**
   * node:http, or node:https for an engine on TLS (which loads tls and crypto, never needed on a
   * unix socket), imported on the first request that needs it.
   */
  private async client(): Promise<Pick<typeof https, 'request'>> {
    if (!this.lib) {
      const lib = this.secure ? (await import('node:https')).default : (await import('node:http')).default;
      this.agent ??= new lib.Agent({ keepAlive: true, maxSockets: this.maxSockets, ...this.tlsOptions() });
      this.lib ??= lib;
    }
    return this.lib;
  }

  /** Whether a request goes through fetch: on Bun, without TLS, with no streamed body. */
  private fetches(req: EngineRequest): boolean {
    return NATIVE_FETCH && !this.secure && !isAsyncIterable(req.body);
  }

  private get secure(): boolean {
    return this.address.kind === 'tcp' && this.address.tls;
  }

  /** The API version requests use: ours, or the engine's when that is lower (from `/_ping`, once). */
  apiVersion(signal?: AbortSignal): Promise<string> {
    if (!this.version) {
      const ping = { method: 'GET', path: '/_ping', signal };
      const answer = this.fetches(ping)
        ? this.fetchWhole(ping).then((res) => res.header('api-version'))
        : this.raw(ping).then((res) => {
          res.resume();
          return headerOf(res, 'api-version');
        });
      const negotiated = answer.then((server) => {
        this.settled = server && compareVersions(server, API_VERSION) < 0 ? server : API_VERSION;
        return this.settled;
      });
      negotiated.catch(() => (this.version = undefined));
      this.version = negotiated;
    }
    return this.version;
  }

  /** Sends a versioned request; an error status becomes a typed error with the engine's message. */
  async request(req: EngineRequest): Promise<IncomingMessage> {
    const version = this.settled ?? (await this.apiVersion(req.signal));
    const res = await this.raw({ ...req, path: `/v${version}${req.path}` });
    const status = res.statusCode ?? 0;
    if ((status >= 200 && status < 300) || req.accept?.includes(status)) return res;
    throw await errorFromResponse(res, `${req.method} ${req.path}`);
  }

  /** A request whose JSON answer is returned (empty bodies give undefined). */
  async json<T>(req: EngineRequest): Promise<T> {
    let text: string;
    if (this.fetches(req)) {
      text = await this.whole(req);
    } else {
      const chunks: Buffer[] = [];
      for await (const chunk of (await this.request(req)) as AsyncIterable<Buffer>) chunks.push(chunk);
      text = Buffer.concat(chunks).toString('utf8');
    }
    return (text.trim() === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A request whose body is drained and ignored. */
  async empty(req: EngineRequest): Promise<void> {
    if (this.fetches(req)) {
      await this.whole(req);
      return;
    }
    const res = await this.request(req);
    res.resume();
    await new Promise<void>((resolve) => (res.complete ? resolve() : res.once('end', resolve).once('close', resolve)));
  }

  /** `request` through fetch, its answer read whole. */
  private async whole(req: EngineRequest): Promise<string> {
    const version = this.settled ?? (await this.apiVersion(req.signal));
    const res = await this.fetchWhole({ ...req, path: `/v${version}${req.path}` });
    if ((res.status >= 200 && res.status < 300) || req.accept?.includes(res.status)) return res.text;
    throw errorFromText(res.status, res.text, `${req.method} ${req.path}`);
  }

  private async fetchWhole(req: EngineRequest): Promise<WholeResponse> {
    req.signal?.throwIfAborted();
    const { headers, body } = encodeBody(req);
    const a = this.address;
    const path = req.path + queryString(req.query);
    const url = a.kind === 'unix' ? `http://localhost${path}` : `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}${path}`;
    try {
      const res = await fetch(url, {
        method: req.method,
        headers: headers as Record<string, string>,
        ...(body === undefined ? {} : { body: body as Buffer }),
        ...(req.signal ? { signal: req.signal } : {}),
        ...(a.kind === 'unix' ? { unix: a.socketPath } : {}),
      } as RequestInit);
      return { status: res.status, header: (name) => res.headers.get(name) ?? undefined, text: await res.text() };
    } catch (err) {
      throw connectionError(err, a.url, req.signal);
    }
  }

  /** A hijacked connection (attach, exec start): the raw socket after `101 UPGRADED`. */
  async upgrade(req: EngineRequest): Promise<{ socket: Socket; head: Buffer; multiplexed: boolean }> {
    const version = await this.apiVersion(req.signal);
    const lib = await this.client();
    const { options, body } = this.prepare({ ...req, path: `/v${version}${req.path}` });
    options.agent = false;
    options.headers = { ...options.headers, Connection: 'Upgrade', Upgrade: 'tcp' };
    return new Promise((resolve, reject) => {
      const creq = lib.request(options);
      creq.on('upgrade', (res, socket: Socket, head: Buffer) => {
        const type = headerOf(res, 'content-type') ?? '';
        resolve({ socket, head, multiplexed: type.includes('multiplexed') });
      });
      creq.on('response', (res) => {
        errorFromResponse(res, `${req.method} ${req.path}`).then(reject, reject);
      });
      creq.on('error', (err) => reject(connectionError(err, this.address.url, req.signal)));
      this.send(creq, body);
    });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent?.destroy();
  }

  private async raw(req: EngineRequest): Promise<IncomingMessage> {
    req.signal?.throwIfAborted();
    const lib = await this.client();
    const { options, body } = this.prepare(req);
    return new Promise((resolve, reject) => {
      const creq = lib.request(options, resolve);
      creq.on('error', (err) => reject(connectionError(err, this.address.url, req.signal)));
      this.send(creq, body);
    });
  }

  private send(creq: http.ClientRequest, body: Buffer | AsyncIterable<Uint8Array> | undefined): void {
    if (body === undefined || Buffer.isBuffer(body)) {
      creq.end(body);
      return;
    }
    sendStream(creq, body).catch((err: unknown) => creq.destroy(err as Error));
  }

  private prepare(req: EngineRequest): { options: https.RequestOptions; body: Buffer | AsyncIterable<Uint8Array> | undefined } {
    const { headers, body } = encodeBody(req);
    const path = req.path + queryString(req.query);
    const a = this.address;
    const base: https.RequestOptions = { method: req.method, path, headers, agent: this.agent, ...(req.signal ? { signal: req.signal } : {}) };
    // An empty servername keeps the agent from testing 'localhost' against node's IPv6 pattern
    // (a few ms of regular-expression compilation on the first request; SNI has no use on a socket).
    const options: https.RequestOptions =
      a.kind === 'unix'
        ? { ...base, socketPath: a.socketPath, host: 'localhost', servername: '' }
        : { ...base, host: a.host, port: a.port, ...this.tlsOptions() };
    return { options, body };
  }

  private tlsOptions(): https.AgentOptions {
    const t = this.tls;
    if (!t || !this.secure) return {};
    return {
      ...(t.ca !== undefined ? { ca: t.ca } : {}),
      ...(t.cert !== undefined ? { cert: t.cert } : {}),
      ...(t.key !== undefined ? { key: t.key } : {}),
      ...(t.rejectUnauthorized !== undefined ? { rejectUnauthorized: t.rejectUnauthorized } : {}),
    };
  }
}

/** The request's body as bytes or a byte stream, with the headers that describe it. */
function encodeBody(req: EngineRequest): { headers: OutgoingHttpHeaders; body: Buffer | AsyncIterable<Uint8Array> | undefined } {
  const headers: OutgoingHttpHeaders = { ...req.headers };
  let body: Buffer | AsyncIterable<Uint8Array> | undefined;
  if (req.body === undefined) body = undefined;
  else if (Buffer.isBuffer(req.body)) body = req.body;
  else if (isAsyncIterable(req.body)) {
    body = req.body;
    headers['content-type'] ??= 'application/x-tar';
    headers['transfer-encoding'] = 'chunked';
  } else {
    body = Buffer.from(JSON.stringify(req.body));
    headers['content-type'] = 'application/json';
  }
  if (Buffer.isBuffer(body)) headers['content-length'] = body.length;
  return { headers, body };
}

/** Streams a body into a request (node:stream is loaded only here, for uploads). */
async function sendStream(creq: http.ClientRequest, body: AsyncIterable<Uint8Array>): Promise<void> {
  const [{ Readable }, { pipeline }] = await Promise.all([import('node:stream'), import('node:stream/promises')]);
  await pipeline(Readable.from(body), creq);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else if (typeof value === 'object') params.append(key, JSON.stringify(value));
    else if (typeof value === 'boolean') params.append(key, value ? '1' : '0');
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function headerOf(res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function compareVersions(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 !== b1 ? a1 - b1 : a2 - b2;
}
