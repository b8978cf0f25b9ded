// Case 1: one large random blob pushed with a streamed monolithic upload and pulled back,
// curl as the client. A sample is one registry's push (POST + PUT, the parts kept) and then
// its pull of that blob; every sample pushes content new to the registry.
import path from 'node:path';
import { alternate } from '../../lib/alternate.mjs';
import { freshen, writeRandomFile } from '../blobs.mjs';
import { curlPullBlob, curlPushBlob } from '../curl.mjs';
import { syncDisks } from '../disk.mjs';

const NAME = 'bench/blob';

export const blobCurl = {
  id: 'blob-curl',
  async measure({ registries, opts, log, dataDir }) {
    const mib = opts.blobBytes / 2 ** 20;
    log(`blob: writing a ${mib} MiB random file`);
    const blob = writeRandomFile(path.join(dataDir, 'blob.bin'), opts.blobBytes);
    log(`blob: curl push + pull of ${mib} MiB: ${opts.runs} runs per registry, alternating`);
    const results = await alternate(registries, opts, async (r) => {
      const fresh = await freshen(blob);
      syncDisks(); // earlier writes are flushed before the clock starts, not during
      const push = await curlPushBlob(r, NAME, fresh);
      const pull = await curlPullBlob(r, NAME, fresh);
      return { ...push, pullMs: pull.ms, pullCurlMs: pull.curlMs };
    });
    const pulls = new Map([...results].map(([name, r]) => [name, {
      samples: r.parts.pullMs ?? [],
      parts: { curlMs: r.parts.pullCurlMs ?? [] },
      error: r.error,
    }]));
    for (const r of results.values()) {
      delete r.parts.pullMs;
      delete r.parts.pullCurlMs;
    }
    return [
      { id: 'blob-push', title: `curl push ${mib} MiB blob (POST + PUT)`, unit: 'ms', target: 0.5, bytes: opts.blobBytes, results },
      { id: 'blob-pull', title: `curl pull ${mib} MiB blob (GET)`, unit: 'ms', target: 1.0, bytes: opts.blobBytes, results: pulls },
    ];
  },
};
