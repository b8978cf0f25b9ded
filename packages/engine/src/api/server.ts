import fs from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { API_VERSION, MIN_API_VERSION } from '@berth/sdk';
import type { Logger } from 'pino';
import { EngineError } from '../errors.js';
import { errorStatus, sendError, sendJson } from './http.js';
import { routeContext, type Router } from './router.js';
import { Query } from './query.js';
import { compareVersions } from './version.js';

export const SERVER_HEADER = 'Berth/0.1.0 (linux)';

const COMMON_HEADERS = {
  'Api-Version': API_VERSION,
  'Docker-Experimental': 'false',
  Ostype: 'linux',
  Server: SERVER_HEADER,
};

const VERSION_PREFIX = /^\/v(\d+\.\d+)(\/.*)$/;

function versionOf(path: string): { apiVersion: string; path: string } {
  const m = VERSION_PREFIX.exec(path);
  if (!m) return { apiVersion: API_VERSION, path };
  const requested = m[1]!;
  if (compareVersions(requested, API_VERSION) > 0) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `client version ${requested} is too new. Maximum supported API version is ${API_VERSION}`,
    );
  }
  if (compareVersions(requested, MIN_API_VERSION) < 0) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `client version ${requested} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
  return { apiVersion: requested, path: m[2]! };
}

/** The Engine API over HTTP/1.1: version prefixes, common headers, routing, hijacks. */
export function createApiServer(router: Router, logger: Logger): http.Server {
  const server = http.createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
    void handle(router, logger, req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void handleUpgrade(router, logger, req, socket, head);
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return server;
}

async function handle(router: Router, logger: Logger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
  const url = new URL(req.url ?? '/', 'http://berth');
  try {
    const { apiVersion, path } = versionOf(url.pathname);
    const found = router.match(req.method ?? 'GET', path);
    if (found === null || found === 'method') {
      sendJson(res, 404, { message: 'page not found' });
      return;
    }
    await found.handler(routeContext(req, res, found.params, url.searchParams, apiVersion));
  } catch (err) {
    const { status } = errorStatus(err);
    if (status >= 500) logger.error({ err, method: req.method, url: req.url }, 'request failed');
    else logger.debug({ err: (err as Error).message, url: req.url }, 'request refused');
    sendError(res, err);
  }
}

async function handleUpgrade(router: Router, logger: Logger, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  socket.on('error', () => {});
  const url = new URL(req.url ?? '/', 'http://berth');
  try {
    const { apiVersion, path } = versionOf(url.pathname);
    const found = router.matchUpgrade(req.method ?? 'POST', path);
    if (!found) throw new EngineError('NOT_FOUND', 'page not found');
    await found.handler({ params: found.params, query: new Query(url.searchParams), req, socket, head, apiVersion });
  } catch (err) {
    const { status, message } = errorStatus(err);
    if (status >= 500) logger.error({ err, url: req.url }, 'hijack failed');
    if (socket.writable) {
      const body = JSON.stringify({ message }) + '\n';
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
  }
}

/** Listens on a unix socket path (replacing a stale one) with mode 0660. */
export async function listenUnix(server: http.Server, socketPath: string): Promise<void> {
  await fs.rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(socketPath, () => {
      server.off('error', onError);
      resolve();
    });
  });
  await fs.chmod(socketPath, 0o660);
}
