// An OCI image layout dir (for `skopeo copy oci:DIR:TAG …`) holding one image whose single
// layer is an uncompressed tar of a random file: the tar is written here (one ustar header,
// the file, padding, two zero blocks), hashed as it is written.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OCI_MANIFEST } from './http-client.mjs';
import { sha256 } from './blobs.mjs';

export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const REF_NAME = 'bench';

/** Writes the layout to dir; resolves with { dir, ref, manifestDigest, layer: { digest, size } }. */
export async function writeOciLayout(dir, { file, size }, entryName = 'random.bin') {
  const blobs = path.join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');

  const tmp = path.join(dir, 'layer.tmp');
  const hash = createHash('sha256');
  const out = createWriteStream(tmp);
  const tar = new PassThrough({ highWaterMark: 2 ** 20 });
  const written = pipeline(tar, async function* (source) {
    for await (const chunk of source) {
      hash.update(chunk);
      yield chunk;
    }
  }, out);
  const put = (buf) => (tar.write(buf) ? undefined : new Promise((r) => tar.once('drain', r)));
  await put(ustarHeader(entryName, size));
  for await (const chunk of createReadStream(file, { highWaterMark: 2 ** 20 })) await put(chunk);
  await put(Buffer.alloc((512 - (size % 512)) % 512 + 1024));
  tar.end();
  await written;
  const layer = { mediaType: OCI_LAYER_TAR, digest: `sha256:${hash.digest('hex')}`, size: tarSize(size) };
  renameSync(tmp, path.join(blobs, layer.digest.slice(7)));

  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
    layers: [layer],
  }));
  const manifestDigest = sha256(manifest);
  writeFileSync(path.join(blobs, sha256(config).slice(7)), config);
  writeFileSync(path.join(blobs, manifestDigest.slice(7)), manifest);
  writeFileSync(path.join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: OCI_MANIFEST, digest: manifestDigest, size: manifest.length,
      annotations: { 'org.opencontainers.image.ref.name': REF_NAME } }],
  }));
  return { dir, ref: `oci:${dir}:${REF_NAME}`, manifestDigest, layer };
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
