import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import bcrypt from 'bcryptjs';
import { RegistryError } from '../errors.js';

/** Checks a user name and password; the narrow role the token service and Basic auth need. */
export interface PasswordVerifier {
  verify(user: string, password: string): Promise<boolean>;
}

export interface HtpasswdOptions {
  /**
   * How long a successful check is remembered (bcrypt costs ~70 ms in JavaScript and Basic
   * clients send the password on every request). Only successes are kept, keyed by an HMAC
   * under a per-process random key; 0 turns the cache off. Default 5 minutes.
   */
  cacheTtlMs?: number;
  /** Most remembered successes; the oldest is dropped first. Default 1000. */
  cacheSize?: number;
  now?: () => number;
}

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** Users and bcrypt hashes from an htpasswd file (`htpasswd -B`). Other hash kinds are refused at load. */
export class Htpasswd implements PasswordVerifier {
  private readonly cache = new Map<string, number>();
  private readonly cacheKey = randomBytes(32);
  private readonly cacheTtlMs: number;
  private readonly cacheSize: number;
  private readonly now: () => number;
  /** Hashed against for unknown users, at the highest cost in the file, so timing does not reveal who exists. */
  private readonly dummySalt: string;

  private constructor(
    private readonly hashes: ReadonlyMap<string, string>,
    options: HtpasswdOptions,
  ) {
    this.cacheTtlMs = options.cacheTtlMs ?? 5 * 60_000;
    this.cacheSize = options.cacheSize ?? 1000;
    this.now = options.now ?? Date.now;
    const costs = [...hashes.values()].map((h) => Number(h.slice(4, 6)));
    const cost = costs.length > 0 ? Math.max(...costs) : 10;
    this.dummySalt = bcrypt.genSaltSync(cost);
  }

  static async load(file: string, options: HtpasswdOptions = {}): Promise<Htpasswd> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw new RegistryError('FAILED_PRECONDITION', `cannot read htpasswd file ${file}: ${(cause as Error).message}`, { cause });
    }
    return Htpasswd.parse(text, file, options);
  }

  /** Parses htpasswd text; `source` names the file in errors. */
  static parse(text: string, source = 'htpasswd', options: HtpasswdOptions = {}): Htpasswd {
    const hashes = new Map<string, string>();
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/\r$/, '').trim();
      if (line === '' || line.startsWith('#')) return;
      const at = `${source} line ${i + 1}`;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new RegistryError('INVALID_ARGUMENT', `${at}: expected "user:hash"`);
      const user = line.slice(0, colon);
      const hash = line.slice(colon + 1);
      if (!BCRYPT.test(hash)) {
        throw new RegistryError(
          'INVALID_ARGUMENT',
          `${at}: user "${user}" has ${describeHash(hash)}; only bcrypt ($2y$/$2b$/$2a$) is accepted — regenerate it with \`htpasswd -B\``,
        );
      }
      const cost = Number(hash.slice(4, 6));
      if (cost < 4 || cost > 31) throw new RegistryError('INVALID_ARGUMENT', `${at}: user "${user}" has bcrypt cost ${cost}; it must be 4 to 31`);
      if (hashes.has(user)) throw new RegistryError('INVALID_ARGUMENT', `${at}: user "${user}" appears twice`);
      hashes.set(user, hash);
    });
    return new Htpasswd(hashes, options);
  }

  get users(): string[] {
    return [...this.hashes.keys()];
  }

  async verify(user: string, password: string): Promise<boolean> {
    const stored = this.hashes.get(user);
    const cacheId = this.cacheTtlMs > 0 && stored !== undefined ? this.cacheId(user, password, stored) : undefined;
    if (cacheId !== undefined) {
      const expires = this.cache.get(cacheId);
      if (expires !== undefined && expires > this.now()) return true;
      this.cache.delete(cacheId);
    }
    const computed = await bcrypt.hash(password, stored?.slice(0, 29) ?? this.dummySalt);
    const ok = stored !== undefined && equal(computed, stored);
    if (ok && cacheId !== undefined) this.remember(cacheId);
    return ok;
  }

  private cacheId(user: string, password: string, hash: string): string {
    return createHmac('sha256', this.cacheKey).update(`${user}\0${password}\0${hash}`).digest('base64');
  }

  private remember(id: string): void {
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(id, this.now() + this.cacheTtlMs);
  }
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function describeHash(hash: string): string {
  if (hash.startsWith('$apr1$')) return 'an Apache MD5 ($apr1$) hash';
  if (hash.startsWith('{SHA}')) return 'a SHA-1 ({SHA}) hash';
  if (hash.startsWith('$1$')) return 'an MD5-crypt ($1$) hash';
  if (hash.startsWith('$5$') || hash.startsWith('$6$')) return 'a SHA-crypt hash';
  if (hash.startsWith('$2')) return 'a malformed bcrypt hash';
  if (/^[./A-Za-z0-9]{13}$/.test(hash)) return 'a DES crypt hash';
  return 'an unrecognised or plain-text password';
}
