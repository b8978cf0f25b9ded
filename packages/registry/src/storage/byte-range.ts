import { Readable } from 'node:stream';
import { RegistryError } from '../errors.js';

/** Bytes `start` to `end` of a blob, both inclusive as in HTTP `Range: bytes=start-end`; no `end` means to the last byte. */
export interface BlobRange {
  start: number;
  end?: number;
}

/**
 * Where a range starts and how long it is in a blob of `size` bytes. An `end` past the blob
 * is clamped to its last byte (as HTTP does); a `start` at or past the end is RANGE_INVALID.
 */
export function resolveRange(range: BlobRange, size: number, what: string): { start: number; length: number } {
  const { start, end } = range;
  const valid =
    Number.isSafeInteger(start) && start >= 0 && (end === undefined || (Number.isSafeInteger(end) && end >= start));
  if (!valid || start >= size) {
    const shown = `${start}-${end ?? ''}`;
    throw new RegistryError('INVALID_ARGUMENT', `range ${shown} cannot be satisfied for ${what} (${size} bytes)`, {
      ociCode: 'RANGE_INVALID',
      detail: { size },
    });
  }
  const last = Math.min(end ?? size - 1, size - 1);
  return { start, length: last - start + 1 };
}

/** The first `length` bytes of `source`; `source` is destroyed once they are through (or on early close). */
export function takeBytes(source: Readable, length: number): Readable {
  async function* take(): AsyncGenerator<Buffer> {
    let left = length;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (chunk.byteLength >= left) {
        yield chunk.subarray(0, left);
        return;
      }
      left -= chunk.byteLength;
      yield chunk;
    }
  }
  return Readable.from(take(), { objectMode: false, highWaterMark: 1024 * 1024 });
}
