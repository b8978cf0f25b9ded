/** A bearer token and how long the token service said it lives. */
export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

interface Entry {
  token: Promise<string>;
  /** Infinity while the token is being fetched. */
  expiresAt: number;
}

const PRUNE_ABOVE = 256;

/**
 * Bearer tokens per (registry, scope) until shortly before they expire. Concurrent requests
 * for the same key share one fetch; a failed fetch is forgotten so the next call tries again.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  static key(registry: string, scopes: readonly string[]): string {
    return `${registry} ${[...scopes].sort().join(' ')}`;
  }

  /** The cached (or in-flight) token for `key`, if it has not expired. */
  get(key: string): Promise<string> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry.token;
    this.entries.delete(key);
    return undefined;
  }

  /** The cached token, or the one `fetch` gets (shared by everyone asking meanwhile). */
  getOrFetch(key: string, fetch: () => Promise<IssuedToken>): Promise<string> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    this.prune();
    const entry: Entry = { token: Promise.resolve(''), expiresAt: Infinity };
    entry.token = fetch().then(
      (issued) => {
        const lifetimeMs = issued.expiresInSeconds * 1000;
        // Renew a little early so a token does not expire between check and use.
        entry.expiresAt = this.now() + lifetimeMs - Math.min(10_000, lifetimeMs / 10);
        return issued.token;
      },
      (err: unknown) => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
        throw err;
      },
    );
    this.entries.set(key, entry);
    return entry.token;
  }

  /** Forgets a token the registry refused. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  private prune(): void {
    if (this.entries.size < PRUNE_ABOVE) return;
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
