import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ParallelGzip } from './parallel-gzip.js';

const compress = (data: Buffer, blockSize: number, parallel = 3) =>
  buffer(Readable.from(chunks(data, 7_000)).pipe(new ParallelGzip({ level: 1, blockSize, parallel })));

function* chunks(data: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

describe('ParallelGzip', () => {
  it('emits members in input order that gunzip back to the input', async () => {
    const data = Buffer.concat([randomBytes(50_000), Buffer.alloc(200_000, 'a'), randomBytes(33_333)]);
    for (const blockSize of [1, 16_384, 65_536, 1 << 20]) {
      const out = await compress(data, blockSize);
      expect(gunzipSync(out).equals(data), `blockSize ${blockSize}`).toBe(true);
    }
  });

  it('is read whole by the gzip tool, not just its first member', async () => {
    if (!existsSync('/bin/gzip') && !existsSync('/usr/bin/gzip')) return;
    const data = Buffer.alloc(300_000, 'xyz');
    const out = await compress(data, 50_000);
    expect(execFileSync('gzip', ['-dc'], { input: out }).equals(data)).toBe(true);
  });

  it('compresses nothing to nothing', async () => {
    expect((await compress(Buffer.alloc(0), 1024)).length).toBe(0);
  });
});

describe('ParallelGzip on data that does not compress', () => {
  it('stores random blocks instead of compressing them, and still compresses the blocks that do', async () => {
    const noise = randomBytes(1 << 20);
    const text = Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(24_000)).subarray(0, 1 << 20);
    const data = Buffer.concat([noise, text, noise]);
    const out = await compress(data, 1 << 20);
    expect(gunzipSync(out).equals(data)).toBe(true);
    // The random blocks cost their size plus framing; the text block a small fraction of its size.
    expect(out.length).toBeGreaterThan(2 * noise.length);
    expect(out.length).toBeLessThan(2 * noise.length + text.length / 10);
  });
});
