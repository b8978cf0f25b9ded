import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type https from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { API_VERSION } from '../protocol/system.js';
import { connectionError, errorFromResponse } from './engine-errors.js';
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

/** The HTTP layer: keep-alive agent on a unix socket or TCP (optionally mutual TLS), version-prefixed paths. */
export class EngineTransport {
  readonly address: EngineAddress;
  /** Created with the first request on TLS, once node:https is loaded. */
  private agent: http.Agent | undefined;
  private https: typeof https | undefined;
  private readonly tls: EngineTlsOptions | undefined;
  private readonly maxSockets: number;
  private version: Promise<string> | undefined;
  /** The negotiated version once known, so requests skip awaiting it. */
  private settled: string | undefined;

  constructor(options: EngineTransportOptions) {
    this.tls = options.tls;
    this.address = parseEngineHost(options.host, options.tls !== undefined);
    const maxSockets = options.maxSockets ?? 64;
    this.maxSockets = maxSockets;
    if (!this.secure) this.agent = new http.Agent({ keepAlive: true, maxSockets });
    if (options.version !== undefined) {
      this.settled = options.version;
      this.version = Promise.resolve(options.version);
    }
  }

  /**
   * node:http, or node:https for an engine on TLS: that module loads tls and crypto, which a
   * client of a unix socket never needs, so it is imported on the first request that does.
   */
  private async client(): Promise<Pick<typeof https, 'request'>> {
    if (!this.secure) return http;
    if (!this.https) {
      const lib = (await import('node:https')).default;
      this.https ??= lib;
      this.agent ??= new lib.Agent({ keepAlive: true, maxSockets: this.maxSockets, ...this.tlsOptions() });
    }
    return this.https;
  }

  private get secure(): boolean {
    return this.address.kind === 'tcp' && this.address.tls;
  }

  /** The API version requests use: ours, or the engine's when that is lower (from `/_ping`, once). */
  apiVersion(signal?: AbortSignal): Promise<string> {
    if (!this.version) {
      const negotiated = this.raw({ method: 'GET', path: '/_ping', signal }).then((res) => {
        res.resume();
        const server = headerOf(res, 'api-version');
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
    const res = await this.request(req);
    const chunks: Buffer[] = [];
    for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    return (text.trim() === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A request whose body is drained and ignored. */
  async empty(req: EngineRequest): Promise<void> {
    const res = await this.request(req);
    res.resume();
    await new Promise<void>((resolve) => (res.complete ? resolve() : res.once('end', resolve).once('close', resolve)));
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
    pipeline(Readable.from(body), creq).catch((err: unknown) => creq.destroy(err as Error));
  }

  private prepare(req: EngineRequest): { options: https.RequestOptions; body: Buffer | AsyncIterable<Uint8Array> | undefined } {
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
