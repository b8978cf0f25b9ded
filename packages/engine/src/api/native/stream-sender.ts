import { BoundedSender, type StreamServerMessage } from '@berth/sdk';
import type { WebSocket } from 'ws';

/** Data for a subscription is dropped (and counted for a gap marker) past this much unsent output. */
export const SEND_LIMIT = 1 << 20;

/**
 * A native-stream connection's sending: the SDK's `BoundedSender` (data dropped past `limit` unsent bytes,
 * gap markers, a client cut off past 8 × that) with the stream protocol's messages.
 */
export class StreamSender extends BoundedSender {
  constructor(ws: WebSocket, limit = SEND_LIMIT) {
    super(ws, {
      limit,
      hardLimit: 8 * limit,
      gapMessage: (id, lost) => JSON.stringify({ type: 'gap', id, lost } satisfies StreamServerMessage),
    });
  }

  /** A data message (event, log line, stats): sent, or dropped when the client is behind. */
  message(message: StreamServerMessage & { id: string }): boolean {
    return this.data(message.id, () => JSON.stringify(message));
  }

  /** subscribed / end / error: always sent (after any gap of the same subscription). */
  controlMessage(message: StreamServerMessage): void {
    this.control('id' in message ? message.id : undefined, JSON.stringify(message));
  }
}
