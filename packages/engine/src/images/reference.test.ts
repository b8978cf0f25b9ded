import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { familiarString, normalizeReference, parseDigest, parseReference, parseRepoTag } from './reference.js';

// The reference grammar and its cases live in @berth/sdk (src/registry/reference.test.ts);
// these check what the engine adds: the same answers, and errors as EngineErrors.
const HEX = 'a'.repeat(64);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('engine image references', () => {
  it('parse and normalise the way docker does', () => {
    expect(parseReference('localhost:5000/demo-built:1')).toEqual({ domain: 'localhost:5000', path: 'demo-built', tag: '1' });
    expect(normalizeReference('docker.io/library/demo-bb:2')).toBe('demo-bb:2');
    expect(familiarString(parseRepoTag('demo-bb:1', '3'))).toBe('demo-bb:3');
    expect(parseDigest(`sha256:${HEX}`)).toBe(`sha256:${HEX}`);
  });

  it('throw EngineErrors with the code and message of the SDK', () => {
    const cases: [() => unknown, string][] = [
      [() => parseReference('Foo'), 'invalid reference format: repository name (library/Foo) must be lowercase'],
      [() => parseReference(HEX), `invalid repository name (${HEX}), cannot specify 64-byte hexadecimal strings`],
      [() => normalizeReference(''), 'invalid reference format: repository name must have at least one component'],
      [() => parseRepoTag('demo', 'bad tag'), 'invalid tag format: "bad tag"'],
      [() => parseRepoTag(`demo@sha256:${HEX}`), `cannot tag with a digest reference: demo@sha256:${HEX}`],
      [() => parseDigest(`md5:${HEX}`), 'unsupported digest algorithm: md5'],
    ];
    for (const [fn, message] of cases) {
      const err = thrown(fn);
      expect(err).toBeInstanceOf(EngineError);
      expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', message });
    }
  });
});
