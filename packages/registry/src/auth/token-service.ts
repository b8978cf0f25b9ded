import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { RegistryError } from '../errors.js';
import { parseScopes, type AccessEntry } from './access.js';
import { parseBasic, type AuthRequest } from './basic.js';
import type { PasswordVerifier } from './htpasswd.js';
import { invalidToken, keyId, signJwt, verifyJwt } from './jwt.js';
import type { Permissions } from './permissions.js';

/** The claims of a registry token (Docker token spec). `sub` is "" for anonymous. */
export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: AccessEntry[];
}

/** What `GET /token` answers (Docker clients read `token`, OAuth2 clients `access_token`). */
export interface TokenResponseBody {
  token: string;
  access_token: string;
  expires_in: number;
  issued_at: string;
}

export interface TokenHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface TokenServiceOptions {
  issuer: string;
  service: string;
  permissions: Permissions;
  verifier: PasswordVerifier;
  /** EC P-256 private key; one is generated when absent (tokens then die with the process). */
  privateKey?: KeyObject;
  /** Token lifetime; default 300 s. */
  expirySeconds?: number;
  now?: () => number;
}

export const BASIC_REALM = 'berth-registry';

/** The built-in Docker token service: issues ES256 JWTs carrying only the granted access, and verifies them. */
export class TokenService {
  readonly issuer: string;
  readonly service: string;
  readonly publicKey: KeyObject;
  readonly keyId: string;
  readonly expirySeconds: number;
  private readonly privateKey: KeyObject;
  private readonly permissions: Permissions;
  private readonly verifier: PasswordVerifier;
  private readonly now: () => number;

  constructor(options: TokenServiceOptions) {
    this.issuer = options.issuer;
    this.service = options.service;
    this.permissions = options.permissions;
    this.verifier = options.verifier;
    this.privateKey = options.privateKey ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    checkEs256Key(this.privateKey, 'the token signing key');
    this.publicKey = createPublicKey(this.privateKey);
    this.keyId = keyId(this.publicKey);
    this.expirySeconds = options.expirySeconds ?? 300;
    if (!Number.isInteger(this.expirySeconds) || this.expirySeconds <= 0) {
      throw new RegistryError('INVALID_ARGUMENT', `token expiry must be a positive whole number of seconds, got ${this.expirySeconds}`);
    }
    this.now = options.now ?? Date.now;
  }

  /** Signs a token for `user` (null: anonymous) carrying exactly `access` (entries without actions are dropped). */
  issue(user: string | null, access: readonly AccessEntry[]): TokenResponseBody {
    const nowMs = this.now();
    const iat = Math.floor(nowMs / 1000);
    const claims: TokenClaims = {
      iss: this.issuer,
      sub: user ?? '',
      aud: this.service,
      exp: iat + this.expirySeconds,
      nbf: iat,
      iat,
      jti: randomUUID(),
      access: access.filter((a) => a.actions.length > 0).map((a) => ({ type: a.type, name: a.name, actions: [...a.actions] })),
    };
    const token = signJwt(claims, this.privateKey, this.keyId);
    return { token, access_token: token, expires_in: this.expirySeconds, issued_at: new Date(iat * 1000).toISOString() };
  }

  /** Checks signature, issuer, audience (= `service`), not-before and expiry; throws UNAUTHORIZED errors. */
  verify(token: string, service: string): TokenClaims {
    const c = verifyJwt(token, this.publicKey, this.keyId);
    if (c.iss !== this.issuer) throw invalidToken('token was issued by another issuer');
    const audiences = Array.isArray(c.aud) ? c.aud : [c.aud];
    if (!audiences.includes(service)) throw invalidToken(`token is not meant for service "${service}"`);
    const now = Math.floor(this.now() / 1000);
    if (typeof c.exp !== 'number' || now >= c.exp) throw invalidToken('token has expired');
    if (typeof c.nbf === 'number' && now < c.nbf) throw invalidToken('token is not valid yet');
    if (typeof c.sub !== 'string') throw invalidToken('token has no subject');
    if (!Array.isArray(c.access) || !c.access.every(isAccessEntry)) throw invalidToken('token access claim is malformed');
    return {
      iss: c.iss,
      sub: c.sub,
      aud: service,
      exp: c.exp,
      nbf: typeof c.nbf === 'number' ? c.nbf : 0,
      iat: typeof c.iat === 'number' ? c.iat : 0,
      jti: typeof c.jti === 'string' ? c.jti : '',
      access: c.access,
    };
  }

  /**
   * Answers `GET /token?service=…&scope=…&account=…` with optional Basic credentials.
   * Bad credentials get 401; a scope the user may not have is left out of the token (the
   * registry then answers 403), as the Docker token spec asks.
   */
  async handle(req: AuthRequest): Promise<TokenHttpResponse> {
    if (req.method !== 'GET') {
      return errorResponse(405, 'UNSUPPORTED', 'the token endpoint answers GET only', { Allow: 'GET' });
    }
    const params = new URL(req.url ?? '/', 'http://registry.invalid').searchParams;
    const service = params.get('service');
    if (service !== this.service) {
      return errorResponse(400, 'UNSUPPORTED', `unknown service ${JSON.stringify(service)}; this token service serves "${this.service}"`);
    }
    let scopes: AccessEntry[];
    try {
      scopes = parseScopes(params);
    } catch (err) {
      if (err instanceof RegistryError) return errorResponse(400, 'UNSUPPORTED', err.message);
      throw err;
    }
    let user: string | null = null;
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const creds = parseBasic(authorization);
      if (creds === null || !(await this.verifier.verify(creds.user, creds.password))) {
        return errorResponse(401, 'UNAUTHORIZED', 'incorrect username or password', {
          'WWW-Authenticate': `Basic realm="${BASIC_REALM}"`,
        });
      }
      user = creds.user;
      const account = params.get('account');
      if (account !== null && account !== '' && account !== user) {
        return errorResponse(400, 'UNSUPPORTED', `account "${account}" does not match the credentials given`);
      }
    }
    const granted = scopes.map((s) => this.permissions.grant(user, s));
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      body: JSON.stringify(this.issue(user, granted)),
    };
  }
}

/** Loads a PEM EC P-256 private key (PKCS#8 or SEC1) for signing tokens. */
export async function loadSigningKey(file: string): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (cause) {
    throw new RegistryError('FAILED_PRECONDITION', `cannot read token signing key ${file}: ${(cause as Error).message}`, { cause });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (cause) {
    throw new RegistryError('INVALID_ARGUMENT', `token signing key ${file} is not an unencrypted PEM private key: ${(cause as Error).message}`, { cause });
  }
  checkEs256Key(key, `token signing key ${file}`);
  return key;
}

function checkEs256Key(key: KeyObject, what: string): void {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new RegistryError(
      'INVALID_ARGUMENT',
      `${what} must be an EC P-256 private key for ES256; create one with \`openssl ecparam -name prime256v1 -genkey -noout -out key.pem\``,
    );
  }
}

function isAccessEntry(value: unknown): value is AccessEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && typeof v.name === 'string' && Array.isArray(v.actions) && v.actions.every((a) => typeof a === 'string');
}

function errorResponse(status: number, code: string, message: string, extra: Record<string, string> = {}): TokenHttpResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...extra },
    body: JSON.stringify({ errors: [{ code, message }] }),
  };
}
