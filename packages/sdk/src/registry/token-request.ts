import { SdkError } from '../errors.js';
import { basicAuthorization, type Credentials } from './credentials.js';
import { allowsPlainHttp } from './endpoint.js';
import { readBody, type Transport } from './http-transport.js';
import { responseError } from './response-errors.js';
import type { IssuedToken } from './token-cache.js';

export interface TokenRequest {
  /** The registry the token is for (named in errors). */
  registry: string;
  realm: string;
  service?: string | undefined;
  scopes: readonly string[];
  credentials?: Credentials | undefined;
  /** Hosts plain HTTP is allowed to (beyond loopback). */
  insecure: ReadonlySet<string>;
  signal?: AbortSignal | undefined;
}

const DEFAULT_EXPIRES_IN = 60;
const TOKEN_BODY_LIMIT = 1024 * 1024;

/**
 * The Docker token flow's second half: `GET realm?service=…&scope=…` with Basic credentials
 * when there are some, anonymously otherwise. Accepts `token` or `access_token`.
 */
export async function requestToken(transport: Transport, request: TokenRequest): Promise<IssuedToken> {
  let url: URL;
  try {
    url = new URL(request.realm);
  } catch {
    throw new SdkError('INVALID_ARGUMENT', `registry ${request.registry} named an invalid token realm ${JSON.stringify(request.realm)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SdkError('INVALID_ARGUMENT', `registry ${request.registry} named a token realm that is not HTTP(S): ${request.realm}`);
  }
  if (url.protocol === 'http:' && request.credentials !== undefined && !allowsPlainHttp(url.host, request.insecure)) {
    throw new SdkError(
      'FAILED_PRECONDITION',
      `registry ${request.registry} sends logins to ${request.realm} over plain HTTP; refusing to send the password there (name ${url.host} as insecure to allow it)`,
    );
  }
  if (request.service !== undefined) url.searchParams.set('service', request.service);
  for (const scope of request.scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.credentials !== undefined) {
    url.searchParams.set('account', request.credentials.username);
    headers.authorization = basicAuthorization(request.credentials);
  }
  const res = await transport.send({ method: 'GET', url, headers, signal: request.signal });
  if (res.status !== 200) throw await responseError(res, `authentication with ${request.registry} failed`);
  const body = await readBody(res, TOKEN_BODY_LIMIT, 'token response');
  let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    doc = JSON.parse(body.toString('utf8')) as typeof doc;
  } catch {
    throw new SdkError('UNAVAILABLE', `the token service of ${request.registry} (${url.host}) answered something that is not JSON`);
  }
  const token = typeof doc.token === 'string' && doc.token !== '' ? doc.token : doc.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new SdkError('UNAVAILABLE', `the token service of ${request.registry} (${url.host}) answered without a token`);
  }
  const expiresIn = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : DEFAULT_EXPIRES_IN;
  return { token, expiresInSeconds: expiresIn };
}
