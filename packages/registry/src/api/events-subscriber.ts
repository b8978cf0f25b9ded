import type { Writable } from 'node:stream';
import { REGISTRY_SSE_EVENTS, type RegistryEvent } from '@berth/sdk';

export interface SubscriberLimits {
  /** Milliseconds between keep-alive comments while nothing else is sent. */
  keepAliveMs: number;
  /** A subscriber whose connection stays full this long is cut (it is gone, or hopelessly slow). */
  stallMs: number;
}

/** What a subscriber did, for the access log. */
export interface SubscriberCounts {
  sent: number;
  lost: number;
}

/**
 * One Server-Sent Events subscriber with bounded memory: events are written while the
 * connection takes them; once `write()` says the buffer is full, further events are counted
 * instead of queued, and when the connection drains a `gap` event says how many were lost.
 * A connection that stays full for `stallMs` is destroyed.
 */
export class EventSubscriber {
  readonly counts: SubscriberCounts = { sent: 0, lost: 0 };
  private lostSinceDrain = 0;
  private blocked = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly out: Writable,
    private readonly limits: SubscriberLimits,
  ) {
    this.keepAlive = setInterval(() => {
      if (!this.blocked) this.write(': keep-alive\n\n');
    }, limits.keepAliveMs);
    this.keepAlive.unref();
    out.on('drain', () => this.drained());
  }

  /** Sends one event, or counts it as lost while the connection is full. */
  push(event: RegistryEvent): void {
    if (this.blocked) {
      this.lostSinceDrain++;
      this.counts.lost++;
      return;
    }
    this.counts.sent++;
    this.write(frame(REGISTRY_SSE_EVENTS.event, event));
  }

  /** Stops the timers (the connection closed). */
  stop(): void {
    clearInterval(this.keepAlive);
    clearTimeout(this.stallTimer);
  }

  private write(text: string): void {
    if (this.out.destroyed || this.out.writableEnded) return;
    if (this.out.write(text)) return;
    this.blocked = true;
    this.stallTimer = setTimeout(() => this.out.destroy(), this.limits.stallMs);
    this.stallTimer.unref();
  }

  private drained(): void {
    if (!this.blocked) return;
    this.blocked = false;
    clearTimeout(this.stallTimer);
    if (this.lostSinceDrain === 0) return;
    const lost = this.lostSinceDrain;
    this.lostSinceDrain = 0;
    this.write(frame(REGISTRY_SSE_EVENTS.gap, { lost }));
  }
}

/** One SSE message; JSON never contains a raw newline, so the data is one line. */
export function frame(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
