import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { randomBlob } from './support/oci.js';
import { pushBlob, startTestRegistry, type TestRegistry } from './support/registry.js';

// Blobs of several MiB go out through reused read buffers (src/api/send-file.ts): every byte must
// arrive in order, whole or by ranges across buffer boundaries, for many clients at once, and a
// client that leaves mid-blob must not disturb the next ones.
let registry: TestRegistry;
let url: string;
beforeAll(async () => {
  registry = await startTestRegistry();
  url = registry.url;
});
afterAll(async () => registry?.destroy());

const MiB = 1024 * 1024;

describe('serving blobs', () => {
  it('sends large blobs whole and by ranges across buffer boundaries, to many clients at once', async () => {
    const blobs = [randomBlob(5 * MiB + 123), randomBlob(3 * MiB - 1), randomBlob(MiB)];
    for (const blob of blobs) await pushBlob(url, 'serve/big', blob);
    const wanted = blobs.flatMap((blob) => [
      { blob, range: undefined },
      { blob, range: [MiB - 7, 3 * MiB + 5] as const },
      { blob, range: [blob.data.length - 10, blob.data.length - 1] as const },
    ]);
    const replies = await Promise.all(Array.from({ length: 4 }, () => wanted).flat().map(async ({ blob, range }) => {
      const [start, end] = range ?? [0, blob.data.length - 1];
      const last = Math.min(end, blob.data.length - 1);
      const r = await request(`${url}/v2/serve/big/blobs/${blob.digest}`, range ? { headers: { range: `bytes=${start}-${end}` } } : {});
      return { r, expected: blob.data.subarray(start, last + 1), status: range ? 206 : 200 };
    }));
    for (const { r, expected, status } of replies) {
      expect(r.status).toBe(status);
      expect(r.body.length).toBe(expected.length);
      expect(r.body.equals(expected)).toBe(true);
    }
  });

  it('cuts a client that leaves mid-blob and serves the next one whole', async () => {
    const blob = randomBlob(16 * MiB);
    await pushBlob(url, 'serve/left', blob);
    const received = await new Promise<number>((resolve, reject) => {
      const req = http.get(`${url}/v2/serve/left/blobs/${blob.digest}`, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes >= MiB) req.destroy(); // gone after the first MiB, with most of the blob unsent
        });
        res.on('close', () => resolve(bytes));
      });
      req.on('error', () => undefined);
      req.setTimeout(10_000, () => reject(new Error('no answer')));
    });
    expect(received).toBeLessThan(blob.data.length);
    const again = await request(`${url}/v2/serve/left/blobs/${blob.digest}`);
    expect(again.status).toBe(200);
    expect(again.body.equals(blob.data)).toBe(true);
  });
});
