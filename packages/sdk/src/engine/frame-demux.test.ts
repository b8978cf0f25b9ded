import { describe, expect, it } from 'vitest';
import { demultiplex } from './frame-demux.js';

function frame(type: number, text: string): Buffer {
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
}

async function all(chunks: Buffer[]): Promise<string[]> {
  const out: string[] = [];
  for await (const f of demultiplex((async function* () { yield* chunks; })())) out.push(`${f.stream}:${f.data.toString()}`);
  return out;
}

describe('demultiplex', () => {
  it('splits frames across and within chunks', async () => {
    const bytes = Buffer.concat([frame(1, 'out'), frame(2, 'err'), frame(1, 'more')]);
    expect(await all([bytes])).toEqual(['stdout:out', 'stderr:err', 'stdout:more']);
    const pieces = [bytes.subarray(0, 3), bytes.subarray(3, 12), bytes.subarray(12)];
    expect(await all(pieces)).toEqual(['stdout:out', 'stderr:err', 'stdout:more']);
  });
});
