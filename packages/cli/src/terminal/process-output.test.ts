import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProcessOutput, type OutputStream } from './process-output.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-output-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A stream that keeps what it is given; `opened` counts how often the output asked for it. */
function collector(): { open: () => OutputStream; text: () => string; opened: () => number } {
  const chunks: Buffer[] = [];
  let opened = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { open: () => (opened++, stream), text: () => Buffer.concat(chunks).toString(), opened: () => opened };
}

const fail = (err: Error) => {
  throw err;
};

describe('ProcessOutput', () => {
  it('writes to a file at once and in order, without opening the stream', () => {
    const file = path.join(dir, 'out');
    const fd = fs.openSync(file, 'w');
    const sink = collector();
    const out = new ProcessOutput(fd, sink.open, fail);
    out.write('one\n');
    out.write('twö\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('one\ntwö\n');
    expect(out.isTTY).toBe(false);
    let flushed = false;
    out.flush(() => (flushed = true));
    expect(flushed).toBe(true);
    expect(sink.opened()).toBe(0);
    fs.closeSync(fd);
  });

  it('goes through the stream once a command has taken it', async () => {
    const file = path.join(dir, 'out');
    const fd = fs.openSync(file, 'w');
    const sink = collector();
    const out = new ProcessOutput(fd, sink.open, fail);
    out.write('direct\n');
    expect(out.stream).toBeDefined();
    out.write('streamed\n');
    await new Promise<void>((resolve) => out.flush(resolve));
    expect(fs.readFileSync(file, 'utf8')).toBe('direct\n');
    expect(sink.text()).toBe('streamed\n');
    fs.closeSync(fd);
  });

  it('hands what a full non-blocking pipe refuses to the stream, nothing lost', () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Read-write, so opening does not wait for a reader; non-blocking, so a full pipe says EAGAIN.
    const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    const sink = collector();
    const out = new ProcessOutput(fd, sink.open, fail);
    const text = Array.from({ length: 40_000 }, (_, i) => `line ${i}\n`).join(''); // ≈ 350 KB, over a pipe's 64 KiB
    out.write(text);
    expect(sink.opened()).toBe(1);
    const inPipe: Buffer[] = [];
    const buf = Buffer.alloc(65536);
    for (;;) {
      try {
        const n = fs.readSync(fd, buf);
        if (n === 0) break;
        inPipe.push(Buffer.from(buf.subarray(0, n)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') break;
        throw err;
      }
    }
    const piped = Buffer.concat(inPipe).toString();
    expect(piped.length).toBeGreaterThan(0);
    expect(piped + sink.text()).toBe(text);
    fs.closeSync(fd);
  });

  it('reports a reader that has gone as EPIPE', () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    fs.closeSync(reader);
    const errors: string[] = [];
    const out = new ProcessOutput(fd, collector().open, (err) => errors.push(err.code ?? ''));
    out.write('nobody reads this\n');
    expect(errors).toEqual(['EPIPE']);
    fs.closeSync(fd);
  });
});
