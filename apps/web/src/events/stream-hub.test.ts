import { describe, expect, it } from 'vitest';
import { StreamHub, type Opener, type Payload } from './stream-hub.js';

/** An upstream fed by the test: `feed` sends a payload, `finish` ends it; counts how often it was opened. */
function source() {
  const s = { opened: 0, aborted: 0, feed: (_p: Payload) => {}, finish: () => {} };
  const open: Opener = async function* (signal) {
    s.opened++;
    const queue: (Payload | null)[] = [];
    let wake = () => {};
    s.feed = (p) => { queue.push(p); wake(); };
    s.finish = () => { queue.push(null); wake(); };
    signal.addEventListener('abort', () => { s.aborted++; s.finish(); });
    for (;;) {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      const p = queue.shift()!;
      if (p === null) return;
      yield p;
    }
  };
  return { s, open };
}

const collector = () => {
  const got: Payload[] = [];
  return { got, push: (p: Payload) => got.push(p) };
};
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('StreamHub', () => {
  it('opens one upstream per key for any number of listeners, replays the recent ones, closes with the last', async () => {
    const hub = new StreamHub();
    const { s, open } = source();
    const a = collector();
    const b = collector();
    const stopA = hub.subscribe('logs:1', open, a, false, 2);
    const stopB = hub.subscribe('logs:1', open, b, false, 2);
    await settle();
    for (const n of [1, 2, 3]) s.feed({ type: 'log', line: `l${n}` });
    await settle();
    expect(s.opened).toBe(1);
    expect(a.got.map((p) => p.line)).toEqual(['l1', 'l2', 'l3']);
    expect(b.got).toEqual(a.got);
    const late = collector();
    const stopLate = hub.subscribe('logs:1', open, late, false, 2);
    expect(late.got.map((p) => p.line)).toEqual(['l2', 'l3']);
    stopA();
    stopB();
    expect(hub.size).toBe(1);
    stopLate();
    expect(hub.size).toBe(0);
    await settle();
    expect(s.aborted).toBe(1);
  });

  it('passes the end of a stream that does not retry to its listeners', async () => {
    const hub = new StreamHub();
    const { s, open } = source();
    const a = collector();
    hub.subscribe('stats:1', open, a, false);
    await settle();
    s.finish();
    await settle();
    expect(a.got).toEqual([{ type: 'end' }]);
    expect(hub.size).toBe(0);
  });
});
