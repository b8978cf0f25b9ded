import { describe, expect, it } from 'vitest';
import { parseEventTime } from './event-time.js';

const NOW = 1_796_324_347_000_000_000n;

describe('parseEventTime', () => {
  it('reads unix seconds with and without a fraction', () => {
    expect(parseEventTime('1796324347', NOW, 'since')).toBe(NOW);
    expect(parseEventTime('1796324347.770779436', NOW, 'since')).toBe(1_796_324_347_770_779_436n);
    expect(parseEventTime('1796324347.5', NOW, 'since')).toBe(1_796_324_347_500_000_000n);
  });
  it('reads durations as that long before now', () => {
    expect(parseEventTime('10m', NOW, 'since')).toBe(NOW - 600_000_000_000n);
    expect(parseEventTime('1h30m', NOW, 'since')).toBe(NOW - 5_400_000_000_000n);
    expect(parseEventTime('0s', NOW, 'until')).toBe(NOW);
  });
  it('reads RFC3339 and shorter forms', () => {
    expect(parseEventTime('2026-12-04T12:00:00Z', NOW, 'since')).toBe(BigInt(Date.parse('2026-12-04T12:00:00Z')) * 1_000_000n);
    expect(parseEventTime('2026-12-04T12:00:00.25+01:00', NOW, 'since')).toBe(BigInt(Date.parse('2026-12-04T11:00:00Z')) * 1_000_000n + 250_000_000n);
    expect(parseEventTime('2026-12-04', NOW, 'since')).toBe(BigInt(Date.parse('2026-12-04T00:00:00Z')) * 1_000_000n);
  });
  it('names the parameter and the value it cannot read', () => {
    expect(() => parseEventTime('yesterday', NOW, 'until')).toThrow(/invalid value for until: "yesterday"/);
    expect(() => parseEventTime('2026-13-45T99', NOW, 'since')).toThrow(/since/);
  });
});
