import type { EventMessage } from '@berth/sdk';
import type { EventHistory, StoredEvent } from './event-history.js';
import type { EngineEvent, EventSink } from './event-sink.js';
import { Subscription } from './subscription.js';

export interface SubscribeOptions {
  /** Which events this subscriber wants (default: all). */
  match?: (message: EventMessage) => boolean;
  /** Replay stored events after this cursor first. */
  afterCursor?: number;
  /** Replay stored events at or after this time (ns since the epoch) first. */
  sinceNano?: number;
  /** Buffered items before events are dropped behind a gap marker (default 4096). */
  limit?: number;
}

/** A subscriber's replay of the history (oldest first), then its live subscription; no event twice, none missed. */
export interface EventFeed {
  replay(): AsyncGenerator<StoredEvent[]>;
  live: Subscription;
}

/** A clock giving nanoseconds since the epoch, strictly increasing within one daemon. */
export function eventClock(): () => bigint {
  const base = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  let last = 0n;
  return () => {
    let now = base + process.hrtime.bigint();
    if (now <= last) now = last + 1n;
    last = now;
    return now;
  };
}

/**
 * The engine's event bus: stamps each event with its time and a cursor, keeps it in the
 * on-disk history and hands it to every subscriber's bounded buffer without waiting.
 */
export class EventBus implements EventSink {
  private readonly subscribers = new Set<Subscription>();
  private cursor: number;

  constructor(
    private readonly history: EventHistory,
    private readonly now: () => bigint = eventClock(),
  ) {
    this.cursor = history.lastCursor;
  }

  get lastCursor(): number {
    return this.cursor;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  publish(event: EngineEvent): void {
    const nano = this.now();
    const attributes = event.attributes ?? {};
    const message: EventMessage = {
      Type: event.type,
      Action: event.action,
      Actor: { ID: event.id, Attributes: attributes },
      scope: 'local',
      time: Number(nano / 1_000_000_000n),
      timeNano: Number(nano),
    };
    // The fields dockerd still sends for containers and images (older clients read them).
    if (event.type === 'container' || event.type === 'image') {
      message.status = event.action;
      message.id = event.id;
      if (event.type === 'container' && attributes.image !== undefined) message.from = attributes.image;
    }
    const stored: StoredEvent = { cursor: ++this.cursor, message };
    this.history.append(stored);
    for (const subscriber of this.subscribers) subscriber.offer(stored);
  }

  /**
   * Subscribes now (so nothing published from here on is missed) and, when `afterCursor` or
   * `sinceNano` is given, replays what the history holds up to this moment.
   */
  subscribe(opts: SubscribeOptions = {}): EventFeed {
    const match = opts.match ?? (() => true);
    const upTo = this.cursor;
    const live = new Subscription(opts.limit ?? 4096, (e) => match(e.message), () => this.subscribers.delete(live));
    this.subscribers.add(live);
    const wantsReplay = opts.afterCursor !== undefined || opts.sinceNano !== undefined;
    const history = this.history;
    return {
      live,
      async *replay() {
        if (!wantsReplay) return;
        for await (const batch of history.replay({ upTo, ...pick(opts) })) {
          const wanted = batch.filter((e) => match(e.message));
          if (wanted.length > 0) yield wanted;
        }
      },
    };
  }

  close(): Promise<void> {
    for (const subscriber of [...this.subscribers]) subscriber.close();
    return this.history.close();
  }
}

function pick(opts: SubscribeOptions): { afterCursor?: number; sinceNano?: number } {
  return {
    ...(opts.afterCursor !== undefined ? { afterCursor: opts.afterCursor } : {}),
    ...(opts.sinceNano !== undefined ? { sinceNano: opts.sinceNano } : {}),
  };
}
