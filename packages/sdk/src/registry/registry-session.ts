import { SdkError } from '../errors.js';
import { discard, type HttpResponse, type RequestBody, type Transport } from './http-transport.js';
import type { RegistryAuth } from './registry-auth.js';

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The registry host, `127.0.0.1:5000`. */
  registry: string;
  /** A path (`/v2/team/app/manifests/v1`) or a URL the registry gave (an upload `Location`, a `Link`). */
  target: string;
  /** The access the request needs, for the token flow. */
  scopes: readonly string[];
  headers?: Record<string, string>;
  body?: RequestBody;
  signal?: AbortSignal | undefined;
}

/** The role the registry operations need: one authenticated request. */
export interface RegistrySender {
  send(request: RegistryRequest): Promise<HttpResponse>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

export interface RegistrySessionOptions {
  transport: Transport;
  auth: RegistryAuth;
  baseUrl: (registry: string) => URL;
  userAgent: string;
}

/**
 * Sends registry requests: adds the authorization the registry wants, answers one 401 and
 * retries, and follows redirects of GET and HEAD by hand, sending `Authorization` only to the
 * registry's own scheme, host and port (blob GETs are often sent on to storage elsewhere).
 */
export class RegistrySession implements RegistrySender {
  constructor(private readonly options: RegistrySessionOptions) {}

  async send(request: RegistryRequest): Promise<HttpResponse> {
    const base = this.options.baseUrl(request.registry);
    const url = new URL(request.target, base);
    let authorization = await this.options.auth.authorization(request.registry, request.scopes, request.signal);
    for (let attempt = 0; ; attempt++) {
      const res = await this.follow(url, base.origin, request, authorization);
      if (res.status !== 401 || attempt > 0) return res;
      const next = await this.options.auth.answer(request.registry, request.scopes, res.headers['www-authenticate'], request.signal);
      if (next === undefined) return res;
      discard(res);
      authorization = next;
    }
  }

  private async follow(start: URL, origin: string, request: RegistryRequest, authorization: string | undefined): Promise<HttpResponse> {
    let url = start;
    for (let hops = 0; ; hops++) {
      const headers: Record<string, string> = { 'user-agent': this.options.userAgent, ...request.headers };
      if (authorization !== undefined && url.origin === origin) headers.authorization = authorization;
      const res = await this.options.transport.send({
        method: request.method,
        url,
        headers,
        signal: request.signal,
        ...(request.body !== undefined && { body: request.body }),
      });
      const location = res.header('location');
      const redirectable = request.method === 'GET' || request.method === 'HEAD';
      if (!REDIRECTS.has(res.status) || !redirectable || location === undefined) return res;
      discard(res);
      if (hops === MAX_REDIRECTS) {
        throw new SdkError('UNAVAILABLE', `${request.registry} redirected ${request.method} ${start.pathname} more than ${MAX_REDIRECTS} times`);
      }
      url = new URL(location, url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new SdkError('UNAVAILABLE', `${request.registry} redirected ${start.pathname} to ${url.protocol} URL; only HTTP(S) is followed`);
      }
    }
  }
}
