import { describe, expect, it } from 'vitest';
import { BuildError, ProgressError } from '../errors.js';
import type { ProgressMessage } from '../protocol/images.js';
import { progressHandle } from './progress-handle.js';

async function* messages(list: ProgressMessage[]): AsyncGenerator<ProgressMessage> {
  for (const m of list) {
    await Promise.resolve();
    yield m;
  }
}

describe('progressHandle', () => {
  it('settles with the result after the last message, and progress replays every message', async () => {
    const handle = progressHandle('pull', Promise.resolve(messages([{ status: 'Pulling' }, { status: 'Done' }])), (seen) => seen.length);
    expect(await handle).toBe(2);
    const statuses: (string | undefined)[] = [];
    for await (const m of handle.progress) statuses.push(m.status);
    expect(statuses).toEqual(['Pulling', 'Done']);
  });

  it('rejects with a ProgressError when the stream carries an error mid-way, and progress throws it too', async () => {
    const handle = progressHandle('pull', Promise.resolve(messages([{ status: 'Downloading' }, { error: 'blob unknown', errorDetail: { message: 'blob unknown' } }])), () => 0);
    const seen: ProgressMessage[] = [];
    const iterated = (async () => {
      for await (const m of handle.progress) seen.push(m);
    })();
    await expect(iterated).rejects.toBeInstanceOf(ProgressError);
    await expect(handle.done).rejects.toMatchObject({ operation: 'pull', message: 'blob unknown' });
    expect(seen).toHaveLength(2);
  });

  it('names the failing build step', async () => {
    const handle = progressHandle('build', Promise.resolve(messages([
      { stream: 'Step 1/2 : FROM busybox\n' },
      { stream: 'Step 2/2 : RUN false\n' },
      { errorDetail: { code: 1, message: "The command '/bin/sh -c false' returned a non-zero code: 1" } },
    ])), () => ({ id: '' }));
    const err = await handle.done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect(err).toMatchObject({ step: 'Step 2/2 : RUN false', exitCode: 1, message: expect.stringContaining('non-zero code: 1') });
  });
});
