// Images for the transfer cases, made without any daemon: random files as gzip-compressed tar
// layers, pushed with the Node registry client (layer blobs, config, Docker schema 2
// manifest), the way `docker push` leaves an image in a registry. And the removal of an
// image from a daemon that checks every layer of it went too.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { sha256, writeRandomFile } from '../registry/blobs.mjs';
import { registryClient } from '../registry/http-client.mjs';
import { writeTarLayer } from '../registry/tar-layer.mjs';

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const TRANSFER_TIMEOUT_MS = 600_000;
const ARCH = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;

/**
 * Pushes `name:latest`, an image of `layers` layers, each a tar of its own `layerBytes` random
 * file. Resolves with { ref, imageId, chainIds, bytes }: bytes is what a pull downloads.
 */
export async function pushRandomImage(registry, name, { layers, layerBytes, dataDir }) {
  const client = registryClient(registry.url, { maxSockets: 1 });
  const base = path.join(dataDir, name.replaceAll('/', '-'));
  try {
    const descriptors = [];
    const diffIds = [];
    for (let i = 0; i < layers; i++) {
      const content = writeRandomFile(`${base}-${i}.bin`, layerBytes);
      const layer = await writeTarLayer(`${base}-${i}.tar.gz`, content, { entryName: `random-${i}.bin`, gzip: true });
      await client.pushBlob(name, layer);
      rmSync(content.file);
      rmSync(layer.file);
      descriptors.push({ mediaType: DOCKER_LAYER_GZIP, digest: layer.digest, size: layer.size });
      diffIds.push(layer.diffId);
    }
    const config = Buffer.from(JSON.stringify({
      architecture: ARCH,
      os: 'linux',
      created: new Date().toISOString(),
      config: {},
      rootfs: { type: 'layers', diff_ids: diffIds },
    }));
    const configDescriptor = { mediaType: DOCKER_CONFIG, digest: sha256(config), size: config.length };
    await client.pushBlob(name, { ...configDescriptor, buffer: config });
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: configDescriptor, layers: descriptors,
    }));
    await client.putManifest(name, 'latest', manifest, DOCKER_MANIFEST);
    return {
      ref: `${registry.hostPort}/${name}:latest`,
      imageId: configDescriptor.digest,
      chainIds: chainIdsOf(diffIds),
      bytes: descriptors.reduce((sum, d) => sum + d.size, 0),
    };
  } finally {
    client.close();
  }
}

/** The layer store's keys: chain ID n is sha256("<chain ID n-1> <diff ID n>"), the first the diff ID. */
export function chainIdsOf(diffIds) {
  const out = [];
  for (const diffId of diffIds) out.push(out.length === 0 ? diffId : sha256(`${out.at(-1)} ${diffId}`));
  return out;
}

/**
 * `docker rmi ref`; throws unless the daemon reported every layer of the image (by chain ID)
 * deleted, so the next pull or push of that content starts from nothing.
 */
export async function removeImage(docker, ref, chainIds) {
  const { stdout } = await docker.run(['rmi', ref]);
  const deleted = new Set(stdout.split('\n').filter((l) => l.startsWith('Deleted: ')).map((l) => l.slice(9).trim()));
  const kept = chainIds.filter((id) => !deleted.has(id));
  if (kept.length > 0) {
    throw new Error(`docker rmi ${ref} did not delete ${kept.length} of the image's ${chainIds.length} layers (${kept.join(', ')}); it printed: ${stdout.trim()}`);
  }
}

/** Removes ref (checking its layers went) if the daemon has it. */
export async function removeIfPresent(docker, ref, chainIds) {
  const present = await docker.run(['image', 'inspect', '--format', '{{.Id}}', ref]).then(() => true, () => false);
  if (present) await removeImage(docker, ref, chainIds);
}

/** The sampling options of the transfer cases (fewer, longer samples than the latency cases). */
export function transferSampling(opts) {
  return { runs: opts.transferRuns, warmup: opts.transferWarmup, signal: opts.signal };
}
