import type { Session } from '../session.js';

export const DEFAULT_REGISTRY = 'docker.io';

/** The registry host of an image reference: the first component when it looks like a host. */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0]!;
  if (!ref.includes('/') || !(first.includes('.') || first.includes(':') || first === 'localhost')) return DEFAULT_REGISTRY;
  return first;
}

/** The X-Registry-Auth value (base64 JSON) for the registry of `ref`, from `berth login`'s stored credentials. */
export async function registryAuth(session: Session, ref: string): Promise<string | undefined> {
  const host = registryOf(ref);
  const entry = (await session.loadConfig()).auths[host];
  if (!entry) return undefined;
  const [username, ...rest] = Buffer.from(entry.auth, 'base64').toString('utf8').split(':');
  return Buffer.from(JSON.stringify({ username, password: rest.join(':'), serveraddress: host })).toString('base64url');
}
