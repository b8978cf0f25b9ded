// An image layer holding one file: a tar (one ustar header, the file, padding, two zero
// blocks), written as it is or gzip-compressed, hashed as it is written. Used for the OCI
// layout skopeo copies, the tar `docker import` reads and the images the pull cases serve.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/**
 * Writes the layer of `{ file, size }` to dest; resolves with { file: dest, digest, size, diffId }:
 * digest and size of the bytes written, diffId the digest of the uncompressed tar.
 */
export async function writeTarLayer(dest, { file, size }, { entryName = 'random.bin', gzip = false } = {}) {
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  let written = 0;
  const tap = (hash, count) => async function* (source) {
    for await (const chunk of source) {
      hash.update(chunk);
      if (count) written += chunk.length;
      yield chunk;
    }
  };
  const stages = [tarStream(entryName, file, size), tap(diff, false)];
  // Level 1: random data does not compress at any level; this keeps the untimed set-up short.
  if (gzip) stages.push(createGzip({ level: 1 }));
  await pipeline(...stages, tap(blob, true), createWriteStream(dest));
  const diffId = `sha256:${diff.digest('hex')}`;
  return { file: dest, digest: gzip ? `sha256:${blob.digest('hex')}` : diffId, size: written, diffId };
}

async function* tarStream(entryName, file, size) {
  yield ustarHeader(entryName, size);
  yield* createReadStream(file, { highWaterMark: 2 ** 20 });
  yield Buffer.alloc((512 - (size % 512)) % 512 + 1024);
}

export function tarSize(size) {
  return 512 + Math.ceil(size / 512) * 512 + 1024;
}

function ustarHeader(name, size) {
  const h = Buffer.alloc(512);
  const field = (offset, length, text) => h.write(text, offset, length, 'ascii');
  const octal = (offset, length, n) => field(offset, length, `${n.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, name);
  octal(100, 8, 0o644); // mode
  octal(108, 8, 0); // uid
  octal(116, 8, 0); // gid
  octal(124, 12, size);
  octal(136, 12, 0); // mtime
  h.fill(' ', 148, 156); // checksum counts as spaces while summing
  field(156, 1, '0'); // regular file
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}
