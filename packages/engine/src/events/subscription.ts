import type { StoredEvent } from './event-history.js';

/** What a subscriber receives: events in cursor order, and gap markers where its buffer overflowed. */
export type SubscriptionItem = ({ kind: 'event' } & StoredEvent) | { kind: 'gap'; lost: number };

/**
 * One subscriber's bounded buffer. The bus offers events without waiting; when the buffer is
 * full, newer events are counted as lost and a single gap marker stands in for them, so a slow
 * subscriber holds at most `limit` events plus one marker and never slows anyone else.
 */
export class Subscription implements AsyncIterable<SubscriptionItem> {
  private readonly queue: SubscriptionItem[] = [];
  private head = 0;
  private wake: (() => void) | undefined;
  private closedFlag = false;
  /** Events lost to overflow over the subscription's life. */
  lostTotal = 0;

  constructor(
    private readonly limit: number,
    private readonly accept: (event: StoredEvent) => boolean,
    private readonly onClose: () => void = () => {},
  ) {}

  /** Buffered items (events and gap markers) not yet taken. */
  get size(): number {
    return this.queue.length - this.head;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Called by the bus for every event published; never blocks. */
  offer(event: StoredEvent): void {
    if (this.closedFlag || !this.accept(event)) return;
    if (this.size >= this.limit) {
      this.lostTotal++;
      const tail = this.queue.at(-1);
      if (tail?.kind === 'gap') tail.lost++;
      else this.queue.push({ kind: 'gap', lost: 1 });
    } else {
      this.queue.push({ kind: 'event', ...event });
    }
    this.wake?.();
  }

  /** Takes everything buffered; waits for something when empty. Resolves `null` once closed. */
  async take(): Promise<SubscriptionItem[] | null> {
    while (this.size === 0) {
      if (this.closedFlag) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    const items = this.queue.slice(this.head);
    this.queue.length = 0;
    this.head = 0;
    return items;
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.queue.length = 0;
    this.head = 0;
    this.onClose();
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SubscriptionItem> {
    try {
      for (let items = await this.take(); items; items = await this.take()) yield* items;
    } finally {
      this.close();
    }
  }
}
