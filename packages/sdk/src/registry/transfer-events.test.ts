import { describe, expect, it } from 'vitest';
import { forEachBounded, transferEvents, type TransferEvent } from './transfer-events.js';

const digest = `sha256:${'b'.repeat(64)}`;

describe('transferEvents', () => {
  it('replaces progress the consumer has not taken yet, and keeps every other event', async () => {
    const events = transferEvents(async (emit) => {
      emit({ type: 'blob-started', digest, size: 3 });
      for (const current of [1, 2, 3]) emit({ type: 'blob-progress', digest, current, total: 3 });
      emit({ type: 'blob-done', digest, size: 3 });
    });
    const seen: TransferEvent[] = [];
    for await (const e of events) seen.push(e);
    expect(seen).toEqual([
      { type: 'blob-started', digest, size: 3 },
      { type: 'blob-progress', digest, current: 3, total: 3 },
      { type: 'blob-done', digest, size: 3 },
    ]);
  });

  it('aborts the work when the consumer stops early, and ends with the work\'s error', async () => {
    let stopped: unknown;
    const events = transferEvents(async (emit, signal) => {
      emit({ type: 'blob-started', digest, size: 1 });
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      stopped = signal.reason;
    });
    for await (const _ of events) break;
    await Promise.resolve();
    expect(stopped).toBeInstanceOf(Error);

    const failing = transferEvents(async () => {
      throw new Error('registry went away');
    });
    await expect((async () => {
      for await (const _ of failing) { /* nothing comes */ }
    })()).rejects.toThrow('registry went away');
  });
});

describe('forEachBounded', () => {
  it('runs at most the bound at once and stops handing out work after a failure', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      started.push(n);
      most = Math.max(most, ++running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
    });
    expect(most).toBe(3);
    expect(started).toHaveLength(7);

    const tried: number[] = [];
    await expect(forEachBounded([1, 2, 3, 4, 5], 1, async (n) => {
      tried.push(n);
      if (n === 2) throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(tried).toEqual([1, 2]);
  });
});
