import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readExitFile, waitExitFile } from './exit-file.js';

describe('exit files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'berth-exit-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Write the file the way conmon does: a temporary name, then rename. */
  const record = async (id: string, text: string) => {
    await writeFile(path.join(dir, `${id}.tmp`), text);
    await rename(path.join(dir, `${id}.tmp`), path.join(dir, id));
  };

  it('reads a recorded code and null when there is none', async () => {
    expect(await readExitFile(dir, 'a')).toBeNull();
    await record('a', '137');
    expect(await readExitFile(dir, 'a')).toBe(137);
  });

  it('resolves when the file appears, ignoring other containers', async () => {
    const wait = waitExitFile(dir, 'b');
    let settled = false;
    void wait.then(() => { settled = true; });
    await record('other', '1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    await record('b', '42');
    expect(await wait).toBe(42);
  });

  it('resolves at once for an existing file', async () => {
    await record('c', '0');
    expect(await waitExitFile(dir, 'c')).toBe(0);
  });

  it('stops waiting when aborted', async () => {
    const ctl = new AbortController();
    const wait = waitExitFile(dir, 'd', ctl.signal);
    ctl.abort(new Error('client went away'));
    await expect(wait).rejects.toThrow('client went away');
  });

  it('rejects a file that holds no exit code', async () => {
    await record('e', 'garbage');
    await expect(waitExitFile(dir, 'e')).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
