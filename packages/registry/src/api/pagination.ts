import type { Page } from '../metadata/registry-metadata.js';
import { ApiError } from './errors.js';

/** The most entries one page holds, asked for or not; more come through the `Link` header. */
export const MAX_PAGE = 1000;

export interface PageRequest {
  /** What to ask the metadata: one more than the page, to know whether a next page exists. */
  query: Page;
  /** The page size the response honours. */
  n: number;
  last: string | undefined;
}

/**
 * Reads `n` and `last`; a bad `n` is PAGINATION_NUMBER_INVALID (as in the distribution registry).
 * Without `n` a page holds `unasked` entries: MAX_PAGE, or everything (`Infinity`) where clients
 * expect the whole list in one answer, as distribution gives tag lists.
 */
export function pageRequest(params: URLSearchParams, unasked = MAX_PAGE): PageRequest {
  const rawN = params.get('n');
  const last = params.get('last') || undefined;
  const after = last !== undefined ? { last } : {};
  if (rawN === null || rawN === '') {
    return { query: Number.isFinite(unasked) ? { n: unasked + 1, ...after } : after, n: unasked, last };
  }
  if (!/^\d{1,9}$/.test(rawN)) {
    throw new ApiError('PAGINATION_NUMBER_INVALID', `invalid n "${rawN.slice(0, 50)}": use a whole number from 0`, { detail: { n: rawN.slice(0, 50) } });
  }
  const n = Math.min(Number(rawN), MAX_PAGE);
  return { query: { n: n + 1, ...after }, n, last };
}

/**
 * Cuts the extra entry off and, when there was one, the RFC 5988 `Link` header for the next
 * page: `</v2/…?last=<last>&n=<n>>; rel="next"`. `n=0` gives an empty page and no link.
 */
export function pageResult(items: string[], request: PageRequest, path: string): { items: string[]; link?: string } {
  if (request.n === 0) return { items: [] };
  if (items.length <= request.n) return { items };
  const page = items.slice(0, request.n);
  const last = page[page.length - 1]!;
  return { items: page, link: `<${path}?last=${encodeURIComponent(last)}&n=${request.n}>; rel="next"` };
}
