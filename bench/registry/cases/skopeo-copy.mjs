// Case 2: `skopeo copy` of an image whose one layer is an uncompressed tar of a large random
// file, from an OCI layout dir into the registry and back out into a fresh OCI layout dir.
// Every sample builds a new layout first (fresh random bytes, so skopeo finds no blob the
// registry already has), then times the push and the pull separately.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { alternate } from '../../lib/alternate.mjs';
import { freshen, writeRandomFile } from '../blobs.mjs';
import { syncDisks } from '../disk.mjs';
import { REF_NAME, writeOciLayout } from '../oci-layout.mjs';
import { skopeoPull, skopeoPush } from '../skopeo.mjs';
import { tarSize } from '../tar-layer.mjs';

export const skopeoCopy = {
  id: 'skopeo-copy',
  async measure({ registries, opts, log, dataDir }) {
    const mib = opts.blobBytes / 2 ** 20;
    log(`skopeo: writing a ${mib} MiB random file`);
    const file = writeRandomFile(path.join(dataDir, 'layer-content.bin'), opts.blobBytes);
    log(`skopeo copy of a ${mib} MiB layer, oci → registry → oci: ${opts.runs} runs per registry, alternating`);
    let n = 0;
    const results = await alternate(registries, opts, async (r) => {
      const i = n++;
      const src = path.join(dataDir, `oci-src-${i}`);
      const dest = path.join(dataDir, `oci-dest-${i}`);
      try {
        const layout = await writeOciLayout(src, await freshen(file));
        syncDisks();
        const image = `bench/skopeo:run${i}`;
        const push = await skopeoPush(layout.ref, r, image);
        syncDisks();
        const pull = await skopeoPull(r, image, `oci:${dest}:${REF_NAME}`);
        const index = JSON.parse(readFileSync(path.join(dest, 'index.json'), 'utf8'));
        const got = index.manifests?.[0]?.digest;
        if (got !== layout.manifestDigest) {
          throw new Error(`the pulled image has manifest ${got}, the pushed one ${layout.manifestDigest}`);
        }
        return { ms: push.ms, pullMs: pull.ms };
      } finally {
        rmSync(src, { recursive: true, force: true });
        rmSync(dest, { recursive: true, force: true });
      }
    });
    const pulls = new Map([...results].map(([name, r]) => [name, { samples: r.parts.pullMs ?? [], parts: {}, error: r.error }]));
    for (const r of results.values()) delete r.parts.pullMs;
    const bytes = tarSize(opts.blobBytes);
    return [
      { id: 'skopeo-push', title: `skopeo copy oci → registry (${mib} MiB layer)`, unit: 'ms', target: 1.0, bytes, results },
      { id: 'skopeo-pull', title: `skopeo copy registry → oci (${mib} MiB layer)`, unit: 'ms', target: 1.0, bytes, results: pulls },
    ];
  },
};
