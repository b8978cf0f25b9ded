import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { appendFile, lstat, mkdir, mkdtemp, open, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentDigests, type KnownDigests, NO_DIGESTS } from './content-digests.js';
import { extractTree } from './extract.js';
import { makeTar } from './tar-fixtures.js';
import { packTree } from './tree-tar.js';

let base: string;
let root: string;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'berth-content-digests-'));
  root = path.join(base, 'ctx');
  await mkdir(root);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const sha = (text: string | Buffer): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const big = Buffer.alloc(3 * 1024 * 1024 + 5, 'x');

async function unpackContext(): Promise<ContentDigests> {
  const digests = new ContentDigests();
  const archive = await makeTar([
    { name: 'a.txt', body: 'alpha\n', mtime: new Date(1_000_000) },
    { name: 'dir/', type: 'directory' },
    { name: 'dir/big.bin', body: big },
    { name: 'dir/empty', body: '' },
    { name: 'hard', type: 'link', linkname: 'a.txt' },
    { name: 'sym', type: 'symlink', linkname: 'a.txt' },
  ]);
  await extractTree(Readable.from([archive]), root, {}, digests);
  return digests;
}

/** The summary tar of the context (content digests instead of contents, times archived as 0), as one buffer. */
async function summary(known: KnownDigests): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const handle = await open(root, constants.O_RDONLY | constants.O_DIRECTORY);
  for await (const chunk of packTree(handle, { clampMtime: new Date(0), summary: known })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('content digests of an unpacked context', () => {
  it('records the sha256 of every regular file as it is written, hard links included', async () => {
    const digests = await unpackContext();
    expect(digests.known(await lstat(path.join(root, 'a.txt')))).toBe(sha('alpha\n'));
    expect(digests.known(await lstat(path.join(root, 'hard')))).toBe(sha('alpha\n'));
    expect(digests.known(await lstat(path.join(root, 'dir/big.bin')))).toBe(sha(big));
    expect(digests.known(await lstat(path.join(root, 'dir/empty')))).toBe(sha(''));
  });

  it('forgets a file that changed after it was recorded (content, or only its times)', async () => {
    const digests = await unpackContext();
    await appendFile(path.join(root, 'a.txt'), 'more\n');
    expect(digests.known(await lstat(path.join(root, 'a.txt')))).toBeUndefined();
    await utimes(path.join(root, 'dir/empty'), new Date(5000), new Date(5000));
    expect(digests.known(await lstat(path.join(root, 'dir/empty')))).toBeUndefined();
    expect(digests.known(await lstat(path.join(root, 'dir/big.bin')))).toBe(sha(big));
  });

  it('gives the same summary whether the digests are known or the files are read, and it ignores times', async () => {
    const digests = await unpackContext();
    const fromRecord = await summary(digests);
    expect(fromRecord).toEqual(await summary(NO_DIGESTS));
    // Only the digest text goes in, not the 3 MiB.
    expect(fromRecord.length).toBeLessThan(16 * 1024);
    expect(fromRecord.includes(Buffer.from(sha(big)))).toBe(true);
    await utimes(path.join(root, 'dir/big.bin'), new Date(9_000_000), new Date(9_000_000));
    expect(await summary(digests)).toEqual(fromRecord);
  });

  it('uses a recorded digest instead of reading the file, and reads a changed file again', async () => {
    const digests = await unpackContext();
    const file = path.join(root, 'dir/big.bin');
    digests.record(await lstat(file), 'sha256:recorded');
    expect((await summary(digests)).includes(Buffer.from('sha256:recorded'))).toBe(true);
    await appendFile(file, 'y');
    const after = await summary(digests);
    expect(after.includes(Buffer.from('sha256:recorded'))).toBe(false);
    expect(after.includes(Buffer.from(sha(Buffer.concat([big, Buffer.from('y')]))))).toBe(true);
  });
});
