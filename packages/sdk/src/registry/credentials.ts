/** A user name and password (or an access token as the password) for one registry. */
export interface Credentials {
  username: string;
  password: string;
}

/**
 * Where credentials come from, per registry host (`127.0.0.1:5000`, `registry.example.com`):
 * a map, or a callback (a credential helper, the CLI's config). They are only ever sent to
 * that host and to the token realm it names.
 */
export type CredentialSource =
  | Readonly<Record<string, Credentials>>
  | ((registry: string) => Credentials | undefined | Promise<Credentials | undefined>);

/** `https://Registry.example.com/v1/` and `registry.example.com` name the same registry. */
export function registryKey(value: string): string {
  const bare = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return bare === 'index.docker.io' || bare === 'registry-1.docker.io' ? 'docker.io' : bare;
}

export async function lookupCredentials(source: CredentialSource | undefined, registry: string): Promise<Credentials | undefined> {
  if (source === undefined) return undefined;
  if (typeof source === 'function') return source(registry);
  const key = registryKey(registry);
  for (const [name, credentials] of Object.entries(source)) {
    if (registryKey(name) === key) return credentials;
  }
  return undefined;
}

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}
