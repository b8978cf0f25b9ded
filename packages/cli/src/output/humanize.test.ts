import { describe, expect, it } from 'vitest';
import { ellipsis, formatPorts, humanSize, shortId } from './humanize.js';

describe('humanize', () => {
  it('prints sizes like docker', () => {
    expect(humanSize(4_261_000)).toBe('4.26MB');
    expect(humanSize(999)).toBe('999B');
  });

  it('prints ports, short ids and cut commands', () => {
    expect(formatPorts([{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { PrivatePort: 53, Type: 'udp' }])).toBe('0.0.0.0:8080->80/tcp, 53/udp');
    expect(shortId('sha256:0123456789abcdef')).toBe('0123456789ab');
    expect(ellipsis('"sleep 1000000000000000"', 20)).toBe('"sleep 100000000000…');
  });
});
