import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SdkError } from '../errors.js';

/** A body sent as is, or produced afresh for each attempt (so a request can be retried). */
export type RequestBody = Buffer | (() => AsyncIterable<Uint8Array>);

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: RequestBody;
  signal?: AbortSignal | undefined;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, streaming; read it, or `discard()` it so the connection is reused. */
  body: IncomingMessage;
  url: URL;
  header(name: string): string | undefined;
}

export interface TlsOptions {
  /** Extra CA certificates (PEM) to trust, e.g. a test CA. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Default true; false accepts any certificate (tests only). */
  rejectUnauthorized?: boolean;
}

export interface TransportOptions {
  /** How long to wait for a TCP (and TLS) connection; default 5 s. */
  connectTimeoutMs?: number;
  /** Longest silence on a connection (waiting for headers or body bytes); default 30 s. */
  idleTimeoutMs?: number;
  tls?: TlsOptions;
  /** Connections per host; default 16. */
  maxSockets?: number;
}

/** The HTTP role the registry code needs: one request, answered with a streaming response. */
export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>;
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name resolution failed',
};

/** node:http(s) with keep-alive agents, connect and idle timeouts, and errors that name the host. */
export class HttpTransport implements Transport {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly connectTimeoutMs: number;
  private readonly idleTimeoutMs: number;

  constructor(options: TransportOptions = {}) {
    const maxSockets = options.maxSockets ?? 16;
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets,
      ...(options.tls?.ca !== undefined && { ca: options.tls.ca }),
      ...(options.tls?.rejectUnauthorized !== undefined && { rejectUnauthorized: options.tls.rejectUnauthorized }),
    });
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.attempt(request);
    } catch (err) {
      if (!(err instanceof StaleConnection)) throw err;
      // A keep-alive connection the server closed just as it was reused: retry what is safe to.
      if (request.method === 'GET' || request.method === 'HEAD') return this.attempt(request);
      throw err.error;
    }
  }

  /** Closes idle connections; requests in flight finish. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private attempt(request: HttpRequest): Promise<HttpResponse> {
    const { url, signal } = request;
    signal?.throwIfAborted();
    const secure = url.protocol === 'https:';
    const headers: Record<string, string> = { ...request.headers };
    if (Buffer.isBuffer(request.body)) headers['content-length'] = String(request.body.length);
    return new Promise<HttpResponse>((resolve, reject) => {
      let connectTimer: NodeJS.Timeout | undefined;
      let answered = false;
      const fail = (err: unknown, reusedSocket: boolean): void => {
        clearTimeout(connectTimer);
        if (answered) return;
        const translated = translateError(err, request);
        const code = (err as NodeJS.ErrnoException).code;
        reject(reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE') ? new StaleConnection(translated) : translated);
      };
      const options = { method: request.method, headers, agent: secure ? this.httpsAgent : this.httpAgent, ...(signal && { signal }) };
      const req = (secure ? https : http).request(url, options, (res) => {
        answered = true;
        clearTimeout(connectTimer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url, header: (name) => headerValue(res.headers, name) });
      });
      req.on('socket', (socket: Socket) => {
        if (!socket.connecting) return;
        connectTimer = setTimeout(() => {
          req.destroy(unavailable(request, `no connection within ${this.connectTimeoutMs / 1000} s (connect timed out)`));
        }, this.connectTimeoutMs);
        socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      req.setTimeout(this.idleTimeoutMs, () => {
        req.destroy(unavailable(request, `no answer for ${this.idleTimeoutMs / 1000} s (timed out)`));
      });
      req.on('error', (err) => fail(err, req.reusedSocket));
      const body = request.body;
      if (body === undefined || Buffer.isBuffer(body)) {
        req.end(body);
      } else {
        // An early answer (an error status) may close the connection mid-body: the answer wins.
        pipeline(Readable.from(body()), req).catch((err: unknown) => {
          if (!answered) req.destroy(err as Error);
        });
      }
    });
  }
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Reads a whole (small) body; more than `limit` bytes is an error naming `what`. */
export async function readBody(res: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.body.destroy();
      throw new SdkError('FAILED_PRECONDITION', `${what} from ${res.url.host} is larger than ${limit} bytes; refusing it`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Drains a body nobody needs, so the keep-alive connection goes back to the pool. */
export function discard(res: HttpResponse): void {
  res.body.resume();
}

/** A reused keep-alive connection that turned out closed; carries the error to throw if not retried. */
class StaleConnection {
  constructor(readonly error: unknown) {}
}

function unavailable(request: HttpRequest, reason: string, cause?: unknown): SdkError {
  return new SdkError('UNAVAILABLE', `cannot reach ${request.url.host} (${request.method} ${request.url.pathname}): ${reason}`, { cause });
}

function translateError(err: unknown, request: HttpRequest): unknown {
  if (err instanceof SdkError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.name === 'AbortError') return request.signal?.reason ?? err;
  const code = e.code ?? '';
  const known = NETWORK_ERRORS[code];
  const suffix = code === '' ? '' : ` (${code})`;
  if (known !== undefined) {
    return unavailable(request, `${known}${suffix}${code === 'ECONNREFUSED' ? '; is the registry running?' : ''}`, err);
  }
  if (/SSL|TLS|CERT/i.test(code) || /certificate|ssl|tls/i.test(e.message)) {
    const hint = 'if this registry serves plain HTTP, name it as insecure; if it uses a private CA, pass the CA';
    return unavailable(request, `TLS failed: ${e.message}${suffix}; ${hint}`, err);
  }
  return unavailable(request, `${e.message}${suffix}`, err);
}
