import type { IncomingMessage, ServerResponse } from 'node:http';
import { requiredAccess, type AccessEntry } from '../auth/access.js';
import type { Authenticator } from '../auth/authenticator.js';
import { tokenRoute } from '../auth/token-route.js';
import { logAccess } from './access-log.js';
import { deleteBlob, getBlob } from './blobs.js';
import { listCatalog } from './catalog.js';
import { sendJson, type ApiContext, type Handler, type RequestContext } from './context.js';
import { ApiError, sendApiError, sendErrors, toApiError } from './errors.js';
import { putManifest } from './manifest-put.js';
import { deleteManifest, getManifest } from './manifests.js';
import { checkRepositoryName } from './names.js';
import { listReferrers } from './referrers.js';
import { matchRoute, ROUTE_METHODS, type RouteName } from './router.js';
import { listTags } from './tags.js';
import { cancelUpload, finishUpload, patchUpload, startUpload, uploadStatus } from './uploads.js';

const HANDLERS: Record<RouteName, Partial<Record<string, Handler>>> = {
  base: { GET: base, HEAD: base },
  catalog: { GET: listCatalog },
  manifest: { GET: getManifest, HEAD: getManifest, PUT: putManifest, DELETE: deleteManifest },
  blob: { GET: getBlob, HEAD: getBlob, DELETE: deleteBlob },
  uploads: { POST: startUpload },
  upload: { GET: uploadStatus, HEAD: uploadStatus, PATCH: patchUpload, PUT: finishUpload, DELETE: cancelUpload },
  tags: { GET: listTags },
  referrers: { GET: listReferrers },
};

/** Where the built-in token service answers (token mode); the realm clients are sent to should point here. */
export const TOKEN_PATH = '/token';

/**
 * The registry's request listener: routing, name validation, authorization, the handler,
 * errors in the spec's JSON form, and one access-log line per request.
 */
export function createApiListener(api: ApiContext, auth: Authenticator): (req: IncomingMessage, res: ServerResponse) => void {
  const token = auth.tokens === undefined ? undefined : tokenRoute(auth.tokens);
  return (req, res) => {
    const started = process.hrtime.bigint();
    const fields: Record<string, unknown> = {};
    res.once('close', () => logAccess(api.logger, req, res, started, fields));
    void serve(api, auth, token, req, res, fields).catch((err: unknown) => {
      api.logger.error({ err }, 'request failed outside the handlers');
      res.destroy();
    });
  };
}

async function serve(
  api: ApiContext,
  auth: Authenticator,
  token: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  fields: Record<string, unknown>,
): Promise<void> {
  const method = req.method ?? 'GET';
  const head = method === 'HEAD';
  try {
    const url = new URL(req.url ?? '/', 'http://registry.invalid');
    if (token !== undefined && url.pathname === TOKEN_PATH) return await token(req, res);
    const match = matchRoute(url.pathname);
    if (match === null) throw new ApiError('UNSUPPORTED', `no such endpoint: ${url.pathname.slice(0, 200)}`, { status: 404 });
    const handler = HANDLERS[match.route][method];
    if (handler === undefined) {
      throw new ApiError('UNSUPPORTED', `${method} is not supported on ${url.pathname.slice(0, 200)}`, {
        headers: { Allow: ROUTE_METHODS[match.route].join(', ') },
      });
    }
    if (match.name !== '') fields.repository = checkRepositoryName(match.name);
    const needed = requiredAccess(method, url.pathname) ?? [];
    const result = await auth.authorize(req, needed);
    if ('challenge' in result) {
      fields.error = result.challenge.errors[0]?.code;
      sendErrors(res, result.challenge.status, result.challenge.errors, result.challenge.headers, head);
      return;
    }
    fields.user = result.user ?? undefined;
    const ctx: RequestContext = {
      api,
      req,
      res,
      name: match.name,
      param: match.param,
      query: url.searchParams,
      user: result.user,
      log: api.logger,
      logFields: fields,
      canPull: async (repository) => {
        const pull: AccessEntry[] = [{ type: 'repository', name: repository, actions: ['pull'] }];
        return 'user' in (await auth.authorize(req, pull));
      },
    };
    await handler(ctx);
  } catch (err) {
    const apiError = toApiError(err);
    fields.error = apiError.code;
    if (apiError.status >= 500) api.logger.error({ err, method, url: req.url }, 'request failed');
    sendApiError(res, apiError, head);
  }
}

async function base(ctx: RequestContext): Promise<void> {
  sendJson(ctx, 200, {});
}
