import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { BuildCache } from '../../build/build-cache.js';
import { type BuilderDeps, type BuildOptions, RunFailed, mountCacheDirOf, runBuild } from '../../build/builder.js';
import { checkBuildPlatform } from '../../build/build-platform.js';
import { runNetworkMode } from '../../build/run-mount-parse.js';
import { pruneRunMountCaches } from '../../build/run-mounts.js';
import { EngineError } from '../../errors.js';
import { type AuthConfig, decodeRegistryAuth } from '../../images/registry-access.js';
import { ContentDigests } from '../../snapshots/content-digests.js';
import { extractTree } from '../../snapshots/extract.js';
import { errorStatus, openJsonStream, sendJson } from '../http.js';
import type { RouteContext, Router } from '../router.js';

/** `POST /build`: the legacy builder protocol the docker CLI falls back to without buildx. */
export function buildRoutes(router: Router, deps: BuilderDeps, logger: Logger): void {
  router.on('POST', '/build', (ctx) => build(ctx, deps, logger));
  router.on('POST', '/build/prune', async ({ res }) => {
    await new BuildCache(deps.cacheDir, async () => false).prune();
    await pruneRunMountCaches(mountCacheDirOf(deps));
    sendJson(res, 200, { CachesDeleted: null, SpaceReclaimed: 0 });
  });
}

function jsonObject(ctx: RouteContext, name: string): Record<string, string> {
  const raw = ctx.query.string(name);
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, string>;
  } catch {
    // reported below
  }
  throw new EngineError('INVALID_ARGUMENT', `invalid ${name}: ${raw} is not a JSON object`);
}

/** `X-Registry-Config`: base64url JSON of the client's logins by registry. */
function registryConfig(header: string | string[] | undefined): Record<string, AuthConfig> {
  const raw = Array.isArray(header) ? header[0] : header;
  const parsed = raw ? decodeRegistryAuth(raw) : undefined;
  return (parsed ?? {}) as Record<string, AuthConfig>;
}

/** `cachefrom`: a JSON array of local image names whose steps the build may reuse. */
function cacheFromOf(ctx: RouteContext): string[] {
  const raw = ctx.query.string('cachefrom');
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return parsed;
  } catch {
    // reported below
  }
  throw new EngineError('INVALID_ARGUMENT', `invalid cachefrom: ${raw} is not a JSON array of image names`);
}

async function build(ctx: RouteContext, deps: BuilderDeps, logger: Logger): Promise<void> {
  const { query } = ctx;
  if (query.string('remote')) throw new EngineError('NOT_IMPLEMENTED', 'building from a remote context is not supported; send the context as a tar');
  // Each file's content digest is taken as the context is unpacked, so COPY's cache keys need not read it again.
  const contextDigests = new ContentDigests();
  const opts: BuildOptions = {
    dockerfile: query.string('dockerfile') || 'Dockerfile',
    tags: query.all('t').filter(Boolean),
    buildArgs: jsonObject(ctx, 'buildargs'),
    labels: jsonObject(ctx, 'labels'),
    noCache: query.bool('nocache'),
    rm: query.bool('rm', true),
    forceRm: query.bool('forcerm'),
    quiet: query.bool('q'),
    ...(query.string('target') ? { target: query.string('target')! } : {}),
    pull: query.bool('pull'),
    registryAuths: registryConfig(ctx.req.headers['x-registry-config']),
    networkMode: runNetworkMode(query.string('networkmode') || 'default', 'docker build --network'),
    cacheFrom: cacheFromOf(ctx),
    contextDigests,
  };
  checkBuildPlatform(query.string('platform') ?? '');
  const contextDir = await mkdtemp(path.join(deps.scratchDir, 'context-'));
  const abort = new AbortController();
  ctx.res.on('close', () => abort.abort());
  const stream = openJsonStream(ctx.res);
  try {
    await chmod(contextDir, 0o755);
    await mkdir(path.join(contextDir, 'ctx'), { mode: 0o755 });
    await extractTree(ctx.req, path.join(contextDir, 'ctx'), {}, contextDigests);
    await runBuild(deps, path.join(contextDir, 'ctx'), opts, (text) => stream.write({ stream: text }), (id) => stream.write({ aux: { ID: id } }), abort.signal);
  } catch (err) {
    // A build's own failures (a RUN that failed, a bad Dockerfile) are the user's to read; anything else is logged.
    if (!(err instanceof EngineError)) logger.error({ err }, 'build failed');
    const code = err instanceof RunFailed ? err.exitCode : 1;
    const { message } = errorStatus(err);
    stream.write({ errorDetail: { code, message }, error: message });
  } finally {
    stream.end();
    await rm(contextDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
