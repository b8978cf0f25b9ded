import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/**
 * One structured line per request, written when the response is done (or the client left):
 * method, path, status, bytes sent, duration, the user and what the handler touched.
 */
export function logAccess(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  started: bigint,
  fields: Record<string, unknown>,
): void {
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  const length = res.getHeader('content-length');
  logger.info(
    {
      component: 'access',
      method: req.method,
      path: (req.url ?? '').split('?')[0],
      query: queryOf(req.url),
      status: res.statusCode,
      bytes: res.writableFinished ? Number(length ?? 0) : undefined,
      durationMs: Math.round(durationMs * 10) / 10,
      remote: req.socket.remoteAddress,
      userAgent: req.headers['user-agent'],
      ...(res.writableFinished ? {} : { incomplete: true }),
      ...fields,
    },
    'request',
  );
}

function queryOf(url: string | undefined): string | undefined {
  const i = url?.indexOf('?') ?? -1;
  return i < 0 || url === undefined ? undefined : url.slice(i + 1, i + 300);
}
