import { describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import {
  familiarName, familiarString, fullName, normalizeReference, parseDigest, parseReference, parseRegistryHost, parseRepoTag,
  resolveReference, withDefaultTag,
} from './reference.js';

const HEX = 'a'.repeat(64);

describe('parseReference', () => {
  it('qualifies Docker Hub short names and keeps the short form for display', () => {
    const ref = parseReference('alpine');
    expect(ref).toEqual({ domain: 'docker.io', path: 'library/alpine' });
    expect(fullName(ref)).toBe('docker.io/library/alpine');
    expect(familiarName(ref)).toBe('alpine');
  });

  it('stores docker.io/library/x, docker.io/x and index.docker.io/x as x', () => {
    expect(normalizeReference('docker.io/library/demo-bb:2')).toBe('demo-bb:2');
    expect(normalizeReference('docker.io/demo-bb')).toBe('demo-bb:latest');
    expect(normalizeReference('index.docker.io/library/demo-bb:1')).toBe('demo-bb:1');
    expect(normalizeReference('docker.io/user/app:1')).toBe('user/app:1');
  });

  it('recognises registry hosts by a dot, a port or localhost', () => {
    expect(parseReference('localhost:5000/demo-built:1')).toEqual({ domain: 'localhost:5000', path: 'demo-built', tag: '1' });
    expect(parseReference('localhost/x')).toEqual({ domain: 'localhost', path: 'x' });
    expect(parseReference('registry.example.com/team/app')).toEqual({ domain: 'registry.example.com', path: 'team/app' });
    expect(parseReference('Registry.Example.com/app').domain).toBe('Registry.Example.com');
    expect(parseReference('[::1]:5000/app:2')).toEqual({ domain: '[::1]:5000', path: 'app', tag: '2' });
    expect(familiarString(parseReference('localhost:5000/demo:1'))).toBe('localhost:5000/demo:1');
  });

  it('treats a first component without dot or port as part of the Hub path', () => {
    expect(parseReference('user/app')).toEqual({ domain: 'docker.io', path: 'user/app' });
  });

  it('parses tags and digests', () => {
    const digest = `sha256:${HEX}`;
    expect(parseReference(`app:1.0-rc_1@${digest}`)).toEqual({ domain: 'docker.io', path: 'library/app', tag: '1.0-rc_1', digest });
    expect(familiarString(parseReference(`app@${digest}`))).toBe(`app@${digest}`);
  });

  it('adds latest only when neither tag nor digest is given', () => {
    expect(familiarString(withDefaultTag(parseReference('app')))).toBe('app:latest');
    expect(familiarString(withDefaultTag(parseReference(`app@sha256:${HEX}`)))).toBe(`app@sha256:${HEX}`);
  });

  it('rejects uppercase repository names with the dockerd wording', () => {
    expect(() => parseReference('Foo')).toThrow('invalid reference format: repository name (library/Foo) must be lowercase');
    expect(() => parseReference('user/Foo:1')).toThrow('repository name (user/Foo) must be lowercase');
  });

  it('rejects malformed references as INVALID_ARGUMENT SdkErrors', () => {
    expect(() => parseReference('a b')).toThrow(SdkError);
    for (const bad of ['', 'a b', 'app:', ':tag', 'app:tag:more', '-app', 'app//x', 'app:' + 'x'.repeat(129), `app@sha256:${'z'.repeat(64)}`, 'app@sha256:abc']) {
      expect(() => parseReference(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(() => parseReference('a/'.repeat(130) + 'a')).toThrow('must not be more than 255 characters');
  });

  it('refuses a 64-hex repository name, which would shadow an image ID', () => {
    expect(() => parseReference(HEX)).toThrow('cannot specify 64-byte hexadecimal strings');
  });
});

describe('parseRepoTag', () => {
  it('splits name:tag held in repo and lets an explicit tag win', () => {
    expect(familiarString(parseRepoTag('demo-bb:1'))).toBe('demo-bb:1');
    expect(familiarString(parseRepoTag('demo-bb'))).toBe('demo-bb:latest');
    expect(familiarString(parseRepoTag('docker.io/library/demo-bb', '2'))).toBe('demo-bb:2');
    expect(familiarString(parseRepoTag('demo-bb:1', '3'))).toBe('demo-bb:3');
  });

  it('refuses digests and bad tags', () => {
    expect(() => parseRepoTag(`demo@sha256:${HEX}`)).toThrow('digest');
    expect(() => parseRepoTag('demo', 'bad tag')).toThrow('invalid tag format');
    expect(() => parseRepoTag('demo', '.x')).toThrow('invalid tag format');
  });
});

describe('parseDigest', () => {
  it('checks algorithm and length', () => {
    expect(parseDigest(`sha256:${HEX}`)).toBe(`sha256:${HEX}`);
    expect(() => parseDigest(`md5:${HEX}`)).toThrow('unsupported digest algorithm');
    expect(() => parseDigest('sha256:abcd')).toThrow('length');
    expect(() => parseDigest(`sha256:${HEX.toUpperCase()}`)).toThrow('format');
  });
});

describe('resolveReference', () => {
  const defaultRegistry = '127.0.0.1:5000';

  it('keeps a reference that names its registry and adds latest', () => {
    expect(resolveReference('localhost:5000/team/app')).toEqual({ domain: 'localhost:5000', path: 'team/app', tag: 'latest' });
    expect(resolveReference(`registry.example.com/app@sha256:${HEX}`, { defaultRegistry })).toEqual({
      domain: 'registry.example.com', path: 'app', digest: `sha256:${HEX}`,
    });
  });

  it('puts a name without a registry into the default registry, without Docker Hub\'s library/', () => {
    expect(resolveReference('team/app:v1', { defaultRegistry })).toEqual({ domain: '127.0.0.1:5000', path: 'team/app', tag: 'v1' });
    expect(resolveReference('alpine', { defaultRegistry })).toEqual({ domain: '127.0.0.1:5000', path: 'alpine', tag: 'latest' });
    expect(() => resolveReference('team/app', { defaultRegistry: 'bad host' })).toThrow('expected host[:port]');
  });

  it('tells the user what to do when there is neither a registry nor a default', () => {
    expect(() => resolveReference('team/app:v1')).toThrow(
      'reference "team/app:v1" names no registry and no default registry is set: use a full reference such as 127.0.0.1:5000/team/app:v1, or set --default-registry',
    );
  });

  it('still refuses malformed names with the default registry set', () => {
    expect(() => resolveReference('App', { defaultRegistry })).toThrow('repository name (App) must be lowercase');
    expect(() => resolveReference(HEX, { defaultRegistry })).toThrow('cannot specify 64-byte hexadecimal strings');
  });

  it('checks default registries as host[:port]', () => {
    expect(parseRegistryHost('[::1]:5000')).toBe('[::1]:5000');
    expect(() => parseRegistryHost('http://127.0.0.1:5000')).toThrow('without a scheme');
    expect(() => parseRegistryHost('127.0.0.1:5000/x')).toThrow('expected host[:port]');
  });
});
