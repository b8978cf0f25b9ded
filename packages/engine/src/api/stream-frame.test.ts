import { describe, expect, it } from 'vitest';
import { frame, streamWriter } from './stream-frame.js';

describe('stream framing', () => {
  it('prefixes stdout and stderr with the 8-byte header the docker CLI demultiplexes', () => {
    expect(frame('stdout', Buffer.from('hello\n'))).toEqual(Buffer.from('\x01\x00\x00\x00\x00\x00\x00\x06hello\n', 'latin1'));
    expect(frame('stderr', Buffer.from('e'))[0]).toBe(2);
  });

  it('passes TTY output through raw', () => {
    expect(streamWriter(true)('stdout', Buffer.from('x'))).toEqual(Buffer.from('x'));
  });
});
