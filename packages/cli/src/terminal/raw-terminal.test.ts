import { describe, expect, it } from 'vitest';
import { enterRawMode, watchResize } from './raw-terminal.js';

describe('watchResize', () => {
  it('sends the size at once and again on every SIGWINCH until unsubscribed', () => {
    const out = { isTTY: true, rows: 30, columns: 100 };
    const seen: [number, number][] = [];
    const stop = watchResize(out, (r, c) => seen.push([r, c]));
    out.rows = 40;
    out.columns = 120;
    process.emit('SIGWINCH');
    stop();
    process.emit('SIGWINCH');
    expect(seen).toEqual([[30, 100], [40, 120]]);
  });

  it('does nothing when stdout is not a terminal', () => {
    const seen: unknown[] = [];
    watchResize({ isTTY: false, rows: 1, columns: 1 }, () => seen.push(1))();
    expect(seen).toEqual([]);
  });
});

describe('enterRawMode', () => {
  it('sets raw mode and restores the previous mode once', () => {
    const calls: boolean[] = [];
    const fake = { isTTY: true, isRaw: false, setRawMode: (on: boolean) => calls.push(on) } as unknown as NodeJS.ReadableStream;
    const restore = enterRawMode(fake);
    restore();
    restore();
    expect(calls).toEqual([true, false]);
  });
});
