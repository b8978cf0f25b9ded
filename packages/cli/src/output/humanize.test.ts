import { describe, expect, it } from 'vitest';
import { ellipsis, formatPorts, humanDuration, humanSize, shortId } from './humanize.js';

describe('humanize', () => {
  it('prints durations and sizes like docker', () => {
    expect(humanDuration(5)).toBe('5 seconds');
    expect(humanDuration(90)).toBe('About a minute');
    expect(humanDuration(3 * 3600)).toBe('3 hours');
    expect(humanSize(4_261_000)).toBe('4.26MB');
    expect(humanSize(999)).toBe('999B');
  });

  it('prints ports, short ids and cut commands', () => {
    expect(formatPorts([{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { PrivatePort: 53, Type: 'udp' }])).toBe('0.0.0.0:8080->80/tcp, 53/udp');
    expect(shortId('sha256:0123456789abcdef')).toBe('0123456789ab');
    expect(ellipsis('"sleep 1000000000000000"', 20)).toBe('"sleep 100000000000…');
  });
});
