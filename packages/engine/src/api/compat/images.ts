import { EngineError, isEngineError } from '../../errors.js';
import { planImport, type ImportOptions } from '../../images/image-import.js';
import type { ImageService } from '../../images/image-service.js';
import { hostArchitecture } from '../../images/oci-documents.js';
import { openJsonStream, sendEmpty, sendJson, sendTar } from '../http.js';
import type { RouteContext, Router } from '../router.js';
import type { RegistryAccess } from '../../images/registry-access.js';
import { pull } from './transfers.js';
import { compareVersions } from '../version.js';

/** Response shape switches by API version: `VirtualSize` went in 1.44, the legacy image `Config` fields in 1.50. */
function viewOptions(apiVersion: string): { virtualSize: boolean; legacyConfig: boolean } {
  return {
    virtualSize: compareVersions(apiVersion, '1.44') < 0,
    legacyConfig: compareVersions(apiVersion, '1.50') < 0,
  };
}

function nameOf(ctx: RouteContext): string {
  return ctx.params.name ?? '';
}

/** The image routes of the Docker Engine API. */
export function imageRoutes(router: Router, images: ImageService, access: RegistryAccess): void {
  router.on('POST', '/images/create', (ctx) => create(ctx, images, access));

  router.on('GET', '/images/json', ({ query, res, apiVersion }) => {
    const list = images.list({
      all: query.bool('all'),
      filters: query.filters(),
      usage: query.bool('shared-size'),
      virtualSize: viewOptions(apiVersion).virtualSize,
    });
    sendJson(res, 200, list);
  });

  router.on('GET', '/images/*name/json', (ctx) => {
    const name = nameOf(ctx);
    try {
      sendJson(ctx.res, 200, images.inspect(name, viewOptions(ctx.apiVersion)));
    } catch (err) {
      // dockerd's wording for inspect, which `docker image inspect` prints as is.
      if (isEngineError(err, 'NOT_FOUND')) throw new EngineError('NOT_FOUND', `no such image: ${name}: ${err.message}`);
      throw err;
    }
  });

  router.on('GET', '/images/*name/history', (ctx) => {
    sendJson(ctx.res, 200, images.history(nameOf(ctx)));
  });

  router.on('POST', '/images/*name/tag', async (ctx) => {
    await images.tag(nameOf(ctx), ctx.query.string('repo') ?? '', ctx.query.string('tag'));
    sendEmpty(ctx.res, 201);
  });

  router.on('DELETE', '/images/*name', async (ctx) => {
    const records = await images.remove(nameOf(ctx), { force: ctx.query.bool('force'), noprune: ctx.query.bool('noprune') });
    sendJson(ctx.res, 200, records);
  });

  router.on('POST', '/images/prune', async ({ query, res }) => {
    sendJson(res, 200, await images.prune({ filters: query.filters() }));
  });

  // `docker save`
  router.on('GET', '/images/get', (ctx) => sendTar(ctx.res, images.save(ctx.query.all('names'))));
  router.on('GET', '/images/*name/get', (ctx) => sendTar(ctx.res, images.save([nameOf(ctx)])));
  router.on('POST', '/images/load', (ctx) => load(ctx, images));
}

/** `docker load`: the archive in the request body; what was loaded comes back as stream lines. */
async function load(ctx: RouteContext, images: ImageService): Promise<void> {
  const stream = openJsonStream(ctx.res);
  try {
    for (const { image, tags } of await images.load(ctx.req)) {
      if (tags.length === 0) stream.write({ stream: `Loaded image ID: ${image.id}\n` });
      for (const tag of tags) stream.write({ stream: `Loaded image: ${tag}\n` });
    }
  } catch (err) {
    stream.fail(err);
  } finally {
    stream.end();
  }
}

/**
 * `POST /images/create`: `fromImage` pulls, `fromSrc=-` imports the request body. Everything that can be checked
 * up front is, so bad input gets a plain 4xx; once the stream has started, a failure is sent
 * as a progress error the CLI prints.
 */
async function create(ctx: RouteContext, images: ImageService, access: RegistryAccess): Promise<void> {
  const { query, req, res } = ctx;
  if (query.string('fromImage')) return pull(ctx, images, access);
  const fromSrc = query.string('fromSrc');
  if (!fromSrc) throw new EngineError('INVALID_ARGUMENT', 'either fromImage or fromSrc must be set');
  if (fromSrc !== '-') {
    throw new EngineError('NOT_IMPLEMENTED', `importing from a URL is not supported yet; download ${fromSrc} and pipe it to "docker import -"`);
  }
  checkPlatform(query.string('platform'));
  const opts: ImportOptions = { changes: query.all('changes'), src: fromSrc };
  const repo = query.string('repo');
  const tag = query.string('tag');
  const message = query.string('message');
  if (repo) opts.repo = repo;
  if (tag) opts.tag = tag;
  if (message) opts.message = message;
  planImport(opts);

  const stream = openJsonStream(res);
  try {
    const image = await images.importImage(req, opts);
    stream.write({ status: image.id });
  } catch (err) {
    stream.fail(err);
  } finally {
    stream.end();
  }
}

function checkPlatform(platform: string | undefined): void {
  if (!platform) return;
  const [os, arch] = platform.toLowerCase().split('/');
  if (os === 'linux' && (arch === undefined || arch === hostArchitecture())) return;
  throw new EngineError('INVALID_ARGUMENT', `platform "${platform}" is not supported: this engine imports linux/${hostArchitecture()} images`);
}
