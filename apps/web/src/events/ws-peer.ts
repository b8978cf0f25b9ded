import type WebSocket from 'ws';
import type { SessionUser } from '../auth/roles.js';
import type { WsServerMessage } from './ws-messages.js';

/** Past this many unsent bytes, a browser's data messages are dropped (and counted for a gap marker). */
export const HIGH_WATER_BYTES = 1 << 20;
/** A browser that stays behind this long is disconnected. */
export const SLOW_CLIENT_MS = 30_000;

/** One browser connection: its user, its subscriptions, and bounded sending. */
export class WsPeer {
  readonly subs = new Map<string, () => void>();
  private readonly lost = new Map<string, number>();
  private behindSince = 0;

  constructor(readonly ws: WebSocket, readonly user: SessionUser) {}

  /** Sends a control message (never dropped). */
  send(msg: WsServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(msg));
  }

  /**
   * Sends a data message, or drops it while the browser is behind; the next message that
   * goes out is preceded by a gap marker with the count. Memory per browser stays bounded.
   */
  data(id: string, msg: WsServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > HIGH_WATER_BYTES) {
      this.lost.set(id, (this.lost.get(id) ?? 0) + 1);
      const now = Date.now();
      if (!this.behindSince) this.behindSince = now;
      else if (now - this.behindSince > SLOW_CLIENT_MS) this.ws.terminate();
      return;
    }
    this.behindSince = 0;
    const lost = this.lost.get(id);
    if (lost) {
      this.lost.delete(id);
      this.send({ type: 'gap', id, lost });
    }
    this.send(msg);
  }

  closeAll(): void {
    for (const stop of this.subs.values()) stop();
    this.subs.clear();
  }
}
