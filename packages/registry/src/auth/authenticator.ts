import { covers, formatScope, type AccessEntry } from './access.js';
import { parseBasic, parseBearer, type AuthRequest } from './basic.js';
import { Htpasswd, type PasswordVerifier } from './htpasswd.js';
import { AUTHENTICATED_FULL_ACCESS, loadPermissions, type Permissions } from './permissions.js';
import { BASIC_REALM, loadSigningKey, TokenService, type TokenClaims } from './token-service.js';

export type AuthConfig =
  | { mode: 'none' }
  | { mode: 'htpasswd'; htpasswdFile: string; permissionsFile?: string }
  | {
      mode: 'token';
      /** URL of the token endpoint clients are sent to, e.g. `https://registry.example.com/token`. */
      realm: string;
      service: string;
      issuer: string;
      htpasswdFile: string;
      permissionsFile?: string;
      /** PEM EC P-256 private key; without it a key is generated at start. */
      keyFile?: string;
      expirySeconds?: number;
    };

/** One entry of the OCI error body (`{"errors": [...]}`) the API writes as JSON with the challenge. */
export interface AuthError {
  code: 'UNAUTHORIZED' | 'DENIED';
  message: string;
  detail?: { Type: string; Name: string; Action: string }[];
}

export interface AuthChallenge {
  /** 401: (re-)authenticate, the headers say how; 403: authenticated but not permitted. */
  status: 401 | 403;
  headers: Record<string, string>;
  errors: AuthError[];
}

export type AuthResult = { user: string | null } | { challenge: AuthChallenge };

/** What the API calls for each request, with the access `requiredAccess()` computed for it. */
export interface Authenticator {
  readonly mode: AuthConfig['mode'];
  authorize(req: AuthRequest, needed: readonly AccessEntry[]): Promise<AuthResult>;
  /** The built-in token service (token mode only), to mount with `tokenRoute()`. */
  readonly tokens?: TokenService;
}

const API_VERSION_HEADER = { 'Docker-Distribution-API-Version': 'registry/2.0' };

/** Reads the files the mode names and returns the authenticator; load errors name the file and line. */
export async function createAuthenticator(config: AuthConfig): Promise<Authenticator> {
  if (config.mode === 'none') return new OpenAuthenticator();
  const htpasswd = await Htpasswd.load(config.htpasswdFile);
  const permissions = config.permissionsFile === undefined ? AUTHENTICATED_FULL_ACCESS : await loadPermissions(config.permissionsFile);
  if (config.mode === 'htpasswd') return new BasicAuthenticator(htpasswd, permissions);
  const tokens = new TokenService({
    issuer: config.issuer,
    service: config.service,
    permissions,
    verifier: htpasswd,
    ...(config.keyFile !== undefined && { privateKey: await loadSigningKey(config.keyFile) }),
    ...(config.expirySeconds !== undefined && { expirySeconds: config.expirySeconds }),
  });
  return new BearerAuthenticator(tokens, config.realm, permissions);
}

/** `none`: everything is allowed, anonymously. */
export class OpenAuthenticator implements Authenticator {
  readonly mode = 'none';
  async authorize(): Promise<AuthResult> {
    return { user: null };
  }
}

/** `htpasswd`: HTTP Basic on every request, checked against the permissions table. */
export class BasicAuthenticator implements Authenticator {
  readonly mode = 'htpasswd';
  constructor(
    private readonly verifier: PasswordVerifier,
    private readonly permissions: Permissions,
  ) {}

  async authorize(req: AuthRequest, needed: readonly AccessEntry[]): Promise<AuthResult> {
    const challenge = (message: string): AuthResult =>
      unauthorized({ 'WWW-Authenticate': `Basic realm="${BASIC_REALM}"` }, message, needed);
    let user: string | null = null;
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const creds = parseBasic(authorization);
      if (creds === null) return challenge('expected HTTP Basic credentials');
      if (!(await this.verifier.verify(creds.user, creds.password))) return challenge('incorrect username or password');
      user = creds.user;
    }
    // The base endpoint needs a login: `docker login` relies on it to check the password.
    if (needed.length === 0) return user === null ? challenge('authentication required') : { user };
    if (covers(needed.map((n) => this.permissions.grant(user, n)), needed)) return { user };
    return user === null ? challenge('authentication required') : denied(needed);
  }
}

/** `token`: Bearer tokens from the token service; sends clients to `realm` with the scope they lack. */
export class BearerAuthenticator implements Authenticator {
  readonly mode = 'token';
  constructor(
    readonly tokens: TokenService,
    private readonly realm: string,
    private readonly permissions: Permissions,
  ) {}

  async authorize(req: AuthRequest, needed: readonly AccessEntry[]): Promise<AuthResult> {
    const challenge = (message: string, error?: 'invalid_token' | 'insufficient_scope'): AuthResult =>
      unauthorized({ 'WWW-Authenticate': bearerChallenge(this.realm, this.tokens.service, needed, error) }, message, needed);
    const token = parseBearer(req.headers.authorization);
    if (token === null) return challenge('authentication required');
    let claims: TokenClaims;
    try {
      claims = this.tokens.verify(token, this.tokens.service);
    } catch (err) {
      return challenge((err as Error).message, 'invalid_token');
    }
    const user = claims.sub === '' ? null : claims.sub;
    if (covers(claims.access, needed)) return { user };
    // A token without the access: ask for a new one when the user would get it (the client
    // asked a narrower scope, or is anonymous and may log in); otherwise it is a refusal.
    const permitted = covers(needed.map((n) => this.permissions.grant(user, n)), needed);
    if (user === null || permitted) return challenge('insufficient scope', 'insufficient_scope');
    return denied(needed);
  }
}

/** `Bearer realm="…",service="…",scope="…"[,error="…"]`, as distribution sends it. */
export function bearerChallenge(realm: string, service: string, needed: readonly AccessEntry[], error?: string): string {
  const params = [`realm=${quote(realm)}`, `service=${quote(service)}`];
  if (needed.length > 0) params.push(`scope=${quote(formatScope(needed))}`);
  if (error !== undefined) params.push(`error=${quote(error)}`);
  return `Bearer ${params.join(',')}`;
}

function unauthorized(headers: Record<string, string>, message: string, needed: readonly AccessEntry[]): AuthResult {
  const error: AuthError = { code: 'UNAUTHORIZED', message };
  if (needed.length > 0) error.detail = detail(needed);
  return { challenge: { status: 401, headers: { ...API_VERSION_HEADER, ...headers }, errors: [error] } };
}

function denied(needed: readonly AccessEntry[]): AuthResult {
  const errors: AuthError[] = [{ code: 'DENIED', message: 'requested access to the resource is denied', detail: detail(needed) }];
  return { challenge: { status: 403, headers: { ...API_VERSION_HEADER }, errors } };
}

function detail(needed: readonly AccessEntry[]): { Type: string; Name: string; Action: string }[] {
  return needed.flatMap((n) => n.actions.map((a) => ({ Type: n.type, Name: n.name, Action: a })));
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}
