export {
  CATALOG_ACCESS, REPOSITORY_ACTIONS, REPOSITORY_NAME,
  covers, formatScope, mergeAccess, parseScope, parseScopes, requiredAccess,
} from './access.js';
export type { AccessEntry, RepositoryAction } from './access.js';
export { BasicAuthenticator, BearerAuthenticator, OpenAuthenticator, bearerChallenge, createAuthenticator } from './authenticator.js';
export type { AuthChallenge, AuthConfig, AuthError, AuthResult, Authenticator } from './authenticator.js';
export { parseBasic, parseBearer } from './basic.js';
export type { AuthRequest } from './basic.js';
export { Htpasswd } from './htpasswd.js';
export type { HtpasswdOptions, PasswordVerifier } from './htpasswd.js';
export { AUTHENTICATED_FULL_ACCESS, globMatches, loadPermissions, parsePermissions } from './permissions.js';
export type { PermissionRule, Permissions, PermissionsConfig } from './permissions.js';
export { BASIC_REALM, TokenService, loadSigningKey } from './token-service.js';
export type { TokenClaims, TokenHttpResponse, TokenResponseBody, TokenServiceOptions } from './token-service.js';
export { tokenRoute } from './token-route.js';
export { loadTlsOptions } from './tls.js';
export type { TlsFiles, TlsOptions } from './tls.js';
