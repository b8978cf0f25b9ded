import { describe, expect, it } from 'vitest';
import { LogBuffer } from './log-buffer';
import { LogSelection } from './log-selection';

describe('LogBuffer', () => {
  it('keeps the newest `capacity` lines, each with its sequence number', () => {
    const b = new LogBuffer(3);
    for (let i = 0; i < 5; i++) b.push('stdout', `line ${i}`);
    expect(b.size).toBe(3);
    expect(b.evicted).toBe(2);
    expect([b.first, b.end]).toEqual([2, 5]);
    expect(b.at(1)).toBeUndefined();
    expect(b.at(2)).toMatchObject({ seq: 2, text: 'line 2' });
    b.clear();
    expect(b.size).toBe(0);
  });

  it('takes 200,000 lines into a 100,000-line buffer quickly and filters them', () => {
    const b = new LogBuffer(100_000);
    const t0 = performance.now();
    for (let i = 0; i < 200_000; i++) b.push(i % 10 === 0 ? 'stderr' : 'stdout', `request ${i} took ${i % 97} ms`);
    const s = new LogSelection(b, { stdout: false, stderr: true, search: '' });
    const ms = performance.now() - t0;
    expect(b.size).toBe(100_000);
    expect(s.length).toBe(10_000);
    expect(s.lineAt(0)).toMatchObject({ seq: 100_000, stream: 'stderr' });
    expect(ms).toBeLessThan(1_000);
  });
});

describe('LogSelection', () => {
  it('follows new lines incrementally and forgets evicted ones', () => {
    const b = new LogBuffer(4);
    b.push('stdout', 'GET /a');
    b.push('stderr', 'oops');
    const s = new LogSelection(b, { stdout: true, stderr: true, search: 'get' });
    expect(s.length).toBe(1);
    b.push('stdout', 'get /b');
    b.push('stdout', 'post /c');
    s.refresh();
    expect([s.lineAt(0)?.text, s.lineAt(1)?.text]).toEqual(['GET /a', 'get /b']);
    b.push('stdout', 'GET /d');
    b.push('stdout', 'noise');
    s.refresh();
    expect(Array.from({ length: s.length }, (_, i) => s.lineAt(i)?.text)).toEqual(['get /b', 'GET /d']);
  });

  it('shows every line without a filter, gap markers included', () => {
    const b = new LogBuffer(10);
    b.push('stdout', 'a');
    b.push('gap', '— 3 lines dropped —');
    const s = new LogSelection(b, { stdout: true, stderr: true, search: '' });
    expect(s.length).toBe(2);
    expect(s.lineAt(1)?.stream).toBe('gap');
  });
});
