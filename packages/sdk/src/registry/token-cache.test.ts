import { describe, expect, it } from 'vitest';
import { TokenCache } from './token-cache.js';

describe('TokenCache', () => {
  it('keeps a token per registry and scope until shortly before it expires', async () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    let fetches = 0;
    const fetch = async () => ({ token: `t${++fetches}`, expiresInSeconds: 60 });
    const key = TokenCache.key('127.0.0.1:5000', ['repository:a:pull']);
    expect(await cache.getOrFetch(key, fetch)).toBe('t1');
    now += 50_000;
    expect(await cache.getOrFetch(key, fetch)).toBe('t1');
    expect(await cache.getOrFetch(TokenCache.key('127.0.0.1:5000', ['repository:b:pull']), fetch)).toBe('t2');
    expect(await cache.getOrFetch(TokenCache.key('127.0.0.1:5001', ['repository:a:pull']), fetch)).toBe('t3');
    now += 5_000; // 55 s of 60: within the renewal margin
    expect(await cache.getOrFetch(key, fetch)).toBe('t4');
  });

  it('shares one fetch between concurrent callers and forgets failures', async () => {
    const cache = new TokenCache();
    let fetches = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = async () => {
      fetches++;
      await gate;
      return { token: 'shared', expiresInSeconds: 300 };
    };
    const both = Promise.all([cache.getOrFetch('k', slow), cache.getOrFetch('k', slow)]);
    release();
    expect(await both).toEqual(['shared', 'shared']);
    expect(fetches).toBe(1);

    await expect(cache.getOrFetch('bad', async () => { throw new Error('token service down'); })).rejects.toThrow('down');
    expect(await cache.getOrFetch('bad', async () => ({ token: 'ok', expiresInSeconds: 60 }))).toBe('ok');
    cache.delete('bad');
    expect(cache.get('bad')).toBeUndefined();
  });
});
