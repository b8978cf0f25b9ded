import type { Socket } from 'node:net';
import { STREAM_PATH } from '@berth/sdk';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { EngineError } from '../../errors.js';
import type { Router } from '../router.js';
import { StreamConnection } from './stream-connection.js';
import type { NativeStreamDeps } from './stream-deps.js';

/** Client messages are small; anything bigger is refused by the WebSocket layer. */
const MAX_MESSAGE = 64 * 1024;

/**
 * Berth's native stream on the API listeners: `GET /berth/v1/stream` (also under a version
 * prefix) upgraded to a WebSocket, one StreamConnection per client.
 */
export function nativeStreamRoutes(router: Router, deps: NativeStreamDeps, logger: Logger): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE, perMessageDeflate: false });
  router.upgrade('GET', STREAM_PATH, ({ req, socket, head }) => {
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      throw new EngineError('INVALID_ARGUMENT', `${STREAM_PATH} is a WebSocket endpoint: connect with a WebSocket client`);
    }
    wss.handleUpgrade(req, socket as Socket, head, (ws) => {
      new StreamConnection(ws, deps, logger);
    });
  });
  return {
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
