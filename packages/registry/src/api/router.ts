import { ApiError } from './errors.js';

export type RouteName = 'base' | 'catalog' | 'manifest' | 'blob' | 'uploads' | 'upload' | 'tags' | 'referrers';

export interface RouteMatch {
  route: RouteName;
  /** Repository name as it appears in the path (not yet validated); '' for registry-wide routes. */
  name: string;
  /** Last segment (reference, digest, upload id), percent-decoded; '' when the route has none. */
  param: string;
}

/** Methods each route answers; HEAD is listed where GET is. */
export const ROUTE_METHODS: Record<RouteName, readonly string[]> = {
  base: ['GET', 'HEAD'],
  catalog: ['GET'],
  manifest: ['GET', 'HEAD', 'PUT', 'DELETE'],
  blob: ['GET', 'HEAD', 'DELETE'],
  uploads: ['POST'],
  upload: ['GET', 'HEAD', 'PATCH', 'PUT', 'DELETE'],
  tags: ['GET'],
  referrers: ['GET'],
};

// Repository names contain slashes, so routes are recognised by their tail; the name is what
// precedes it (greedy, so a name may itself contain a component called "blobs" or "manifests").
const TAILS: { route: RouteName; pattern: RegExp }[] = [
  { route: 'uploads', pattern: /^(.+)\/blobs\/uploads\/?$/ },
  { route: 'upload', pattern: /^(.+)\/blobs\/uploads\/([^/]+)$/ },
  { route: 'blob', pattern: /^(.+)\/blobs\/([^/]+)$/ },
  { route: 'manifest', pattern: /^(.+)\/manifests\/([^/]+)$/ },
  { route: 'tags', pattern: /^(.+)\/tags\/list\/?$/ },
  { route: 'referrers', pattern: /^(.+)\/referrers\/([^/]+)$/ },
];

/** Maps a request path to a route of the distribution API, or null (404). */
export function matchRoute(path: string): RouteMatch | null {
  if (path === '/v2' || path === '/v2/') return { route: 'base', name: '', param: '' };
  if (!path.startsWith('/v2/')) return null;
  const rest = path.slice('/v2/'.length);
  if (rest === '_catalog' || rest === '_catalog/') return { route: 'catalog', name: '', param: '' };
  for (const { route, pattern } of TAILS) {
    const match = pattern.exec(rest);
    if (match === null) continue;
    return { route, name: match[1] ?? '', param: decode(match[2] ?? '') };
  }
  return null;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError('UNSUPPORTED', `malformed percent-encoding in "${segment.slice(0, 100)}"`, { status: 400 });
  }
}
