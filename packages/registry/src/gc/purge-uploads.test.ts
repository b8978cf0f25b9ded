import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectGarbage } from './collect-garbage.js';
import { later, openTestStores, uploadDirs, type TestStores } from './gc-test-stores.js';

const OPTIONS = { graceMs: 60 * 60_000, uploadMaxAgeMs: 60 * 60_000 };

let s: TestStores;
beforeEach(async () => {
  s = await openTestStores();
});
afterEach(async () => s.close());

/** An upload session with `size` bytes received, as POST and PATCH leave it. */
async function startSession(size: number): Promise<string> {
  const { id } = await s.metadata.createUpload('app');
  await s.blobs.startUpload(id);
  await s.blobs.appendUpload(id, Readable.from([Buffer.alloc(size, 1)]), 0);
  await s.metadata.updateUpload(id, size);
  return id;
}

describe('purging uploads', () => {
  it('purges sessions idle past the maximum age and upload directories no session owns', async () => {
    const session = await startSession(300);
    await s.blobs.startUpload('leftover-from-a-crash');
    await s.blobs.appendUpload('leftover-from-a-crash', Readable.from([Buffer.alloc(200, 2)]), 0);

    expect(await collectGarbage(s, { ...OPTIONS, now: new Date() })).toMatchObject({ uploads: [], bytesFreed: 0 });
    expect(await uploadDirs(s)).toEqual(['leftover-from-a-crash', session].sort());

    const dry = await collectGarbage(s, { ...OPTIONS, now: later(), dryRun: true });
    expect([...dry.uploads].sort()).toEqual(['leftover-from-a-crash', session].sort());
    expect(await uploadDirs(s)).toHaveLength(2);

    const report = await collectGarbage(s, { ...OPTIONS, now: later() });
    expect([...report.uploads].sort()).toEqual(['leftover-from-a-crash', session].sort());
    expect(report.bytesFreed).toBe(500);
    expect(await uploadDirs(s)).toEqual([]);
    expect(await s.metadata.upload('app', session)).toBeNull();
  });

  it('leaves an upload that a request is writing to right now, which then finishes', async () => {
    const session = await startSession(100);
    const chunk = new PassThrough();
    const appending = s.blobs.appendUpload(session, chunk, 100);
    chunk.write(Buffer.alloc(50, 3));

    const report = await collectGarbage(s, { ...OPTIONS, now: later() });
    expect(report.uploads).toEqual([]);
    chunk.end(Buffer.alloc(50, 3));
    expect(await appending).toBe(200);
    expect(await s.metadata.upload('app', session)).not.toBeNull();
    expect(await s.blobs.uploadSize(session)).toBe(200);
  });
});
