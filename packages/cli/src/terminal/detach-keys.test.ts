import { describe, expect, it } from 'vitest';
import { DetachMatcher, parseDetachKeys } from './detach-keys.js';

describe('detach keys', () => {
  it('parses docker key specs', () => {
    expect(parseDetachKeys('ctrl-p,ctrl-q')).toEqual([16, 17]);
    expect(parseDetachKeys('ctrl-@,a')).toEqual([0, 97]);
    expect(() => parseDetachKeys('ctrl-')).toThrow(/invalid detach key/);
  });

  it('swallows the sequence, even split across reads, and detaches', () => {
    const m = new DetachMatcher([16, 17]);
    expect(m.feed(Buffer.from('ab\x10'))).toEqual({ forward: Buffer.from('ab'), detach: false });
    expect(m.feed(Buffer.from('\x11'))).toEqual({ forward: Buffer.from(''), detach: true });
  });

  it('passes a started sequence through when it is not completed', () => {
    const m = new DetachMatcher([16, 17]);
    expect(m.feed(Buffer.from('\x10x\x10\x10')).forward).toEqual(Buffer.from('\x10x\x10'));
  });
});
