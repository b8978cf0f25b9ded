import { describe, expect, it } from 'vitest';
import { parseContentRange, parseRange, uploadRange } from './ranges.js';

describe('Content-Range of upload chunks', () => {
  it('reads the spec form and the RFC form', () => {
    expect(parseContentRange('0-99')).toEqual({ start: 0, end: 99 });
    expect(parseContentRange('bytes 100-199/*')).toEqual({ start: 100, end: 199 });
    expect(parseContentRange('bytes=5-5')).toEqual({ start: 5, end: 5 });
    expect(parseContentRange(undefined)).toBeUndefined();
  });

  it('refuses malformed ranges with BLOB_UPLOAD_INVALID', () => {
    for (const bad of ['x', '5-3', '-3', '1-', 'bytes */100']) {
      expect(() => parseContentRange(bad)).toThrow(expect.objectContaining({ code: 'BLOB_UPLOAD_INVALID' }));
    }
  });

  it('reports what an upload holds as distribution does', () => {
    expect(uploadRange(0)).toBe('0-0');
    expect(uploadRange(1)).toBe('0-0');
    expect(uploadRange(100)).toBe('0-99');
  });
});

describe('Range of blob reads', () => {
  it('resolves first-last, open-ended and suffix ranges, clamped to the blob', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
  });

  it('says unsatisfiable past the end and ignores what it cannot use', () => {
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseRange('items=0-1', 100)).toBeUndefined();
    expect(parseRange(undefined, 100)).toBeUndefined();
  });
});
