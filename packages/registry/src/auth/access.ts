import { RegistryError } from '../errors.js';

/**
 * One resource and the actions on it, as in Docker's token scopes and the JWT `access` claim:
 * `repository:team/web:pull,push` is `{ type: 'repository', name: 'team/web', actions: ['pull', 'push'] }`.
 */
export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

/** The actions the registry knows on a repository. */
export const REPOSITORY_ACTIONS = ['pull', 'push', 'delete'] as const;
export type RepositoryAction = (typeof REPOSITORY_ACTIONS)[number];

/** The one registry-wide resource: listing every repository. */
export const CATALOG_ACCESS: AccessEntry = { type: 'registry', name: 'catalog', actions: ['*'] };

const RESOURCE_TYPE = /^[a-z0-9]+(?:\([a-z0-9]+\))?$/;
const ACTION = /^(?:[a-z]+|\*)$/;
const NAME_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
/** Repository name grammar of the OCI distribution spec. */
export const REPOSITORY_NAME = new RegExp(`^${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
const MAX_NAME_LENGTH = 255;

/**
 * Parses a `scope` value: one or more resource scopes separated by spaces
 * (`repository:team/web:pull,push registry:catalog:*`). The name may itself contain `:`
 * (a registry host with a port), so the type ends at the first colon and the actions
 * start after the last one. Throws INVALID_ARGUMENT naming the bad scope.
 */
export function parseScope(scope: string): AccessEntry[] {
  const entries: AccessEntry[] = [];
  for (const part of scope.split(' ')) {
    if (part === '') continue;
    const first = part.indexOf(':');
    const last = part.lastIndexOf(':');
    if (first < 0 || last === first) throw badScope(part, 'expected type:name:actions');
    const type = part.slice(0, first);
    const name = part.slice(first + 1, last);
    const actions = part.slice(last + 1).split(',').filter((a) => a !== '');
    if (!RESOURCE_TYPE.test(type)) throw badScope(part, `resource type "${type}" is not valid`);
    if (!validResourceName(type, name)) throw badScope(part, `resource name "${name}" is not valid`);
    const bad = actions.find((a) => !ACTION.test(a));
    if (bad !== undefined) throw badScope(part, `action "${bad}" is not valid`);
    entries.push({ type, name, actions });
  }
  return mergeAccess(entries);
}

/** Parses every `scope` query parameter of a token request (Docker sends one per resource). */
export function parseScopes(params: URLSearchParams): AccessEntry[] {
  return mergeAccess(params.getAll('scope').flatMap(parseScope));
}

/** Formats entries back into the scope grammar, space-separated (as in a `WWW-Authenticate` challenge). */
export function formatScope(entries: readonly AccessEntry[]): string {
  return entries.map((e) => `${e.type}:${e.name}:${e.actions.join(',')}`).join(' ');
}

/** Joins entries for the same resource, keeping the first-seen order of resources and actions. */
export function mergeAccess(entries: readonly AccessEntry[]): AccessEntry[] {
  const byKey = new Map<string, AccessEntry>();
  for (const e of entries) {
    const key = `${e.type}\0${e.name}`;
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, { type: e.type, name: e.name, actions: [...new Set(e.actions)] });
    else for (const a of e.actions) if (!seen.actions.includes(a)) seen.actions.push(a);
  }
  return [...byKey.values()];
}

/** Whether `granted` covers every action of every entry in `needed` (`*` grants everything). */
export function covers(granted: readonly AccessEntry[], needed: readonly AccessEntry[]): boolean {
  return needed.every((n) => {
    const g = granted.filter((e) => e.type === n.type && e.name === n.name).flatMap((e) => e.actions);
    return g.includes('*') || n.actions.every((a) => g.includes(a));
  });
}

const ROUTES: { pattern: RegExp; access: (method: string) => string[] | null }[] = [
  // Every method on an upload session is part of pushing (distribution asks pull too: a push
  // checks blobs that are already there, and clients request `pull,push` for it).
  { pattern: /^\/v2\/(.+)\/blobs\/uploads\/?[^/]*$/, access: () => ['pull', 'push'] },
  { pattern: /^\/v2\/(.+)\/blobs\/[^/]+$/, access: (m) => readOrDelete(m) },
  { pattern: /^\/v2\/(.+)\/manifests\/[^/]+$/, access: (m) => (m === 'PUT' ? ['pull', 'push'] : readOrDelete(m)) },
  { pattern: /^\/v2\/(.+)\/tags\/list$/, access: (m) => readOrDelete(m, false) },
  { pattern: /^\/v2\/(.+)\/referrers\/[^/]+$/, access: (m) => readOrDelete(m, false) },
];

function readOrDelete(method: string, deletable = true): string[] | null {
  if (method === 'GET' || method === 'HEAD') return ['pull'];
  if (method === 'DELETE' && deletable) return ['delete'];
  return null;
}

/**
 * The access a registry API request needs, from its method and URL (path and query):
 * `[]` for the base endpoint `/v2/` (authentication only), the catalog scope for `_catalog`,
 * pull for reads, pull+push for uploads and manifest PUT (plus pull on `from` for a
 * cross-repository mount), delete for DELETE. Returns null for a request that is no route of
 * the API (unknown path, or a method the route does not have): the caller answers 404/405.
 * The repository name is returned as found; the caller validates it against the grammar.
 */
export function requiredAccess(method: string, url: string): AccessEntry[] | null {
  const parsed = new URL(url, 'http://registry.invalid');
  const path = parsed.pathname;
  const m = method.toUpperCase();
  if (path === '/v2/' || path === '/v2') return m === 'GET' || m === 'HEAD' ? [] : null;
  if (path === '/v2/_catalog') return m === 'GET' ? [{ ...CATALOG_ACCESS, actions: ['*'] }] : null;
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match === null) continue;
    const actions = route.access(m);
    if (actions === null) return null;
    const entries: AccessEntry[] = [{ type: 'repository', name: match[1] ?? '', actions }];
    const from = parsed.searchParams.get('from');
    if (m === 'POST' && parsed.searchParams.has('mount') && from !== null && from !== '') {
      entries.push({ type: 'repository', name: from, actions: ['pull'] });
    }
    return mergeAccess(entries);
  }
  return null;
}

function validResourceName(type: string, name: string): boolean {
  if (name === '' || name.length > MAX_NAME_LENGTH) return false;
  if (type === 'repository') return REPOSITORY_NAME.test(name);
  return /^[A-Za-z0-9._\-/:]+$/.test(name);
}

function badScope(scope: string, why: string): RegistryError {
  return new RegistryError('INVALID_ARGUMENT', `invalid scope "${scope}": ${why}`);
}
