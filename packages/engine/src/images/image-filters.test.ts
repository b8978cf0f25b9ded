import { describe, expect, it } from 'vitest';
import {
  LIST_FILTER_KEYS, PRUNE_FILTER_KEYS, globToRegExp, matchCreated, matchLabels, matchReference, parseImageFilters, parseTimestamp,
} from './image-filters.js';

const filters = (obj: Record<string, string[]>) => new Map(Object.entries(obj));
const noImages = (ref: string): Date => {
  throw new Error(`unexpected lookup of ${ref}`);
};

describe('parseImageFilters', () => {
  it('refuses keys the route does not know', () => {
    expect(() => parseImageFilters(filters({ status: ['x'] }), LIST_FILTER_KEYS, noImages)).toThrow("invalid filter 'status'");
    expect(() => parseImageFilters(filters({ before: ['x'] }), PRUNE_FILTER_KEYS, noImages)).toThrow("invalid filter 'before'");
  });

  it('reads dangling as true/1 or false/0 and nothing else', () => {
    expect(parseImageFilters(filters({ dangling: ['true'] }), LIST_FILTER_KEYS, noImages).dangling).toBe(true);
    expect(parseImageFilters(filters({ dangling: ['0'] }), LIST_FILTER_KEYS, noImages).dangling).toBe(false);
    expect(parseImageFilters(filters({}), LIST_FILTER_KEYS, noImages).dangling).toBeUndefined();
    expect(() => parseImageFilters(filters({ dangling: ['maybe'] }), LIST_FILTER_KEYS, noImages)).toThrow("invalid filter 'dangling=maybe'");
    expect(() => parseImageFilters(filters({ dangling: ['true', 'false'] }), LIST_FILTER_KEYS, noImages)).toThrow('invalid filter');
  });

  it('resolves before/since through the image lookup and parses until', () => {
    const t = new Date('2026-01-01T00:00:00Z');
    const spec = parseImageFilters(filters({ before: ['a:1'], since: ['b:1'], until: ['1767225600'] }), LIST_FILTER_KEYS, (ref) => (ref === 'a:1' ? t : new Date(0)));
    expect(spec.before).toEqual(t);
    expect(spec.since).toEqual(new Date(0));
    expect(spec.until).toEqual(t);
  });

  it('refuses a malformed reference pattern', () => {
    expect(() => parseImageFilters(filters({ reference: ['[abc'] }), LIST_FILTER_KEYS, noImages)).toThrow('syntax error in pattern');
  });
});

describe('label matching', () => {
  const spec = (labels: string[], notLabels: string[] = []) => ({ labels, notLabels, references: [] });

  it('needs every label=key or label=key=value to match', () => {
    expect(matchLabels(spec(['a']), { a: '1' })).toBe(true);
    expect(matchLabels(spec(['a=1', 'b']), { a: '1', b: '' })).toBe(true);
    expect(matchLabels(spec(['a=2']), { a: '1' })).toBe(false);
    expect(matchLabels(spec(['a']), undefined)).toBe(false);
    expect(matchLabels(spec([]), undefined)).toBe(true);
  });

  it('excludes images matching label!', () => {
    expect(matchLabels(spec([], ['keep']), { keep: 'yes' })).toBe(false);
    expect(matchLabels(spec([], ['keep=yes']), { keep: 'no' })).toBe(true);
    expect(matchLabels(spec([], ['keep']), undefined)).toBe(true);
  });
});

describe('matchCreated', () => {
  const at = (s: string) => new Date(s);
  it('keeps images strictly before/after, and until inclusive', () => {
    const base = { labels: [], notLabels: [], references: [] };
    expect(matchCreated({ ...base, before: at('2026-01-02') }, at('2026-01-01'))).toBe(true);
    expect(matchCreated({ ...base, before: at('2026-01-01') }, at('2026-01-01'))).toBe(false);
    expect(matchCreated({ ...base, since: at('2026-01-01') }, at('2026-01-02'))).toBe(true);
    expect(matchCreated({ ...base, until: at('2026-01-01') }, at('2026-01-01'))).toBe(true);
    expect(matchCreated({ ...base, until: at('2026-01-01') }, at('2026-01-02'))).toBe(false);
  });
});

describe('reference patterns (Go path.Match, Docker FamiliarMatch)', () => {
  it('matches name:tag or the bare name', () => {
    expect(matchReference('demo-bb', 'demo-bb:1')).toBe(true);
    expect(matchReference('demo-bb:1', 'demo-bb:1')).toBe(true);
    expect(matchReference('demo-bb:2', 'demo-bb:1')).toBe(false);
    expect(matchReference('demo-*', 'demo-bb:1')).toBe(true);
    expect(matchReference('*:1', 'demo-bb:1')).toBe(true);
    expect(matchReference('localhost:5000/*', 'localhost:5000/app:1')).toBe(true);
    expect(matchReference('app', `app@sha256:${'a'.repeat(64)}`)).toBe(true);
  });

  it('does not let * or ? cross a slash', () => {
    expect(matchReference('*', 'user/app:1')).toBe(false);
    expect(matchReference('*/*', 'user/app:1')).toBe(true);
    expect(globToRegExp('a?c').test('a/c')).toBe(false);
    expect(globToRegExp('[a-c]x').test('bx')).toBe(true);
    expect(globToRegExp('[^a-c]x').test('bx')).toBe(false);
    expect(globToRegExp('a.b').test('aXb')).toBe(false);
  });
});

describe('parseTimestamp', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it('reads Go durations relative to now, Unix seconds and RFC 3339', () => {
    expect(parseTimestamp('10m', now)).toEqual(new Date('2026-01-01T11:50:00Z'));
    expect(parseTimestamp('1h30m', now)).toEqual(new Date('2026-01-01T10:30:00Z'));
    expect(parseTimestamp('1767225600', now)).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(parseTimestamp('1767225600.5', now)).toEqual(new Date('2026-01-01T00:00:00.500Z'));
    expect(parseTimestamp('2026-01-01T00:00:00Z', now)).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(parseTimestamp('2026-01-01', now)).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  it('refuses anything else', () => {
    expect(() => parseTimestamp('yesterday', now)).toThrow('failed to parse value as time or duration');
  });
});
