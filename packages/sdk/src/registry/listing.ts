import { SdkError } from '../errors.js';
import { readBody } from './http-transport.js';
import { CATALOG_SCOPE, repositoryScope } from './registry-auth.js';
import type { RegistrySender } from './registry-session.js';
import { responseError } from './response-errors.js';

export interface ListOptions {
  /** Entries per page (`n`); the registry's default when unset. */
  pageSize?: number;
  signal?: AbortSignal;
}

const PAGE_LIMIT = 16 * 1024 * 1024;
const MAX_PAGES = 100_000;

/** The `rel="next"` target of a `Link` header (`</v2/_catalog?last=b&n=2>; rel="next"`). */
export function nextLink(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m === null) continue;
    const rel = m[2]!.split(';').map((p) => p.trim()).find((p) => /^rel\s*=/i.test(p));
    const relations = rel?.replace(/^rel\s*=\s*/i, '').replace(/^"|"$/g, '').split(/\s+/) ?? [];
    if (relations.includes('next')) return m[1];
  }
  return undefined;
}

/** Reads every page of a list endpoint, following `Link` until there is none. */
async function listAll(
  sender: RegistrySender,
  registry: string,
  first: string,
  scopes: readonly string[],
  pick: (doc: Record<string, unknown>) => unknown,
  what: string,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const all: string[] = [];
  const seen = new Set<string>();
  for (let target: string | undefined = first; target !== undefined; ) {
    if (seen.has(target) || seen.size >= MAX_PAGES) throw new SdkError('UNAVAILABLE', `${what}: the registry's pages loop at ${target}`);
    seen.add(target);
    const res = await sender.send({ method: 'GET', registry, target, scopes, signal });
    if (res.status !== 200) throw await responseError(res, what);
    const body = await readBody(res, PAGE_LIMIT, what);
    let entries: unknown;
    try {
      entries = pick(JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    } catch {
      throw new SdkError('UNAVAILABLE', `${what}: the registry answered something that is not JSON`);
    }
    if (entries !== null && entries !== undefined && !(Array.isArray(entries) && entries.every((e) => typeof e === 'string'))) {
      throw new SdkError('UNAVAILABLE', `${what}: the registry answered a list that is not of strings`);
    }
    all.push(...((entries as string[] | null | undefined) ?? []));
    target = nextLink(res.header('link'));
  }
  return all;
}

function withPageSize(path: string, pageSize: number | undefined): string {
  return pageSize === undefined ? path : `${path}?n=${pageSize}`;
}

/** Every tag of a repository (`GET /v2/<name>/tags/list`, all pages). */
export function listTags(sender: RegistrySender, registry: string, repository: string, options: ListOptions = {}): Promise<string[]> {
  const first = withPageSize(`/v2/${repository}/tags/list`, options.pageSize);
  return listAll(sender, registry, first, [repositoryScope(repository, 'pull')], (d) => d.tags, `tags of ${registry}/${repository}`, options.signal);
}

/** Every repository of a registry (`GET /v2/_catalog`, all pages). */
export function catalog(sender: RegistrySender, registry: string, options: ListOptions = {}): Promise<string[]> {
  const first = withPageSize('/v2/_catalog', options.pageSize);
  return listAll(sender, registry, first, [CATALOG_SCOPE], (d) => d.repositories, `catalog of ${registry}`, options.signal);
}
