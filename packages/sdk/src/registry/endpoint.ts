import { registryKey } from './credentials.js';

/** `localhost`, `::1` and 127.0.0.0/8: the hosts plain HTTP is allowed to without asking. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The host part of `host[:port]` (brackets kept for IPv6). */
export function hostnameOf(registry: string): string {
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(registry);
  return m?.[1] ?? registry;
}

/**
 * Where a registry's API is: HTTPS, except plain HTTP for loopback hosts and the hosts (or
 * host:port) named in `insecure`. Docker Hub's API lives at registry-1.docker.io.
 */
export function registryBaseUrl(registry: string, insecure: ReadonlySet<string>): URL {
  const apiHost = registryKey(registry) === 'docker.io' ? 'registry-1.docker.io' : registry;
  return new URL(`${allowsPlainHttp(registry, insecure) ? 'http' : 'https'}://${apiHost}`);
}

/** Loopback, or named in `insecure` (lower-cased `host:port` or `host`). */
export function allowsPlainHttp(hostPort: string, insecure: ReadonlySet<string>): boolean {
  const key = registryKey(hostPort);
  const hostname = hostnameOf(key);
  return isLoopbackHost(hostname) || insecure.has(key) || insecure.has(hostname);
}
