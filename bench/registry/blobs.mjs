// Random test blobs on disk. Each file is filled with random bytes once; before every sample
// its first bytes are rewritten with fresh random ones, so every push carries content no
// registry has seen (no deduplication, no "blob exists" short cut) without regenerating the
// whole file. The file stays in the page cache, the same for every registry.
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';

const CHUNK = 8 * 2 ** 20;
const PREFIX = 64;

export function writeRandomFile(file, size) {
  const fd = openSync(file, 'w');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let done = 0; done < size; done += CHUNK) {
      const n = Math.min(CHUNK, size - done);
      randomFillSync(buf, 0, n);
      writeSync(fd, buf, 0, n);
    }
  } finally {
    closeSync(fd);
  }
  return { file, size };
}

/** Rewrites the first bytes of a random file; resolves with its new { file, size, digest }. */
export async function freshen({ file, size }) {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, randomBytes(Math.min(PREFIX, size)), 0, Math.min(PREFIX, size), 0);
  } finally {
    closeSync(fd);
  }
  return { file, size, digest: await sha256File(file) };
}

export async function sha256File(file) {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: 2 ** 20 }), hash);
  return `sha256:${hash.digest('hex')}`;
}

export function sha256(buf) {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}
