import type { StreamServerMessage } from '@berth/sdk';
import type { WebSocket } from 'ws';

/** Data for a subscription is dropped (and counted for a gap marker) past this much unsent output. */
export const SEND_LIMIT = 1 << 20;
/** Past this much, even control messages would pile up: the client is not reading at all, and is cut off. */
const HARD_LIMIT = 8 * SEND_LIMIT;

/**
 * Writes a connection's messages with bounded buffering: while more than `limit` bytes wait
 * in the socket, data messages are dropped and counted per subscription; the count goes out
 * as a gap marker ahead of that subscription's next message (or once the socket drains).
 */
export class StreamSender {
  private readonly lost = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly limit = SEND_LIMIT,
  ) {}

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** A data message (event, log line, stats): sent, or dropped when the client is behind. */
  data(message: StreamServerMessage & { id: string }): boolean {
    return this.dataText(message.id, () => JSON.stringify(message));
  }

  /** The same with the message already serialised (by `text`, called only when it is sent). */
  dataText(id: string, text: () => string): boolean {
    if (!this.open) return false;
    if (this.ws.bufferedAmount > this.limit) {
      this.countLost(id, 1);
      return false;
    }
    this.flushGap(id);
    this.ws.send(text());
    return true;
  }

  /** Events lost before they reached this connection (the bus's own gap marker). */
  gap(id: string, lost: number): void {
    this.countLost(id, lost);
    if (this.ws.bufferedAmount <= this.limit) this.flushGap(id);
  }

  /** subscribed / end / error: always sent (after any gap of the same subscription). */
  control(message: StreamServerMessage): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount > HARD_LIMIT) {
      this.ws.terminate();
      return;
    }
    if ('id' in message && message.id !== undefined) this.flushGap(message.id);
    this.ws.send(JSON.stringify(message));
  }

  /** Forgets a subscription's pending gap (it was unsubscribed). */
  forget(id: string): void {
    this.lost.delete(id);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.lost.clear();
  }

  private countLost(id: string, n: number): void {
    this.lost.set(id, (this.lost.get(id) ?? 0) + n);
    // Gaps of subscriptions that go quiet still reach the client once it reads again.
    this.timer ??= setInterval(() => {
      if (!this.open) return this.close();
      if (this.ws.bufferedAmount > this.limit) return;
      for (const pending of [...this.lost.keys()]) this.flushGap(pending);
      this.close();
    }, 50);
  }

  private flushGap(id: string): void {
    const lost = this.lost.get(id);
    if (!lost) return;
    this.lost.delete(id);
    this.ws.send(JSON.stringify({ type: 'gap', id, lost } satisfies StreamServerMessage));
  }
}
