import type { Readable } from 'node:stream';
import { RegistryError } from '../errors.js';
import type { FileWriter } from './storage-driver.js';
import type { HashState } from './upload-hashes.js';

/** What a blob's bytes may arrive as. */
export type ByteSource = AsyncIterable<Uint8Array> | Readable;

const BATCH_BYTES = 1024 * 1024;

/**
 * Appends `source` to `writer` and hashes it in one pass. Small chunks are gathered into
 * writes of about 1 MiB; one write is in flight while the next batch is read and the current
 * one hashed. `state.offset` counts the bytes handed to the writer and hashed, so after a
 * failure `writer.size === state.offset` tells whether the hash still matches the file.
 * When the source fails, what arrived before is still written (a client resumes from there).
 * More than `maxBytes` fails with SIZE_INVALID.
 */
export async function appendHashing(
  source: ByteSource,
  writer: FileWriter,
  state: HashState,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<void> {
  let batch: Uint8Array[] = [];
  let batched = 0;
  let received = 0;
  let inFlight: Promise<void> = Promise.resolve();

  const submit = async (): Promise<void> => {
    if (batched === 0) return;
    const chunk = batch.length === 1 && batch[0] ? batch[0] : Buffer.concat(batch, batched);
    batch = [];
    batched = 0;
    await inFlight;
    inFlight = writer.write(chunk);
    inFlight.catch(() => undefined); // awaited later; this only marks it handled meanwhile
    state.hash.update(chunk);
    state.offset += chunk.byteLength;
  };

  try {
    for await (const raw of source as AsyncIterable<Uint8Array | string>) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      received += chunk.byteLength;
      if (received > maxBytes) {
        throw new RegistryError('INVALID_ARGUMENT', `blob is larger than the expected ${maxBytes} bytes`, {
          ociCode: 'SIZE_INVALID',
        });
      }
      if (chunk.byteLength === 0) continue;
      batch.push(chunk);
      batched += chunk.byteLength;
      if (batched >= BATCH_BYTES) await submit();
    }
  } catch (err) {
    await submit()
      .then(() => inFlight)
      .catch(() => undefined);
    throw err;
  }
  await submit();
  await inFlight;
}
