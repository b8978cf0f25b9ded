import { describe, expect, it } from 'vitest';
import { matchRoute } from './router.js';

describe('matchRoute', () => {
  it('recognises every endpoint by its tail, with slashes in the name', () => {
    expect(matchRoute('/v2/')).toEqual({ route: 'base', name: '', param: '' });
    expect(matchRoute('/v2/_catalog')).toEqual({ route: 'catalog', name: '', param: '' });
    expect(matchRoute('/v2/a/b/manifests/latest')).toEqual({ route: 'manifest', name: 'a/b', param: 'latest' });
    expect(matchRoute('/v2/a/blobs/sha256%3Aab')).toEqual({ route: 'blob', name: 'a', param: 'sha256:ab' });
    expect(matchRoute('/v2/a/blobs/uploads/')).toEqual({ route: 'uploads', name: 'a', param: '' });
    expect(matchRoute('/v2/a/blobs/uploads')).toEqual({ route: 'uploads', name: 'a', param: '' });
    expect(matchRoute('/v2/a/blobs/uploads/123')).toEqual({ route: 'upload', name: 'a', param: '123' });
    expect(matchRoute('/v2/a/tags/list')).toEqual({ route: 'tags', name: 'a', param: '' });
    expect(matchRoute('/v2/a/referrers/sha256:x')).toEqual({ route: 'referrers', name: 'a', param: 'sha256:x' });
  });

  it('lets a name contain route words', () => {
    expect(matchRoute('/v2/x/manifests/y/manifests/v1')).toEqual({ route: 'manifest', name: 'x/manifests/y', param: 'v1' });
    expect(matchRoute('/v2/blobs/blobs/uploads/u')).toEqual({ route: 'upload', name: 'blobs', param: 'u' });
  });

  it('knows nothing else', () => {
    expect(matchRoute('/')).toBeNull();
    expect(matchRoute('/v1/x/manifests/y')).toBeNull();
    expect(matchRoute('/v2/x')).toBeNull();
    expect(matchRoute('/v2/x/manifests/')).toBeNull();
  });
});
