// Case 3: one repository with many tags of one small image, then the full tag list
// (GET /v2/<name>/tags/list, no n). Setup tags it with PUT manifest by tag from a keep-alive
// Node client, 8 requests in flight; a sample is one GET on a warm keep-alive connection,
// from sending the request to the last byte of the body.
import { alternate } from '../../lib/alternate.mjs';
import { pool } from '../../lib/stats.mjs';
import { sha256 } from '../blobs.mjs';
import { registryClient } from '../http-client.mjs';
import { OCI_CONFIG } from '../oci-layout.mjs';

const NAME = 'bench/tags';
const SETUP_CONCURRENCY = 8;

export const tagsList = {
  id: 'tags-list',
  async measure({ registries, opts, log }) {
    const config = Buffer.from('{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}');
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
      layers: [],
    }));
    const tags = Array.from({ length: opts.tags }, (_, i) => `t${String(i + 1).padStart(5, '0')}`);
    const clients = new Map(registries.map((r) => [r.name, registryClient(r.url, { maxSockets: SETUP_CONCURRENCY })]));
    const ready = [];
    const failed = new Map();
    const extra = {};
    try {
      for (const r of registries) {
        const client = clients.get(r.name);
        log(`${r.name}: pushing one image and tagging it ${opts.tags} times`);
        const t0 = performance.now();
        try {
          await client.pushBlob(NAME, { digest: sha256(config), size: config.length, buffer: config });
          await pool(tags, SETUP_CONCURRENCY, (tag) => client.putManifest(NAME, tag, manifest));
          const setupMs = performance.now() - t0;
          extra[r.name] = { tags: opts.tags, setupMs, tagPutsPerSecond: opts.tags / (setupMs / 1000) };
          log(`${r.name}: ${opts.tags} tags in ${(setupMs / 1000).toFixed(1)} s`);
          ready.push(r);
        } catch (err) {
          failed.set(r.name, err.message);
        }
      }

      log(`GET tags/list with ${opts.tags} tags: ${opts.listRuns} runs per registry, alternating`);
      const results = await alternate(ready, { ...opts, runs: opts.listRuns }, async (r) => {
        const t0 = performance.now();
        const res = await clients.get(r.name).request('GET', `/v2/${NAME}/tags/list`, { expect: [200] });
        const ms = performance.now() - t0;
        const body = JSON.parse(res.body.toString('utf8'));
        const listed = body.tags?.length ?? 0;
        if (listed !== opts.tags) throw new Error(`tags/list returned ${listed} tags, not ${opts.tags}${res.headers.link ? ` (Link: ${res.headers.link})` : ''}`);
        extra[r.name].responseBytes = res.body.length;
        return ms;
      });
      for (const [name, error] of failed) results.set(name, { samples: [], parts: {}, error });
      for (const [name, e] of Object.entries(extra)) Object.assign(results.get(name), { extra: e });
      return [{ id: 'tags-list', title: `GET tags/list (${opts.tags} tags)`, unit: 'ms', target: 1.0, limit: 50, results }];
    } finally {
      for (const c of clients.values()) c.close();
    }
  },
};
