/** A host as the API shows it. */
export interface HostView {
  id: number;
  name: string;
  url: string;
  tls: { ca: string | null; cert: string | null; key: string | null };
  status: 'unknown' | 'up' | 'unreachable';
  lastError: string | null;
  checkedAt: string | null;
}

export interface HostRow {
  id: number; name: string; url: string; tlsCa: string | null; tlsCert: string | null; tlsKey: string | null;
  status: string; lastError: string | null; checkedAt: Date | null;
}

export function hostView(h: HostRow): HostView {
  return {
    id: h.id, name: h.name, url: h.url, tls: { ca: h.tlsCa, cert: h.tlsCert, key: h.tlsKey },
    status: h.status === 'up' || h.status === 'unreachable' ? h.status : 'unknown', lastError: h.lastError, checkedAt: h.checkedAt?.toISOString() ?? null,
  };
}

/** A default host name for an engine URL: "local" for the local socket, the host name for tcp://. */
export function defaultHostName(url: string): string {
  if (url.startsWith('unix://')) return url.includes('/berth/') || url.endsWith('docker.sock') ? 'local' : url.slice('unix://'.length).replace(/^\/+/, '').replace(/[/.]/g, '-');
  try {
    return new URL(url.replace(/^tcp:/, 'http:')).hostname || url;
  } catch {
    return url;
  }
}
