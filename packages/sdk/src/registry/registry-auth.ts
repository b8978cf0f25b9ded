import { basicAuthorization, lookupCredentials, type CredentialSource } from './credentials.js';
import type { Transport } from './http-transport.js';
import { TokenCache } from './token-cache.js';
import { requestToken } from './token-request.js';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.js';

/** `repository:team/app:pull`, `…:pull,push` or `…:delete`, as the token flow asks for access. */
export function repositoryScope(repository: string, actions: 'pull' | 'pull,push' | 'delete'): string {
  return `repository:${repository}:${actions}`;
}

export const CATALOG_SCOPE = 'registry:catalog:*';

export interface RegistryAuthOptions {
  transport: Transport;
  credentials?: CredentialSource | undefined;
  tokens?: TokenCache;
  insecure: ReadonlySet<string>;
}

/**
 * Decides the `Authorization` for a registry request: anonymous until the registry
 * challenges, then Basic with the registry's own credentials, or a Bearer token from the realm
 * it names (cached per registry and scope). What a registry asked for is remembered, so later
 * requests carry the right header from the start.
 */
export class RegistryAuth {
  private readonly challenges = new Map<string, AuthChallenge>();
  private readonly tokens: TokenCache;

  constructor(private readonly options: RegistryAuthOptions) {
    this.tokens = options.tokens ?? new TokenCache();
  }

  /** The header to send first, from what is known about `registry`; undefined means anonymous. */
  async authorization(registry: string, scopes: readonly string[], signal?: AbortSignal): Promise<string | undefined> {
    const challenge = this.challenges.get(registry);
    if (challenge?.scheme === 'bearer') return this.bearer(registry, challenge, scopes, [], signal);
    if (challenge?.scheme === 'basic') return this.basic(registry);
    return undefined;
  }

  /** The scheme `registry` was last seen to ask for. */
  schemeOf(registry: string): 'bearer' | 'basic' | undefined {
    return this.challenges.get(registry)?.scheme as 'bearer' | 'basic' | undefined;
  }

  /** Remembers what a registry's `WWW-Authenticate` asks for; returns the scheme it chose. */
  learn(registry: string, header: string | string[] | undefined): 'bearer' | 'basic' | undefined {
    const challenges = parseWwwAuthenticate(header);
    const chosen = challenges.find((c) => c.scheme === 'bearer' && c.params.realm !== undefined) ?? challenges.find((c) => c.scheme === 'basic');
    if (chosen === undefined) return undefined;
    this.challenges.set(registry, chosen);
    return chosen.scheme as 'bearer' | 'basic';
  }

  /**
   * Answers a 401: the header to retry with, or undefined when there is nothing better to
   * send (no credentials for a Basic registry, or an unknown scheme).
   */
  async answer(registry: string, scopes: readonly string[], header: string | string[] | undefined, signal?: AbortSignal): Promise<string | undefined> {
    const scheme = this.learn(registry, header);
    const challenge = this.challenges.get(registry);
    if (scheme === 'basic') return this.basic(registry);
    if (scheme !== 'bearer' || challenge === undefined) return undefined;
    // The token just sent (if any) was refused: fetch a new one, with the scope asked for too.
    this.tokens.delete(TokenCache.key(registry, scopes));
    const asked = challenge.params.scope?.split(' ').filter((s) => s !== '') ?? [];
    return this.bearer(registry, challenge, scopes, asked, signal);
  }

  private async basic(registry: string): Promise<string | undefined> {
    const credentials = await lookupCredentials(this.options.credentials, registry);
    return credentials === undefined ? undefined : basicAuthorization(credentials);
  }

  private async bearer(
    registry: string,
    challenge: AuthChallenge,
    scopes: readonly string[],
    asked: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const token = await this.tokens.getOrFetch(TokenCache.key(registry, scopes), async () =>
      requestToken(this.options.transport, {
        registry,
        realm: challenge.params.realm!,
        service: challenge.params.service,
        scopes: [...new Set([...scopes, ...asked])],
        credentials: await lookupCredentials(this.options.credentials, registry),
        insecure: this.options.insecure,
        signal,
      }),
    );
    return `Bearer ${token}`;
  }
}
