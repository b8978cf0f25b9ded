/** Registry credentials sent with pull and push (`X-Registry-Auth`), or the header value already encoded. */
export type RegistryAuth =
  | string
  | { username?: string; password?: string; serveraddress?: string; identitytoken?: string; registrytoken?: string };

/** The `X-Registry-Auth` header: base64url JSON, as the docker CLI sends it. */
export function registryAuthHeader(auth: RegistryAuth | undefined): Record<string, string> {
  if (auth === undefined) return {};
  const value = typeof auth === 'string' ? auth : Buffer.from(JSON.stringify(auth)).toString('base64url');
  return { 'X-Registry-Auth': value };
}
