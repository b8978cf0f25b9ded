// `docker push` of a one-layer image, the layer a tar of a 256 MiB random file, to the bench's
// registry. Every sample pushes content the registry has never seen: before it (untimed) the
// random file's first bytes are rewritten, the tar written again and `docker import`ed as a
// new tag, so nothing can be skipped as "already exists". The image is removed afterwards.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { alternate } from '../lib/alternate.mjs';
import { freshen, writeRandomFile } from '../registry/blobs.mjs';
import { syncDisks } from '../registry/disk.mjs';
import { registryClient } from '../registry/http-client.mjs';
import { tarSize, writeTarLayer } from '../registry/tar-layer.mjs';
import { DOCKER_MANIFEST, TRANSFER_TIMEOUT_MS, removeImage, transferSampling } from './registry-images.mjs';

const MIB = 256;
const REPOSITORY = 'bench/push';

export const pushLayer = {
  id: 'push-256',
  usesRegistry: true,
  async measure({ daemons, cli, opts, log, registry, dataDir }) {
    log(`push: writing a ${MIB} MiB random file`);
    const content = writeRandomFile(path.join(dataDir, 'push-content.bin'), MIB * 2 ** 20);
    const tarFile = path.join(dataDir, 'push-layer.tar');
    const client = registryClient(registry.url, { maxSockets: 1 });
    let n = 0;
    try {
      log(`push ${MIB} MiB layer: ${opts.transferRuns} runs per daemon, alternating (fresh image imported before each)`);
      const results = await alternate(daemons, transferSampling(opts), async (d) => {
        const tag = `${d.name}-${n++}`;
        const ref = `${registry.hostPort}/${REPOSITORY}:${tag}`;
        const layer = await writeTarLayer(tarFile, await freshen(content));
        const imported = await cli(d).run(['import', tarFile, ref], { timeoutMs: TRANSFER_TIMEOUT_MS });
        rmSync(tarFile);
        syncDisks(); // the import's writes are flushed before the clock starts, not during
        const pushed = await cli(d).run(['push', ref], { timeoutMs: TRANSFER_TIMEOUT_MS });
        if (!/: Pushed$/m.test(pushed.stdout)) throw new Error(`docker push ${ref} reports no layer pushed: ${pushed.stdout.trim()}`);
        const pushedBytes = await pushedLayerSize(client, tag);
        await removeImage(cli(d), ref, [layer.diffId]);
        return { ms: pushed.ms, importMs: imported.ms, pushedBytes };
      });
      return [{ id: 'push-256', title: `push ${MIB} MiB layer`, unit: 'ms', target: 0.33, bytes: tarSize(MIB * 2 ** 20), results }];
    } finally {
      client.close();
    }
  },
};

/** Checks the registry holds the pushed tag and its one layer blob; resolves with that blob's size. */
async function pushedLayerSize(client, tag) {
  const res = await client.request('GET', `/v2/${REPOSITORY}/manifests/${tag}`, {
    headers: { accept: `${DOCKER_MANIFEST}, application/vnd.oci.image.manifest.v1+json` },
    expect: [200],
  });
  const layers = JSON.parse(res.body.toString('utf8')).layers ?? [];
  if (layers.length !== 1) throw new Error(`the pushed manifest of ${REPOSITORY}:${tag} has ${layers.length} layers, not 1`);
  await client.request('HEAD', `/v2/${REPOSITORY}/blobs/${layers[0].digest}`, { expect: [200] });
  return layers[0].size;
}
