import { BadRequestError } from '../errors.js';

/** Client certificates for a TCP engine with mutual TLS (PEM contents, not paths). */
export interface EngineTlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Default true; false accepts any server certificate (tests only). */
  rejectUnauthorized?: boolean;
}

/** Where an engine listens, parsed from a DOCKER_HOST-style URL. */
export type EngineAddress =
  | { kind: 'unix'; socketPath: string; url: string }
  | { kind: 'tcp'; host: string; port: number; tls: boolean; url: string };

export const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';

/**
 * `unix:///path`, `tcp://host:port`, `https://host:port` (TLS), `http://host:port`, or a bare
 * socket path. `tls` decides TLS for `tcp://` (Docker's port 2376 convention is not guessed).
 */
export function parseEngineHost(host: string, tls = false): EngineAddress {
  const value = host.trim();
  if (value === '') throw new BadRequestError('empty engine host: use unix:///path/to/socket or tcp://host:port');
  if (value.startsWith('/')) return { kind: 'unix', socketPath: value, url: `unix://${value}` };
  const m = /^([a-z]+):\/\/(.*)$/i.exec(value);
  if (!m) throw new BadRequestError(`engine host "${host}" has no scheme: use unix:///path/to/socket or tcp://host:port`);
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  if (scheme === 'unix') {
    if (!rest.startsWith('/')) throw new BadRequestError(`engine host "${host}": a unix socket needs an absolute path (unix:///path)`);
    return { kind: 'unix', socketPath: rest, url: value };
  }
  if (scheme !== 'tcp' && scheme !== 'http' && scheme !== 'https') {
    throw new BadRequestError(`engine host "${host}": unsupported scheme ${scheme}; use unix:// or tcp://`);
  }
  const hp = /^(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(rest);
  if (!hp) throw new BadRequestError(`engine host "${host}" is not host:port`);
  const secure = scheme === 'https' || (scheme === 'tcp' && tls);
  const port = hp[2] ? Number(hp[2]) : secure ? 2376 : 2375;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new BadRequestError(`engine host "${host}": port ${hp[2]} is out of range`);
  const hostname = hp[1]!.replace(/^\[|\]$/g, '');
  return { kind: 'tcp', host: hostname, port, tls: secure, url: value };
}
