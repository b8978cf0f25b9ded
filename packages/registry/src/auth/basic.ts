import type { IncomingHttpHeaders } from 'node:http';

/** The part of an HTTP request auth looks at; a node `IncomingMessage` fits as it is. */
export interface AuthRequest {
  method?: string | undefined;
  url?: string | undefined;
  headers: IncomingHttpHeaders;
}

/** Decodes `Authorization: Basic base64(user:password)`; null when it is not well-formed Basic. */
export function parseBasic(authorization: string): { user: string; password: string } | null {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2})$/i.exec(authorization.trim());
  if (match === null) return null;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The token of `Authorization: Bearer <token>`; null when the header is absent or another scheme. */
export function parseBearer(authorization: string | undefined): string | null {
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization?.trim() ?? '');
  return match?.[1] ?? null;
}
