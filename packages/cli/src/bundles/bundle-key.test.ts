import { describe, expect, it } from 'vitest';
import { bundleKey } from './bundle-key.js';

describe('bundleKey', () => {
  const stat = { size: 100, mtimeMs: 1.5, ino: 7 };
  it('changes with the file, its size, time, inode and the Node runtime', () => {
    const base = bundleKey('/a.cjs', stat, 'v20/x64');
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(bundleKey('/a.cjs', stat, 'v20/x64')).toBe(base);
    for (const other of [
      bundleKey('/b.cjs', stat, 'v20/x64'),
      bundleKey('/a.cjs', { ...stat, size: 101 }, 'v20/x64'),
      bundleKey('/a.cjs', { ...stat, mtimeMs: 1.6 }, 'v20/x64'),
      bundleKey('/a.cjs', { ...stat, ino: 8 }, 'v20/x64'),
      bundleKey('/a.cjs', stat, 'v22/x64'),
    ]) expect(other).not.toBe(base);
  });
});
