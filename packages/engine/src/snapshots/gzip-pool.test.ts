import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { isEngineError } from '../errors.js';
import { gzipMember } from '../images/parallel-gzip.js';
import { GzipPool } from './gzip-pool.js';

let pool: GzipPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const text = (seed: number, bytes: number): Buffer => Buffer.from(`block ${seed}: some text that compresses well\n`.repeat(bytes / 40)).subarray(0, bytes);

describe('compressing blocks in worker threads', () => {
  it('gives each caller the member of its own block, the same bytes as compressing it here', async () => {
    pool = new GzipPool(2);
    const blocks = Array.from({ length: 8 }, (_, i) => (i % 4 === 3 ? randomBytes(300_000) : text(i, 1_000_000 + i)));
    // The pool takes the blocks' memory: compare against copies.
    const copies = blocks.map((b) => Buffer.from(b));
    const members = await Promise.all(blocks.map((b) => pool!.compress(b, { level: 1, memLevel: 9 })));
    members.forEach((member, i) => {
      expect(gunzipSync(member).equals(copies[i]!)).toBe(true);
      expect(member.equals(gzipMember(copies[i]!, { level: 1, memLevel: 9 }))).toBe(true);
    });
    // A block that does not compress is stored: no smaller, hardly larger.
    expect(members[3]!.length).toBeGreaterThanOrEqual(300_000);
    expect(members[3]!.length).toBeLessThan(300_200);
  });

  it('takes a small block (from Node\'s shared buffer pool) and an empty one', async () => {
    pool = new GzipPool(1);
    const small = Buffer.from('tiny');
    expect(gunzipSync(await pool.compress(small, { level: 1 })).toString()).toBe('tiny');
    expect(gunzipSync(await pool.compress(Buffer.alloc(0), { level: 1 })).length).toBe(0);
  });

  it('refuses blocks once closed', async () => {
    pool = new GzipPool(1);
    await pool.compress(text(1, 1000), { level: 1 });
    await pool.close();
    const refused = await pool.compress(text(2, 1000), { level: 1 }).catch((err: unknown) => err);
    expect(isEngineError(refused, 'UNAVAILABLE')).toBe(true);
  });
});
