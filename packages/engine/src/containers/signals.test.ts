import { describe, expect, it } from 'vitest';
import { parseSignal, signalNumber } from './signals.js';

describe('signals', () => {
  it('accepts names with or without SIG and numbers', () => {
    expect(parseSignal('TERM')).toBe('TERM');
    expect(parseSignal('sigkill')).toBe('KILL');
    expect(parseSignal('10')).toBe('USR1');
    expect(signalNumber('KILL')).toBe(9);
  });

  it('refuses unknown signals', () => {
    expect(() => parseSignal('NOPE')).toThrow(/invalid signal: NOPE/);
    expect(() => parseSignal('999')).toThrow(/invalid signal/);
  });
});
