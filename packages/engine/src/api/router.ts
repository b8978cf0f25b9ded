import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseJson, readBody } from './http.js';
import { Query } from './query.js';

/** What a route handler gets: path parameters, typed query, and the raw request/response. */
export interface RouteContext {
  params: Record<string, string>;
  query: Query;
  req: IncomingMessage;
  res: ServerResponse;
  apiVersion: string;
  body(): Promise<Buffer>;
  json<T>(fallback?: T): Promise<T>;
}

/** A hijacked connection (attach, exec start): the socket plus bytes already read past the headers. */
export interface UpgradeContext {
  params: Record<string, string>;
  query: Query;
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  apiVersion: string;
}

export type Handler = (ctx: RouteContext) => Promise<void> | void;
export type UpgradeHandler = (ctx: UpgradeContext) => Promise<void> | void;

interface Route<H> {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: H;
}

/**
 * Method + path routing. `:id` matches one segment; `*name` matches one or more segments
 * (image names keep their `/` and `:` unescaped in paths).
 */
export class Router {
  private readonly routes: Route<Handler>[] = [];
  private readonly upgrades: Route<UpgradeHandler>[] = [];

  on(method: string, path: string, handler: Handler): this {
    this.routes.push({ method, handler, ...compile(path) });
    return this;
  }

  upgrade(method: string, path: string, handler: UpgradeHandler): this {
    this.upgrades.push({ method, handler, ...compile(path) });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 'method' | null {
    return find(this.routes, method, path);
  }

  matchUpgrade(method: string, path: string): { handler: UpgradeHandler; params: Record<string, string> } | null {
    const found = find(this.upgrades, method, path);
    return found === 'method' ? null : found;
  }
}

function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path.replace(/[:*]([a-zA-Z]+)/g, (whole, name: string) => {
    names.push(name);
    return whole.startsWith('*') ? '(.+)' : '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), names };
}

function find<H>(routes: Route<H>[], method: string, path: string): { handler: H; params: Record<string, string> } | 'method' | null {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
      pathMatched = true;
      continue;
    }
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
    return { handler: route.handler, params };
  }
  return pathMatched ? 'method' : null;
}

export function routeContext(
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
  query: URLSearchParams,
  apiVersion: string,
): RouteContext {
  let body: Promise<Buffer> | undefined;
  return {
    params,
    query: new Query(query),
    req,
    res,
    apiVersion,
    body: () => (body ??= readBody(req)),
    json: async <T>(fallback?: T) => parseJson<T>(await (body ??= readBody(req)), fallback),
  };
}
