import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RegistryEvent } from '@berth/sdk';
import { EventSubscriber } from './events-subscriber.js';

/** A connection that takes bytes only when told to (each write waits for `release()`). */
class SlowConnection extends Writable {
  readonly chunks: string[] = [];
  private pending: (() => void)[] = [];

  constructor() {
    super({ highWaterMark: 64, decodeStrings: false });
  }

  override _write(chunk: string, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk);
    this.pending.push(callback);
  }

  release(): void {
    for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) next();
  }

  get text(): string {
    return this.chunks.join('');
  }
}

function event(n: number): RegistryEvent {
  return { action: 'push', repository: 'team/app', digest: `sha256:${String(n).padStart(64, '0')}`, mediaType: 'application/octet-stream', size: n, user: null, timestamp: new Date(0).toISOString() };
}

async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('EventSubscriber', () => {
  it('drops events while the connection is full and reports them with a gap when it drains', async () => {
    const out = new SlowConnection();
    const subscriber = new EventSubscriber(out, { keepAliveMs: 60_000, stallMs: 60_000 });
    for (let i = 1; i <= 10; i++) subscriber.push(event(i));
    // The first frame filled the 64-byte buffer: nothing after it was queued.
    expect(out.chunks).toHaveLength(1);
    expect(subscriber.counts).toEqual({ sent: 1, lost: 9 });

    out.release();
    await until(() => out.chunks.length === 2);
    expect(out.chunks[1]).toBe('event: gap\ndata: {"lost":9}\n\n');

    out.release();
    await new Promise((resolve) => setImmediate(resolve));
    subscriber.push(event(11));
    expect(out.chunks.at(-1)).toBe(`event: registry-event\ndata: ${JSON.stringify(event(11))}\n\n`);
    subscriber.stop();
  });

  it('cuts a connection that stays full longer than the stall limit', async () => {
    const out = new SlowConnection();
    const subscriber = new EventSubscriber(out, { keepAliveMs: 60_000, stallMs: 50 });
    subscriber.push(event(1));
    await until(() => out.destroyed);
    subscriber.stop();
  });

  it('sends keep-alive comments while idle, and none while the connection is full', async () => {
    const out = new SlowConnection();
    const subscriber = new EventSubscriber(out, { keepAliveMs: 10, stallMs: 60_000 });
    await until(() => out.chunks.length === 1);
    expect(out.chunks[0]).toBe(': keep-alive\n\n');
    // Still blocked (the comment has not been taken yet, the buffer holds it)? Not past 64 bytes:
    // fill it with an event, then no further comments arrive until it drains.
    subscriber.push(event(1));
    const held = out.chunks.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(out.chunks.length).toBe(held);
    subscriber.stop();
  });
});
