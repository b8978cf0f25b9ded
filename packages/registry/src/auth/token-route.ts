import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenService } from './token-service.js';

/** A node request listener for `GET /token`, for the API to mount beside `/v2/`. */
export function tokenRoute(tokens: TokenService): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    let answer;
    try {
      answer = await tokens.handle(req);
    } catch {
      answer = {
        status: 500,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'the token service failed; see the registry log' }] }),
      };
    }
    res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(Buffer.byteLength(answer.body)) });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  };
}
