import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesystemSync } from './filesystem-sync.js';

/** A flush whose starts are recorded and whose ends the test decides. */
function controlledFlush() {
  const started: Array<() => void> = [];
  const flush = () => new Promise<void>((resolve) => started.push(resolve));
  return { started, flush };
}

const settled = () => new Promise((r) => setImmediate(r));

describe('FilesystemSync', () => {
  it('serves requests made during a flush with one next flush, started after they were made', async () => {
    const { started, flush } = controlledFlush();
    const sync = new FilesystemSync('/', flush);
    const first = sync.sync();
    const done: string[] = [];
    const later = [1, 2, 3].map((n) => sync.sync().then(() => done.push(`later${n}`)));
    await settled();
    expect(started).toHaveLength(1);
    started[0]!();
    await first;
    await settled();
    // The three later callers wait for a flush that began after their calls.
    expect(done).toEqual([]);
    expect(started).toHaveLength(2);
    started[1]!();
    await Promise.all(later);
    expect(done).toHaveLength(3);
    expect(started).toHaveLength(2);
  });

  it('passes a failed flush to its callers and recovers for the next', async () => {
    let fail = true;
    const sync = new FilesystemSync('/', async () => {
      if (fail) throw new Error('EIO');
    });
    await expect(sync.sync()).rejects.toThrow('EIO');
    fail = false;
    await expect(sync.sync()).resolves.toBeUndefined();
  });

  it('flushes a real filesystem', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fssync-'));
    await fs.writeFile(path.join(dir, 'f'), 'x');
    await new FilesystemSync(dir).sync();
    await fs.rm(dir, { recursive: true });
  });
});
