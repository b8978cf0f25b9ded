// Case 4: many distinct random blobs pushed at once, each with a monolithic upload (POST,
// then PUT of the file streamed), from one Node process with a keep-alive agent allowing one
// connection per push. A sample is the wall time from the first POST to the last 201.
import path from 'node:path';
import { alternate } from '../../lib/alternate.mjs';
import { freshen, writeRandomFile } from '../blobs.mjs';
import { syncDisks } from '../disk.mjs';
import { registryClient } from '../http-client.mjs';

const NAME = 'bench/concurrent';

export const concurrentPush = {
  id: 'concurrent-push',
  async measure({ registries, opts, log, dataDir }) {
    const n = opts.concurrent;
    const mib = opts.concurrentBytes / 2 ** 20;
    log(`concurrent: writing ${n} random files of ${mib} MiB`);
    const files = Array.from({ length: n }, (_, i) => writeRandomFile(path.join(dataDir, `concurrent-${i}.bin`), opts.concurrentBytes));
    const clients = new Map(registries.map((r) => [r.name, registryClient(r.url, { maxSockets: n })]));
    try {
      log(`${n} concurrent pushes of ${mib} MiB: ${opts.runs} runs per registry, alternating`);
      const results = await alternate(registries, opts, async (r) => {
        const blobs = await Promise.all(files.map(freshen));
        syncDisks();
        const client = clients.get(r.name);
        const t0 = performance.now();
        const each = await Promise.all(blobs.map(async (b) => {
          await client.pushBlob(NAME, b);
          return performance.now() - t0;
        }));
        const ms = performance.now() - t0;
        return { ms, fastestPushMs: Math.min(...each) };
      });
      return [{
        id: 'concurrent-push',
        title: `${n} concurrent pushes of ${mib} MiB`,
        unit: 'ms',
        target: 1.0,
        bytes: n * opts.concurrentBytes,
        results,
      }];
    } finally {
      for (const c of clients.values()) c.close();
    }
  },
};
