import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads Go durations into nanoseconds', () => {
    expect(parseDuration('30s', 'x')).toBe(30e9);
    expect(parseDuration('1m30s', 'x')).toBe(90e9);
    expect(parseDuration('500ms', 'x')).toBe(500e6);
    expect(parseDuration('1.5h', 'x')).toBe(5400e9);
    expect(parseDuration('0', 'x')).toBe(0);
  });
  it('rejects what is not a duration, naming the flag', () => {
    for (const bad of ['', '30', 's', '1x', '1s2']) expect(() => parseDuration(bad, 'health-interval'), bad).toThrow(/--health-interval/);
  });
});
