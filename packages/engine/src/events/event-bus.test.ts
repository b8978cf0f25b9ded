import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from './event-bus.js';
import { EventHistory, type StoredEvent } from './event-history.js';
import type { SubscriptionItem } from './subscription.js';

let dir: string;
beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-events-'))));
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

async function collect(gen: AsyncGenerator<StoredEvent[]>): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for await (const batch of gen) all.push(...batch);
  return all;
}

const container = (action: string, name = 'web'): Parameters<EventBus['publish']>[0] =>
  ({ type: 'container', action, id: 'a'.repeat(64), attributes: { name, image: 'busybox' } });

describe('EventBus', () => {
  it('stamps cursor and time and keeps dockerd\'s old fields', async () => {
    const bus = new EventBus(await EventHistory.open({ dir }));
    const feed = bus.subscribe();
    bus.publish(container('start'));
    const items = (await feed.live.take())!;
    const item = items[0] as Extract<SubscriptionItem, { kind: 'event' }>;
    expect(item.cursor).toBe(1);
    expect(item.message).toMatchObject({ Type: 'container', Action: 'start', status: 'start', from: 'busybox', scope: 'local' });
    expect(Math.abs(item.message.time * 1000 - Date.now())).toBeLessThan(5000);
    expect(Math.floor(item.message.timeNano / 1e9)).toBe(item.message.time);
    await bus.close();
  });

  it('replays from disk after reopening, by cursor and by time, and continues the cursor', async () => {
    const first = new EventBus(await EventHistory.open({ dir }));
    for (let i = 0; i < 50; i++) first.publish(container(i % 2 ? 'start' : 'die', `c${i}`));
    await first.close();
    const history = await EventHistory.open({ dir });
    const bus = new EventBus(history);
    expect(bus.lastCursor).toBe(50);
    const afterCursor = await collect(bus.subscribe({ afterCursor: 40 }).replay());
    expect(afterCursor.map((e) => e.cursor)).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
    const all = await collect(bus.subscribe({ sinceNano: 0 }).replay());
    expect(all).toHaveLength(50);
    const since = all[30]!.message.timeNano;
    const fromTime = await collect(bus.subscribe({ sinceNano: since, match: (m) => m.Action === 'start' }).replay());
    expect(fromTime.every((e) => e.cursor >= 31 && e.message.Action === 'start')).toBe(true);
    bus.publish(container('stop'));
    await bus.close();
    const reopened = await EventHistory.open({ dir });
    expect(reopened.lastCursor).toBe(51);
  });

  it('rotates segments but keeps at least `keep` events, and skips a torn last line', async () => {
    const bus = new EventBus(await EventHistory.open({ dir, keep: 100, segmentSize: 30 }));
    for (let i = 0; i < 400; i++) bus.publish(container('start'));
    await bus.close();
    const files = (await fs.readdir(dir)).sort();
    expect(files.length).toBeLessThanOrEqual(5);
    await fs.appendFile(path.join(dir, files.at(-1)!), '{"cursor":401,"mess');
    const replayed = await collect(new EventBus(await EventHistory.open({ dir, keep: 100, segmentSize: 30 })).subscribe({ afterCursor: 0 }).replay());
    expect(replayed.length).toBeGreaterThanOrEqual(100);
    expect(replayed.at(-1)!.cursor).toBe(400);
    expect(replayed.map((e) => e.cursor)).toEqual(replayed.map((_, i) => 401 - replayed.length + i));
  });

  it('keeps at least the last 100,000 events by default', async () => {
    const bus = new EventBus(await EventHistory.open({ dir }));
    for (let i = 0; i < 125_000; i++) bus.publish(container('start'));
    await bus.close();
    const reopened = new EventBus(await EventHistory.open({ dir }));
    expect(reopened.lastCursor).toBe(125_000);
    const kept = await collect(reopened.subscribe({ afterCursor: 0 }).replay());
    expect(kept.length).toBeGreaterThanOrEqual(100_000);
    expect(kept.length).toBeLessThan(125_000);
    expect(kept.at(-1)!.cursor).toBe(125_000);
  }, 30_000);

  it('gives a subscriber that does not read a gap marker and bounded memory, without slowing others', async () => {
    const bus = new EventBus(await EventHistory.open({ dir }));
    const slow = bus.subscribe({ limit: 100 }).live;
    const fast = bus.subscribe({ limit: 100 }).live;
    let fastSeen = 0;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 100; i++) bus.publish(container('start'));
      fastSeen += ((await fast.take()) ?? []).length;
      expect(slow.size).toBeLessThanOrEqual(101);
    }
    expect(fastSeen).toBe(20_000);
    const items = (await slow.take())!;
    expect(items).toHaveLength(101);
    expect(items.at(-1)).toEqual({ kind: 'gap', lost: 19_900 });
    expect(slow.lostTotal).toBe(19_900);
    bus.publish(container('die'));
    const next = (await slow.take())!;
    expect(next[0]).toMatchObject({ kind: 'event', cursor: 20_001 });
    slow.close();
    fast.close();
    expect(bus.subscriberCount).toBe(0);
    await bus.close();
  });

  it('delivers events published while a replay runs exactly once', async () => {
    const bus = new EventBus(await EventHistory.open({ dir }));
    for (let i = 0; i < 5; i++) bus.publish(container('start'));
    const feed = bus.subscribe({ afterCursor: 0 });
    bus.publish(container('die'));
    const replayed = await collect(feed.replay());
    const live = (await feed.live.take())!;
    expect([...replayed.map((e) => e.cursor), ...live.map((e) => (e.kind === 'event' ? e.cursor : -1))]).toEqual([1, 2, 3, 4, 5, 6]);
    await bus.close();
  });
});
