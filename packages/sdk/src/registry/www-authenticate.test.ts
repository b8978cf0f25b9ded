import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from './www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it('reads a Bearer challenge whose scope holds commas', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull,push"'))
      .toEqual([{ scheme: 'bearer', params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:team/app:pull,push' } }]);
  });

  it('splits several challenges in one value and across values', () => {
    const challenges = parseWwwAuthenticate(['Basic realm="berth, the registry"', 'BEARER Realm="http://127.0.0.1:1/token", error="insufficient_scope"']);
    expect(challenges).toEqual([
      { scheme: 'basic', params: { realm: 'berth, the registry' } },
      { scheme: 'bearer', params: { realm: 'http://127.0.0.1:1/token', error: 'insufficient_scope' } },
    ]);
    expect(parseWwwAuthenticate('Basic realm="a" , Bearer realm="b",scope="x y"').map((c) => c.scheme)).toEqual(['basic', 'bearer']);
  });

  it('unescapes quoted values and accepts bare tokens and spaces around =', () => {
    expect(parseWwwAuthenticate('Bearer realm = "a \\"quoted\\" realm", service=registry.local')).toEqual([
      { scheme: 'bearer', params: { realm: 'a "quoted" realm', service: 'registry.local' } },
    ]);
  });

  it('gives nothing for a missing or empty header', () => {
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});
