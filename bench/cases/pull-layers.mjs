// `docker pull` of an image the engine does not have, from the bench's registry. The image
// (random gzip-compressed layers, Docker schema 2) is pushed there once by the Node client,
// not by either daemon. A sample is one pull; after it (untimed) the image ID is checked and
// the image removed, with every one of its layers, so the next pull starts from nothing.
import { alternate } from '../lib/alternate.mjs';
import { syncDisks } from '../registry/disk.mjs';
import { TRANSFER_TIMEOUT_MS, pushRandomImage, removeIfPresent, removeImage, transferSampling } from './registry-images.mjs';

function pullCase({ id, title, layers, layerMiB, target }) {
  return {
    id,
    usesRegistry: true,
    async measure({ daemons, cli, opts, log, registry, dataDir }) {
      log(`${title}: pushing the image to the registry (${layers} × ${layerMiB} MiB random, gzip)`);
      const image = await pushRandomImage(registry, `bench/${id}`, { layers, layerBytes: layerMiB * 2 ** 20, dataDir });
      for (const d of daemons) await removeIfPresent(cli(d), image.ref, image.chainIds);
      log(`${title}: ${opts.transferRuns} runs per daemon, alternating (image removed after each)`);
      const results = await alternate(daemons, transferSampling(opts), async (d) => {
        syncDisks(); // the last removal's writes are flushed before the clock starts, not during
        const pulled = await cli(d).run(['pull', image.ref], { timeoutMs: TRANSFER_TIMEOUT_MS });
        const got = (await cli(d).run(['image', 'inspect', '--format', '{{.Id}}', image.ref])).stdout.trim();
        if (got !== image.imageId) throw new Error(`pulled ${image.ref} has image ID ${got}, the registry's config is ${image.imageId}`);
        await removeImage(cli(d), image.ref, image.chainIds);
        return pulled.ms;
      });
      return [{ id, title, unit: 'ms', target, bytes: image.bytes, results }];
    },
  };
}

export const pull256 = pullCase({ id: 'pull-256', title: 'pull 256 MiB layer', layers: 1, layerMiB: 256, target: 0.5 });
export const pull10x8 = pullCase({ id: 'pull-10x8', title: 'pull 10 × 8 MiB layers', layers: 10, layerMiB: 8, target: 0.5 });
