import { ApiError } from './errors.js';

/** An inclusive byte range. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The `Content-Range` of an upload chunk: `<start>-<end>` as the distribution spec writes it
 * (inclusive), also accepted in the RFC form `bytes <start>-<end>/<total|*>`. Undefined when
 * the header is absent; BLOB_UPLOAD_INVALID when it is malformed.
 */
export function parseContentRange(header: string | undefined): ByteRange | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^\s*(?:bytes[ =])?\s*(\d{1,15})-(\d{1,15})(?:\/(?:\d{1,15}|\*))?\s*$/.exec(header);
  if (match === null) {
    throw new ApiError('BLOB_UPLOAD_INVALID', `invalid Content-Range "${header.slice(0, 100)}": expected <start>-<end>`);
  }
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start) throw new ApiError('BLOB_UPLOAD_INVALID', `invalid Content-Range "${header.slice(0, 100)}": end before start`);
  return { start, end };
}

/**
 * A `Range` request header against a blob of `size` bytes. Undefined means "send it whole"
 * (no header, another unit, or several ranges, which HTTP lets a server ignore); 'unsatisfiable'
 * means answer 416 with `Content-Range: bytes *\/size`.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // The last N bytes.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return undefined;
  return { start, end };
}

/** The `Range` header of an upload session holding `size` bytes (distribution answers `0-0` when empty). */
export function uploadRange(size: number): string {
  return `0-${Math.max(0, size - 1)}`;
}
