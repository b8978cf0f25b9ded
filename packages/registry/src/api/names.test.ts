import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { checkDigest, checkRepositoryName, isRepositoryName, isTag } from './names.js';

describe('repository names', () => {
  it.each(['a', 'library/ubuntu', 'team/web/api', 'a.b_c__d---e', 'x0/y1', 'a'.repeat(255)])('accepts %s', (name) => {
    expect(isRepositoryName(name)).toBe(true);
  });

  it.each(['', 'A', 'a/', '/a', 'a//b', 'a..b', 'a___b', '-a', 'a-', 'a/../b', '..', 'a b', 'a%2fb', 'a'.repeat(256), 'a:b'])(
    'refuses %j with NAME_INVALID',
    (name) => {
      expect(isRepositoryName(name)).toBe(false);
      expect(() => checkRepositoryName(name)).toThrow(ApiError);
      try {
        checkRepositoryName(name);
      } catch (err) {
        expect((err as ApiError).code).toBe('NAME_INVALID');
        expect((err as ApiError).status).toBe(400);
      }
    },
  );
});

describe('tags and digests', () => {
  it('tags follow the spec grammar', () => {
    expect(isTag('latest')).toBe(true);
    expect(isTag('_v1.2-rc')).toBe(true);
    expect(isTag('a'.repeat(128))).toBe(true);
    expect(isTag('a'.repeat(129))).toBe(false);
    expect(isTag('.hidden')).toBe(false);
    expect(isTag('-x')).toBe(false);
    expect(isTag('a/b')).toBe(false);
  });

  it('digests must be sha256 or sha512 in lowercase hex of the right length', () => {
    const hex = 'a'.repeat(64);
    expect(checkDigest(`sha256:${hex}`)).toBe(`sha256:${hex}`);
    expect(checkDigest(`sha512:${'b'.repeat(128)}`)).toBe(`sha512:${'b'.repeat(128)}`);
    for (const bad of [`sha256:${'A'.repeat(64)}`, `sha256:${hex}0`, 'sha256:baddigeststring', `md5:${hex}`, `sha256:../${hex}`, '', null]) {
      expect(() => checkDigest(bad as string)).toThrow(expect.objectContaining({ code: 'DIGEST_INVALID', status: 400 }));
    }
  });
});
