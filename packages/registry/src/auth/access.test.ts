import { describe, expect, it } from 'vitest';
import { covers, formatScope, parseScope, parseScopes, requiredAccess } from './access.js';

describe('parseScope', () => {
  it('reads a repository scope with several actions', () => {
    expect(parseScope('repository:team/web:pull,push')).toEqual([{ type: 'repository', name: 'team/web', actions: ['pull', 'push'] }]);
  });

  it('reads the catalog scope and space-separated scopes, merging the same resource', () => {
    expect(parseScope('registry:catalog:* repository:a:pull repository:a:push')).toEqual([
      { type: 'registry', name: 'catalog', actions: ['*'] },
      { type: 'repository', name: 'a', actions: ['pull', 'push'] },
    ]);
  });

  it('accepts a resource class and an empty action list', () => {
    expect(parseScope('repository(plugin):sam/vol:pull')[0]?.type).toBe('repository(plugin)');
    expect(parseScope('repository:a:')).toEqual([{ type: 'repository', name: 'a', actions: [] }]);
  });

  it.each([
    ['repository:team/web', /expected type:name:actions/],
    ['repository', /expected type:name:actions/],
    ['Repository:a:pull', /resource type/],
    ['repository:Team/Web:pull', /resource name/],
    ['repository:a/../b:pull', /resource name/],
    ['repository::pull', /resource name/],
    ['repository:a:pull;rm', /action "pull;rm"/],
    [`repository:${'a'.repeat(256)}:pull`, /resource name/],
  ])('refuses %s', (scope, message) => {
    expect(() => parseScope(scope)).toThrow(message);
  });

  it('merges every scope parameter of a token request', () => {
    const params = new URLSearchParams('service=s&scope=repository:a:pull&scope=repository:a:push&scope=repository:b:pull');
    expect(formatScope(parseScopes(params))).toBe('repository:a:pull,push repository:b:pull');
  });
});

describe('covers', () => {
  it('needs every action, and * covers everything', () => {
    const needed = [{ type: 'repository', name: 'a', actions: ['pull', 'push'] }];
    expect(covers([{ type: 'repository', name: 'a', actions: ['pull'] }], needed)).toBe(false);
    expect(covers([{ type: 'repository', name: 'a', actions: ['push', 'pull'] }], needed)).toBe(true);
    expect(covers([{ type: 'repository', name: 'a', actions: ['*'] }], needed)).toBe(true);
    expect(covers([{ type: 'repository', name: 'b', actions: ['*'] }], needed)).toBe(false);
    expect(covers([], [])).toBe(true);
  });
});

describe('requiredAccess', () => {
  const repo = (name: string, ...actions: string[]) => [{ type: 'repository', name, actions }];

  it.each([
    ['GET', '/v2/', []],
    ['GET', '/v2', []],
    ['GET', '/v2/_catalog?n=10', [{ type: 'registry', name: 'catalog', actions: ['*'] }]],
    ['GET', '/v2/team/web/manifests/latest', repo('team/web', 'pull')],
    ['HEAD', '/v2/team/web/manifests/sha256:abc', repo('team/web', 'pull')],
    ['PUT', '/v2/team/web/manifests/v1', repo('team/web', 'pull', 'push')],
    ['DELETE', '/v2/team/web/manifests/sha256:abc', repo('team/web', 'delete')],
    ['GET', '/v2/a/blobs/sha256:abc', repo('a', 'pull')],
    ['HEAD', '/v2/a/blobs/sha256:abc', repo('a', 'pull')],
    ['DELETE', '/v2/a/blobs/sha256:abc', repo('a', 'delete')],
    ['POST', '/v2/a/blobs/uploads/', repo('a', 'pull', 'push')],
    ['PATCH', '/v2/a/blobs/uploads/0b7c-uuid', repo('a', 'pull', 'push')],
    ['PUT', '/v2/a/blobs/uploads/0b7c-uuid?digest=sha256:abc', repo('a', 'pull', 'push')],
    ['GET', '/v2/a/blobs/uploads/0b7c-uuid', repo('a', 'pull', 'push')],
    ['DELETE', '/v2/a/blobs/uploads/0b7c-uuid', repo('a', 'pull', 'push')],
    ['GET', '/v2/a/tags/list?n=5&last=x', repo('a', 'pull')],
    ['GET', '/v2/a/referrers/sha256:abc?artifactType=x', repo('a', 'pull')],
    // names may contain the route words themselves
    ['GET', '/v2/x/blobs/uploads/blobs/sha256:abc', repo('x/blobs/uploads', 'pull')],
    ['GET', '/v2/manifests/manifests/latest', repo('manifests', 'pull')],
  ])('%s %s', (method, url, expected) => {
    expect(requiredAccess(method, url)).toEqual(expected);
  });

  it('asks pull on the source of a cross-repository mount', () => {
    expect(requiredAccess('POST', '/v2/b/blobs/uploads/?mount=sha256:abc&from=a')).toEqual([
      { type: 'repository', name: 'b', actions: ['pull', 'push'] },
      { type: 'repository', name: 'a', actions: ['pull'] },
    ]);
  });

  it.each([
    ['GET', '/v1/_ping'],
    ['GET', '/v2/a'],
    ['POST', '/v2/a/manifests/latest'],
    ['DELETE', '/v2/a/tags/list'],
    ['DELETE', '/v2/_catalog'],
    ['PUT', '/v2/'],
  ])('is null for %s %s, which is no route', (method, url) => {
    expect(requiredAccess(method, url)).toBeNull();
  });
});
