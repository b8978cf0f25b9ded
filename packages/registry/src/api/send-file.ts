import type { ServerResponse } from 'node:http';
import { RegistryError } from '../errors.js';
import type { RequestContext } from './context.js';
import type { RandomAccessFile } from '../storage/storage-driver.js';

/** Bytes read from the file at once. */
const CHUNK_BYTES = 1024 * 1024;
/** Chunks of one response read or on their way to its socket: one is read while the others are sent. */
const CHUNKS_IN_FLIGHT = 4;
/** Chunk buffers kept for the next responses (64 MiB); more than that are left to the garbage collector. */
const POOL_MAX = 64;
const pool: Buffer[] = [];

/**
 * Sends `length` bytes of `file` from `start` as the body of `res` (whose head is written), through a
 * few buffers that are reused: each goes back to reading once the socket has taken it (the write's
 * callback), and back to a shared pool when the response ends. A fresh buffer per chunk, as a read
 * stream allocates, costs a 256 MiB blob 256 mmap'd buffers, their page faults and the collections
 * their external memory triggers: more than reading and sending the bytes. The writes' callbacks are
 * the back-pressure (at most CHUNKS_IN_FLIGHT chunks wait in the response). Rejects when the client
 * goes away or the file ends early; the caller then cuts the connection. Closes nothing.
 */
export async function sendFile(file: RandomAccessFile, start: number, length: number, res: ServerResponse): Promise<void> {
  const sending: { buffer: Buffer; written: Promise<Error | null | undefined> }[] = [];
  let intact = true;
  try {
    for (let position = start, end = start + length; position < end; ) {
      let buffer: Buffer;
      if (sending.length < CHUNKS_IN_FLIGHT) buffer = pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
      else {
        const oldest = sending.shift()!;
        const err = await oldest.written;
        if (err) throw err;
        buffer = oldest.buffer;
      }
      const read = await file.read(buffer.subarray(0, Math.min(CHUNK_BYTES, end - position)), position);
      if (read === 0) throw new RegistryError('INTERNAL', `the file ended at ${position} of ${end} bytes`);
      position += read;
      // The callback comes once the socket has the bytes, or with an error when the response was destroyed.
      const written = new Promise<Error | null | undefined>((resolve) => res.write(buffer.subarray(0, read), resolve));
      sending.push({ buffer, written });
    }
    for (const { written } of sending) {
      const err = await written;
      if (err) throw err;
    }
    await new Promise<void>((resolve) => res.end(resolve));
  } catch (err) {
    intact = false; // a buffer whose write failed may still be referenced by the socket: not reused
    throw err;
  } finally {
    if (intact) for (const { buffer } of sending) if (pool.length < POOL_MAX) pool.push(buffer);
  }
}

/**
 * The response body of a GET: `sendFile`, then the file closed. When the client went away or storage failed
 * mid-stream the status is out already, so the connection is cut and the cause logged; false then.
 */
export async function sendBody(ctx: RequestContext, file: RandomAccessFile, start: number, length: number): Promise<boolean> {
  try {
    await sendFile(file, start, length, ctx.res);
    return true;
  } catch (err) {
    ctx.res.destroy();
    ctx.logFields.aborted = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return false;
  } finally {
    await file.close();
  }
}
