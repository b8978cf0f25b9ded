import { BoundedSender } from '@berth/sdk';
import type WebSocket from 'ws';
import type { SessionUser } from '../auth/roles.js';
import type { WsServerMessage } from './ws-messages.js';

/** Past this many unsent bytes, a browser's data messages are dropped (and counted for a gap marker). */
export const HIGH_WATER_BYTES = 1 << 20;
/** A browser that stays behind this long is disconnected. */
export const SLOW_CLIENT_MS = 30_000;

/** One browser connection: its user, its subscriptions, and bounded sending (the SDK's `BoundedSender`). */
export class WsPeer {
  readonly subs = new Map<string, () => void>();
  private readonly sender: BoundedSender;

  constructor(readonly ws: WebSocket, readonly user: SessionUser) {
    this.sender = new BoundedSender(ws, {
      limit: HIGH_WATER_BYTES,
      hardLimit: 8 * HIGH_WATER_BYTES,
      maxBehindMs: SLOW_CLIENT_MS,
      gapMessage: (id, lost) => JSON.stringify({ type: 'gap', id, lost } satisfies WsServerMessage),
    });
  }

  /** Sends a control message (never dropped; after any gap of its subscription). */
  send(msg: WsServerMessage): void {
    this.sender.control('id' in msg && typeof msg.id === 'string' ? msg.id : undefined, JSON.stringify(msg));
  }

  /**
   * Sends a data message, or drops it while the browser is behind; a gap marker with the count
   * goes out ahead of the subscription's next message, or once the browser reads again.
   */
  data(id: string, msg: WsServerMessage): void {
    this.sender.data(id, () => JSON.stringify(msg));
  }

  closeAll(): void {
    for (const stop of this.subs.values()) stop();
    this.subs.clear();
    this.sender.close(); // drops every pending gap too
  }
}
