import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withHostLock } from './host-lock.js';

describe('withHostLock', () => {
  it('runs holders one at a time and breaks a lock left by a dead process', async () => {
    const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'bt-lock-')), 'lock');
    const order: string[] = [];
    const hold = (name: string) => withHostLock(dir, async () => {
      order.push(`${name}+`);
      await new Promise((r) => setTimeout(r, 30));
      order.push(`${name}-`);
    });
    await Promise.all([hold('a'), hold('b')]);
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-']);

    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'pid'), '999999999');
    expect(await withHostLock(dir, async () => 'got it')).toBe('got it');
    await expect(fs.access(dir)).rejects.toThrow();
    await fs.rm(path.dirname(dir), { recursive: true, force: true });
  });
});
