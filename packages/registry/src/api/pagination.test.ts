import { describe, expect, it } from 'vitest';
import { MAX_PAGE, pageRequest, pageResult } from './pagination.js';

describe('pagination', () => {
  it('asks one more than the page and links to the next page when there is one', () => {
    const request = pageRequest(new URLSearchParams('n=2&last=b'));
    expect(request.query).toEqual({ n: 3, last: 'b' });
    expect(pageResult(['c', 'd', 'e'], request, '/v2/r/tags/list')).toEqual({
      items: ['c', 'd'],
      link: '</v2/r/tags/list?last=d&n=2>; rel="next"',
    });
    expect(pageResult(['c', 'd'], request, '/v2/r/tags/list')).toEqual({ items: ['c', 'd'] });
  });

  it('gives an empty page without a link for n=0 and caps n', () => {
    expect(pageResult(['a'], pageRequest(new URLSearchParams('n=0')), '/x')).toEqual({ items: [] });
    expect(pageRequest(new URLSearchParams('n=999999')).n).toBe(MAX_PAGE);
    expect(pageRequest(new URLSearchParams('')).n).toBe(MAX_PAGE);
  });

  it('gives everything without n when told to, and still pages when n is given', () => {
    const all = pageRequest(new URLSearchParams('last=b'), Infinity);
    expect(all.query).toEqual({ last: 'b' });
    const many = Array.from({ length: MAX_PAGE + 5 }, (_, i) => `t${i}`);
    expect(pageResult(many, all, '/x')).toEqual({ items: many });
    expect(pageRequest(new URLSearchParams('n=2'), Infinity).query).toEqual({ n: 3 });
  });

  it('refuses an n that is not a whole number', () => {
    for (const n of ['-1', 'x', '1.5']) {
      expect(() => pageRequest(new URLSearchParams({ n }))).toThrow(expect.objectContaining({ code: 'PAGINATION_NUMBER_INVALID', status: 400 }));
    }
  });
});
