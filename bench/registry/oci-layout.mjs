// An OCI image layout dir (for `skopeo copy oci:DIR:TAG …`) holding one image whose single
// layer is an uncompressed tar of a random file (see tar-layer.mjs).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OCI_MANIFEST } from './http-client.mjs';
import { sha256 } from './blobs.mjs';
import { writeTarLayer } from './tar-layer.mjs';

export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const REF_NAME = 'bench';

/** Writes the layout to dir; resolves with { dir, ref, manifestDigest, layer: { digest, size } }. */
export async function writeOciLayout(dir, content, entryName = 'random.bin') {
  const blobs = path.join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');

  const tar = await writeTarLayer(path.join(dir, 'layer.tmp'), content, { entryName });
  const layer = { mediaType: OCI_LAYER_TAR, digest: tar.digest, size: tar.size };
  renameSync(tar.file, path.join(blobs, layer.digest.slice(7)));

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
