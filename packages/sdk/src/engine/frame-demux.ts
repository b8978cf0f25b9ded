/** One piece of a container's output, already separated from the other stream. */
export interface OutputFrame {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

const HEADER = 8;

/**
 * Splits Docker's multiplexed stream (8-byte header: stream type, 3 zero bytes, big-endian size)
 * into frames; stdin-typed frames (type 0) are reported as stdout like the docker CLI does.
 */
export async function* demultiplex(chunks: AsyncIterable<Buffer>): AsyncGenerator<OutputFrame> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let offset = 0;
    while (pending.length - offset >= HEADER) {
      const size = pending.readUInt32BE(offset + 4);
      if (pending.length - offset - HEADER < size) break;
      const type = pending[offset]!;
      const data = pending.subarray(offset + HEADER, offset + HEADER + size);
      offset += HEADER + size;
      if (size > 0) yield { stream: type === 2 ? 'stderr' : 'stdout', data };
    }
    pending = pending.subarray(offset);
  }
}

/** A TTY's raw output: every chunk is stdout. */
export async function* rawFrames(chunks: AsyncIterable<Buffer>): AsyncGenerator<OutputFrame> {
  for await (const data of chunks) if (data.length > 0) yield { stream: 'stdout', data };
}
