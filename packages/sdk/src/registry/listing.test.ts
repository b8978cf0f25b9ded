import { describe, expect, it } from 'vitest';
import { nextLink } from './listing.js';

describe('nextLink', () => {
  it('finds the next page of a Link header', () => {
    expect(nextLink('</v2/_catalog?last=b&n=2>; rel="next"')).toBe('/v2/_catalog?last=b&n=2');
    expect(nextLink('<https://r.example/v2/a/tags/list?n=1&last=x>; rel=next')).toBe('https://r.example/v2/a/tags/list?n=1&last=x');
    expect(nextLink('</first>; rel="prev", </second?a=1,2>; rel="next"')).toBe('/second?a=1,2');
  });

  it('gives nothing without a next relation', () => {
    expect(nextLink(undefined)).toBeUndefined();
    expect(nextLink('</v2/_catalog?last=b>; rel="prev"')).toBeUndefined();
    expect(nextLink('</v2/_catalog?last=b>; rel="nextish"')).toBeUndefined();
  });
});
