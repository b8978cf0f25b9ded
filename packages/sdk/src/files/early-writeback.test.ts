import { describe, expect, it } from 'vitest';
import { EarlyWriteback } from './early-writeback.js';

/** A file handle whose flushes the test finishes by hand. */
function fakeHandle() {
  const calls: string[] = [];
  const pending: { resolve: () => void; reject: (err: Error) => void }[] = [];
  const flush = (name: string) => () => {
    calls.push(name);
    return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return { handle: { datasync: flush('datasync'), sync: flush('sync') }, calls, pending };
}

describe('EarlyWriteback', () => {
  it('starts one background flush each time the threshold is crossed, never two at once', async () => {
    const { handle, calls, pending } = fakeHandle();
    const wb = new EarlyWriteback(handle, 100);
    wb.wrote(60);
    expect(calls).toEqual([]);
    wb.wrote(60);
    expect(calls).toEqual(['datasync']);
    wb.wrote(500); // one is running: no second
    expect(calls).toEqual(['datasync']);
    pending.shift()!.resolve();
    await wb.settle();
    wb.wrote(100);
    expect(calls).toEqual(['datasync', 'datasync']);
    const synced = wb.sync();
    pending.shift()!.resolve();
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['datasync', 'datasync', 'sync']);
    pending.shift()!.resolve();
    await synced;
  });

  it('fails sync with the error of a background flush, and starts no more flushes', async () => {
    const { handle, calls, pending } = fakeHandle();
    const wb = new EarlyWriteback(handle, 10);
    wb.wrote(10);
    pending.shift()!.reject(new Error('EIO: i/o error'));
    await expect(wb.settle()).rejects.toThrow('EIO');
    wb.wrote(10);
    expect(calls).toEqual(['datasync']);
    await expect(wb.sync()).rejects.toThrow('EIO');
    expect(calls).toEqual(['datasync']);
  });
});
