/** The part of a `ws` WebSocket a sender uses. */
export interface SenderSocket {
  readonly readyState: number;
  readonly OPEN: number;
  /** Bytes queued in the socket, not yet sent. */
  readonly bufferedAmount: number;
  send(text: string): void;
  terminate(): void;
}

export interface BoundedSenderOptions {
  /** Past this many unsent bytes, data messages are dropped and counted. */
  limit: number;
  /** Past this many, even control messages would pile up: the client is not reading at all and is cut off. */
  hardLimit: number;
  /** A client that stays behind (over `limit`) this long is cut off; by default only `hardLimit` cuts. */
  maxBehindMs?: number;
  /** The serialised gap marker: `lost` data messages of subscription `id` were dropped. */
  gapMessage(id: string, lost: number): string;
}

/**
 * Sends one WebSocket connection's messages with bounded memory, the way berthd's native stream and the
 * console's browser connections both need: while more than `limit` bytes wait in the socket, data messages
 * (events, log lines, stats) are dropped and counted per subscription, and the count goes out as a gap marker
 * ahead of that subscription's next message, or on its own once the socket drains (a timer checks every 50 ms
 * while gaps are pending). Control messages are always sent, after any gap of their subscription.
 */
export class BoundedSender {
  private readonly lost = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private behindSince = 0;

  constructor(
    private readonly ws: SenderSocket,
    private readonly options: BoundedSenderOptions,
  ) {}

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** A data message, serialised by `text` only when it is sent; false when it was dropped. */
  data(id: string, text: () => string): boolean {
    if (!this.open) return false;
    if (this.behind()) {
      this.countLost(id, 1);
      return false;
    }
    this.flushGap(id);
    this.ws.send(text());
    return true;
  }

  /** Messages lost before they reached this connection (an upstream gap): counted into the next marker. */
  gap(id: string, lost: number): void {
    this.countLost(id, lost);
    if (!this.behind()) this.flushGap(id);
  }

  /** subscribed / end / error and the like: always sent, after any gap of subscription `id`. */
  control(id: string | undefined, text: string): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount > this.options.hardLimit) {
      this.ws.terminate();
      return;
    }
    if (id !== undefined) this.flushGap(id);
    this.ws.send(text);
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

  /** Whether the client is over `limit`; one that has been so for longer than `maxBehindMs` is cut off. */
  private behind(): boolean {
    if (this.ws.bufferedAmount <= this.options.limit) {
      this.behindSince = 0;
      return false;
    }
    const now = Date.now();
    if (this.behindSince === 0) this.behindSince = now;
    else if (this.options.maxBehindMs !== undefined && now - this.behindSince > this.options.maxBehindMs) this.ws.terminate();
    return true;
  }

  private countLost(id: string, n: number): void {
    this.lost.set(id, (this.lost.get(id) ?? 0) + n);
    // Gaps of subscriptions that go quiet still reach the client once it reads again.
    this.timer ??= setInterval(() => {
      if (!this.open) return this.close();
      if (this.behind()) return;
      for (const pending of [...this.lost.keys()]) this.flushGap(pending);
      this.close();
    }, 50);
  }

  private flushGap(id: string): void {
    const lost = this.lost.get(id);
    if (!lost) return;
    this.lost.delete(id);
    this.ws.send(this.options.gapMessage(id, lost));
  }
}
