import {
  DEFAULT_DOMAIN, RegistryClient, familiarString, parseReference, resolveReference, withDefaultTag,
  type Credentials, type ImageReference,
} from '@berth/sdk';
import type { EngineConfig } from '../config.js';
import { EngineError } from '../errors.js';

/** Where an image goes to or comes from, and the name it has in this engine. */
export interface RegistryTarget {
  /** The reference in its registry (`127.0.0.1:5000/team/app:v1`). */
  remote: ImageReference;
  /** The short reference the image is tagged with here (`127.0.0.1:5000/team/app:v1`, `busybox:latest`). */
  local: string;
  /** The local repository name, for `name@digest` references. */
  localRepository: string;
}

/** What `X-Registry-Auth` (base64url JSON AuthConfig) or a `/auth` body carries. */
export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  serveraddress?: string;
  identitytoken?: string;
}

/**
 * The engine's way to registries: the names the docker CLI sends (it qualifies a short name
 * as `docker.io/library/NAME`) mapped to the registry that holds them, and a client per
 * request, so one user's credentials and tokens never serve another's request.
 */
export class RegistryAccess {
  constructor(private readonly config: EngineConfig['registries']) {}

  /**
   * `name` (with `tag`, or a digest as the tag) as a registry reference. Docker Hub names go
   * to `--default-registry`; without one they are refused with what to do instead.
   */
  target(name: string, tag?: string): RegistryTarget {
    const local = tag === undefined ? withDefaultTag(parseReference(name)) : parseReference(`${name}${tag.includes(':') ? '@' : ':'}${tag}`);
    const localRepository = familiarString({ domain: local.domain, path: local.path });
    if (local.domain !== DEFAULT_DOMAIN) return { remote: local, local: familiarString(local), localRepository };
    const familiar = familiarString(local);
    try {
      return { remote: resolveReference(familiar, this.options()), local: familiar, localRepository };
    } catch (err) {
      throw new EngineError('INVALID_ARGUMENT', (err as Error).message, { cause: err });
    }
  }

  /** A client that sends `auth` (when it has a user) to `registry` only. */
  client(registry: string, auth?: AuthConfig): RegistryClient {
    const credentials = credentialsOf(auth);
    return new RegistryClient({
      ...this.options(),
      ...(credentials && { credentials: { [registry]: credentials } }),
      userAgent: 'berthd',
    });
  }

  /** The registry host `docker login` names (`127.0.0.1:5000`, or a URL as older CLIs send it). */
  loginHost(serverAddress: string | undefined): string {
    const address = (serverAddress ?? '').replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
    if (address === '' || address === 'index.docker.io' || address === DEFAULT_DOMAIN) {
      if (this.config.defaultRegistry !== undefined) return this.config.defaultRegistry;
      throw new EngineError('INVALID_ARGUMENT', 'there is no Docker Hub here: name the registry to log in to, e.g. docker login 127.0.0.1:5000, or set --default-registry');
    }
    return address;
  }

  private options(): { insecureRegistries: string[]; defaultRegistry?: string } {
    return {
      insecureRegistries: this.config.insecure,
      ...(this.config.defaultRegistry !== undefined && { defaultRegistry: this.config.defaultRegistry }),
    };
  }
}

/** Decodes `X-Registry-Auth`; an absent, empty (`e30=`) or unreadable header is no credentials. */
export function decodeRegistryAuth(header: string | undefined): AuthConfig | undefined {
  if (!header) return undefined;
  try {
    const json = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    return json !== null && typeof json === 'object' ? (json as AuthConfig) : undefined;
  } catch {
    throw new EngineError('INVALID_ARGUMENT', 'invalid X-Registry-Auth header: expected base64url-encoded JSON');
  }
}

export function credentialsOf(auth: AuthConfig | undefined): Credentials | undefined {
  if (!auth) return undefined;
  if (auth.username) return { username: auth.username, password: auth.password ?? '' };
  if (auth.auth) {
    const decoded = Buffer.from(auth.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}
