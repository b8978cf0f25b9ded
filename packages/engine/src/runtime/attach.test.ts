import { EventEmitter } from 'node:events';
import type { SeqpacketSocket } from 'node-unix-socket';
import { describe, expect, it } from 'vitest';
import { AttachSession, type OutputChunk } from './attach.js';

/** Stands in for conmon's end of the attach socket. */
class FakeSocket extends EventEmitter {
  written: Buffer[] = [];
  ended = false;
  destroyed = false;
  write(buf: Buffer, offset: number, length: number, cb: () => void): void {
    this.written.push(Buffer.from(buf.subarray(offset, offset + length)));
    cb();
  }
  end(): void { this.ended = true; }
  destroy(): void { this.destroyed = true; }
  packet(pipe: number, text: string): void {
    this.emit('data', Buffer.concat([Buffer.from([pipe]), Buffer.from(text)]));
  }
}

const session = (fake: FakeSocket, max?: number) => new AttachSession(fake as unknown as SeqpacketSocket, max);

describe('AttachSession', () => {
  it('splits packets into stdout and stderr by their first byte and ends with conmon', async () => {
    const fake = new FakeSocket();
    const s = session(fake);
    fake.packet(2, 'out');
    fake.packet(3, 'err');
    fake.packet(9, 'ignored');
    fake.emit('end');
    const chunks: OutputChunk[] = [];
    for await (const c of s) chunks.push(c);
    expect(chunks.map((c) => [c.stream, c.data.toString()])).toEqual([['stdout', 'out'], ['stderr', 'err']]);
    expect(s.closed).toBe(true);
    await s.done;
  });

  it('writes stdin raw in packets conmon can read whole, and half-closes', async () => {
    const fake = new FakeSocket();
    const s = session(fake);
    await s.write(Buffer.alloc(20000, 'a'));
    expect(fake.written.map((b) => b.length)).toEqual([8192, 8192, 3616]);
    s.closeStdin();
    expect(fake.ended).toBe(true);
    await expect(s.write(Buffer.from('late'))).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });

  it('fails the iteration instead of buffering without bound', async () => {
    const fake = new FakeSocket();
    const s = session(fake, 10);
    fake.packet(2, '123456');
    fake.packet(2, '789012');
    const it = s[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('delivers to data listeners without queueing', () => {
    const fake = new FakeSocket();
    const s = session(fake, 4);
    const seen: string[] = [];
    s.on('data', (c: OutputChunk) => seen.push(c.data.toString()));
    fake.packet(2, 'a long line of output');
    fake.packet(3, 'more');
    expect(seen).toEqual(['a long line of output', 'more']);
  });
});
