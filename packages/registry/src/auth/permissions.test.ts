import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTHENTICATED_FULL_ACCESS, globMatches, loadPermissions, parsePermissions } from './permissions.js';

const table = parsePermissions({
  users: {
    alice: [{ repository: '*', actions: ['*'] }, { catalog: true }],
    ci: [{ repository: 'team/*', actions: ['pull', 'push'] }],
    bob: [{ repository: 'tools/?', actions: ['delete'] }],
  },
  authenticated: [{ repository: '${user}/*', actions: ['pull', 'push', 'delete'] }],
  anonymous: [{ repository: 'public/*', actions: ['pull'] }],
});

describe('permissions', () => {
  it('grants only the listed actions on matching repositories', () => {
    expect(table.allowed('ci', 'team/web', ['pull', 'push', 'delete'])).toEqual(['pull', 'push']);
    expect(table.allowed('ci', 'team/web/api', ['push'])).toEqual(['push']);
    expect(table.allowed('ci', 'team', ['pull'])).toEqual([]);
    expect(table.allowed('ci', 'other/web', ['pull'])).toEqual([]);
    expect(table.allowed('alice', 'anything/at/all', ['delete', 'pull'])).toEqual(['pull', 'delete']);
  });

  it('gives anonymous only the anonymous rules, and everyone at least those', () => {
    expect(table.allowed(null, 'public/busybox', ['pull', 'push'])).toEqual(['pull']);
    expect(table.allowed(null, 'team/web', ['pull'])).toEqual([]);
    expect(table.allowed('ci', 'public/busybox', ['pull'])).toEqual(['pull']);
    expect(table.allowed('mallory', 'team/web', ['pull'])).toEqual([]);
  });

  it('gives each authenticated user their own namespace through ${user}', () => {
    expect(table.allowed('mallory', 'mallory/app', ['push'])).toEqual(['push']);
    expect(table.allowed('mallory', 'ci/app', ['push'])).toEqual([]);
    expect(table.allowed(null, '/app', ['pull'])).toEqual([]);
  });

  it('? matches one character within a path component', () => {
    expect(table.allowed('bob', 'tools/x', ['delete'])).toEqual(['delete']);
    expect(table.allowed('bob', 'tools/xy', ['delete'])).toEqual([]);
  });

  it('grants the catalog only to users with a catalog rule', () => {
    const catalog = { type: 'registry', name: 'catalog', actions: ['*'] };
    expect(table.grant('alice', catalog).actions).toEqual(['*']);
    expect(table.grant('ci', catalog).actions).toEqual([]);
    expect(table.grant(null, catalog).actions).toEqual([]);
    expect(table.grant('alice', { type: 'other', name: 'x', actions: ['*'] }).actions).toEqual([]);
  });

  it('treats glob metacharacters in names and user names literally', () => {
    expect(globMatches('a.b/*', 'axb/c')).toBe(false);
    expect(globMatches('${user}/*', 'abc/x', 'a.c')).toBe(false);
    expect(globMatches('${user}/*', 'a.c/x', 'a.c')).toBe(true);
  });

  it('lets every authenticated user do everything by default, and anonymous nothing', () => {
    expect(AUTHENTICATED_FULL_ACCESS.allowed('anyone', 'x/y', ['pull', 'push', 'delete'])).toEqual(['pull', 'push', 'delete']);
    expect(AUTHENTICATED_FULL_ACCESS.allowed(null, 'x/y', ['pull'])).toEqual([]);
    expect(AUTHENTICATED_FULL_ACCESS.grant('anyone', { type: 'registry', name: 'catalog', actions: ['*'] }).actions).toEqual(['*']);
  });

  it.each([
    [[], /must be a JSON object/],
    [{ user: {} }, /unknown key "user"/],
    [{ users: { a: {} } }, /"users.a" must be a list/],
    [{ users: { a: [{ repository: 'x' }] } }, /users.a\[0\].actions must be a non-empty list/],
    [{ anonymous: [{ repository: 'x', actions: ['write'] }] }, /anonymous\[0\]: unknown action "write"/],
    [{ anonymous: [{ actions: ['pull'] }] }, /needs "repository"/],
    [{ anonymous: [{ repository: 'x', actions: ['pull'], owner: 'y' }] }, /unknown key "owner"/],
  ])('refuses a malformed document %j', (doc, message) => {
    expect(() => parsePermissions(doc, 'perms.json')).toThrow(message);
  });
});

describe('loadPermissions', () => {
  const dir = mkdtemp(join(tmpdir(), 'berth-perms-'));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));

  it('loads a JSON file', async () => {
    const file = join(await dir, 'ok.json');
    await writeFile(file, JSON.stringify({ anonymous: [{ repository: '*', actions: ['pull'] }] }));
    expect((await loadPermissions(file)).allowed(null, 'a', ['pull'])).toEqual(['pull']);
  });

  it('names the file when it is missing or not JSON', async () => {
    const file = join(await dir, 'bad.json');
    await writeFile(file, '{ users: ');
    await expect(loadPermissions(file)).rejects.toThrow(`permissions file ${file} is not valid JSON`);
    await expect(loadPermissions(join(await dir, 'none.json'))).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });
});
