import { describe, expect, it } from 'vitest';
import { humanDuration } from './human-duration.js';

describe('humanDuration', () => {
  it('renders the phrases docker prints', () => {
    expect(humanDuration(0.3)).toBe('Less than a second');
    expect(humanDuration(1.9)).toBe('1 second');
    expect(humanDuration(27)).toBe('27 seconds');
    expect(humanDuration(61)).toBe('About a minute');
    expect(humanDuration(90)).toBe('About a minute');
    expect(humanDuration(5 * 60)).toBe('5 minutes');
    expect(humanDuration(3600)).toBe('About an hour');
    expect(humanDuration(5 * 3600)).toBe('5 hours');
    expect(humanDuration(3 * 86400)).toBe('3 days');
    expect(humanDuration(20 * 86400)).toBe('2 weeks');
    expect(humanDuration(90 * 86400)).toBe('3 months');
    expect(humanDuration(800 * 86400)).toBe('2 years');
  });
});
