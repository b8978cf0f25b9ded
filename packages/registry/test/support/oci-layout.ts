import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { content, descriptor, imageManifest, OCI_CONFIG, OCI_LAYER, type Content, type Manifest } from './oci.js';

/** A one-file tar archive (ustar), written by hand so the test needs no tar tool. */
export function tarWithFile(name: string, data: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string): void => {
    header.write(value, offset, length, 'ascii');
  };
  const octal = (value: number, length: number): string => `${value.toString(8).padStart(length - 1, '0')}\0`;
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(data.length, 12));
  field(136, 12, octal(1_700_000_000, 12));
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024)]);
}

export interface LayoutImage {
  layer: Content;
  config: Content;
  manifest: Manifest;
}

/** An OCI image layout directory holding one small image tagged `tag` (gzip layer, config, manifest). */
export async function writeOciLayout(dir: string, tag: string, fileContent = `hello from berth ${Date.now()}\n`): Promise<LayoutImage> {
  const tar = tarWithFile('hello.txt', Buffer.from(fileContent));
  const layer = content(gzipSync(tar));
  const diffId = content(tar).digest;
  const config = content(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/hello.txt'] },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created_by: 'berth registry test' }],
  }));
  const manifest = imageManifest({ config: descriptor(config, OCI_CONFIG), layers: [descriptor(layer, OCI_LAYER)] });
  const blobs = path.join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  for (const c of [layer, config, manifest]) await writeFile(path.join(blobs, c.digest.slice('sha256:'.length)), c.data);
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(path.join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ ...descriptor(manifest, manifest.mediaType), annotations: { 'org.opencontainers.image.ref.name': tag } }],
  }));
  return { layer, config, manifest };
}
