import { ApiError } from './api-error';

// Every request goes through here: JSON in and out, the CSRF token on every non-GET request,
// and one place that notices the session ended (401).

let csrfToken = '';
let onUnauthenticated: () => void = () => {};

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when the console answers 401 to a request made while logged in. */
export function whenUnauthenticated(fn: () => void): void {
  onUnauthenticated = fn;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (err) {
    throw new ApiError(0, 'UNAVAILABLE', `the console cannot be reached (${(err as Error).message})`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const b = (parsed ?? {}) as { code?: string; message?: string };
    if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthenticated();
    throw new ApiError(res.status, b.code ?? `HTTP_${res.status}`, b.message ?? (typeof parsed === 'string' && parsed ? parsed : res.statusText));
  }
  return parsed as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);
