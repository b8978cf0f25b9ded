import type { ProgressMessage } from '@berth/sdk';
import type { ImageService } from '../../images/image-service.js';
import { pushHeader } from '../../images/image-push.js';
import { credentialsOf, decodeRegistryAuth, type AuthConfig, type RegistryAccess } from '../../images/registry-access.js';
import { EngineError } from '../../errors.js';
import { openJsonStream, parseJson, readBody, sendJson } from '../http.js';
import type { RouteContext, Router } from '../router.js';

/** `docker push` and `docker login`; `docker pull` comes in through `POST /images/create` (see {@link pull}). */
export function transferRoutes(router: Router, images: ImageService, access: RegistryAccess): void {
  router.on('POST', '/images/*name/push', (ctx) => push(ctx, images, access));
  router.on('POST', '/auth', (ctx) => login(ctx, access));
}

/** A signal that aborts when the client goes away before the response is complete. */
function clientGone(ctx: RouteContext): AbortSignal {
  const controller = new AbortController();
  ctx.res.on('close', () => {
    if (!ctx.res.writableFinished) controller.abort(new Error('the client went away'));
  });
  return controller.signal;
}

/**
 * Streams `messages`; an error before the first message is an ordinary error response (the
 * CLI needs a 404 for a missing image and a 401 to offer a login), later ones a stream error.
 */
async function stream(ctx: RouteContext, header: ProgressMessage | undefined, messages: () => AsyncGenerator<ProgressMessage>): Promise<void> {
  const iterator = messages();
  const first = header ?? (await iterator.next()).value;
  const out = openJsonStream(ctx.res);
  try {
    if (first) out.write(first);
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) break;
      out.write(value);
    }
  } catch (err) {
    out.fail(err);
  } finally {
    await iterator.return(undefined);
    out.end();
  }
}

/** `POST /images/create?fromImage=NAME&tag=TAG`: pulls, with Docker's progress stream. */
export async function pull(ctx: RouteContext, images: ImageService, access: RegistryAccess): Promise<void> {
  const target = access.target(ctx.query.string('fromImage') ?? '', ctx.query.string('tag') || undefined);
  const client = access.client(target.remote.domain, decodeRegistryAuth(header(ctx, 'x-registry-auth')));
  const signal = clientGone(ctx);
  try {
    await stream(ctx, undefined, () => images.pull(client, target, signal));
  } finally {
    client.close();
  }
}

async function push(ctx: RouteContext, images: ImageService, access: RegistryAccess): Promise<void> {
  const tag = ctx.query.string('tag') || undefined;
  const target = access.target(ctx.params.name ?? '', tag);
  const jobs = images.pushTargets(target, tag === undefined);
  const client = access.client(target.remote.domain, decodeRegistryAuth(header(ctx, 'x-registry-auth')));
  const signal = clientGone(ctx);
  try {
    await stream(ctx, pushHeader(target), async function* () {
      for (const job of jobs) yield* images.push(client, job.target, job.image, signal);
    });
  } finally {
    client.close();
  }
}

/** `POST /auth` (`docker login`): checks the credentials against the registry. */
async function login(ctx: RouteContext, access: RegistryAccess): Promise<void> {
  const auth = parseJson<AuthConfig>(await readBody(ctx.req, 64 * 1024));
  const registry = access.loginHost(auth.serveraddress);
  const credentials = credentialsOf(auth);
  if (!credentials) throw new EngineError('INVALID_ARGUMENT', 'login needs a username and a password');
  const client = access.client(registry, auth);
  try {
    await client.checkLogin(registry, credentials);
  } finally {
    client.close();
  }
  sendJson(ctx.res, 200, { IdentityToken: '', Status: 'Login Succeeded' });
}

function header(ctx: RouteContext, name: string): string | undefined {
  const value = ctx.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
