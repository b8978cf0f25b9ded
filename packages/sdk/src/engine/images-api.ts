import type { Readable } from 'node:stream';
import type {
  ImageDeleteItem, ImageHistoryItem, ImageInspect, ImagePruneResponse, ImageSummary, ProgressMessage,
} from '../protocol/images.js';
import type { CallOptions, Filters } from './call-options.js';
import { bytesOf } from './duplex-handle.js';
import type { EngineTransport } from './engine-transport.js';
import { jsonLines } from './json-lines.js';
import { progressHandle, type ProgressHandle } from './progress-handle.js';
import { registryAuthHeader, type RegistryAuth } from './registry-auth.js';

export type ImageFilterKey = 'dangling' | 'label' | 'before' | 'since' | 'reference' | 'until';

export interface BuildQuery {
  /** Tags for the result (`name:tag`). */
  t?: string[];
  dockerfile?: string;
  buildargs?: Record<string, string>;
  labels?: Record<string, string>;
  nocache?: boolean;
  target?: string;
  pull?: boolean;
  platform?: string;
  /** Only the image id in the progress stream. */
  q?: boolean;
  networkmode?: string;
  rm?: boolean;
  forcerm?: boolean;
}

type Bytes = AsyncIterable<Uint8Array> | Buffer;

/** `client.images`: the image endpoints. */
export class ImagesApi {
  constructor(private readonly t: EngineTransport) {}

  list(q: { all?: boolean; filters?: Filters<ImageFilterKey>; 'shared-size'?: boolean } = {}, opts: CallOptions = {}): Promise<ImageSummary[]> {
    return this.t.json({ method: 'GET', path: '/images/json', query: { ...q }, signal: opts.signal });
  }

  inspect(name: string, opts: CallOptions = {}): Promise<ImageInspect> {
    return this.t.json({ method: 'GET', path: `/images/${img(name)}/json`, signal: opts.signal });
  }

  history(name: string, opts: CallOptions = {}): Promise<ImageHistoryItem[]> {
    return this.t.json({ method: 'GET', path: `/images/${img(name)}/history`, signal: opts.signal });
  }

  /** Gives `source` the name `target` (`repo[:tag]`, tag default `latest`). */
  tag(source: string, target: string, opts: CallOptions = {}): Promise<void> {
    const slash = target.lastIndexOf('/');
    const colon = target.lastIndexOf(':');
    const [repo, tag] = colon > slash ? [target.slice(0, colon), target.slice(colon + 1)] : [target, 'latest'];
    return this.t.empty({ method: 'POST', path: `/images/${img(source)}/tag`, query: { repo, tag }, signal: opts.signal });
  }

  remove(name: string, q: { force?: boolean; noprune?: boolean } = {}, opts: CallOptions = {}): Promise<ImageDeleteItem[]> {
    return this.t.json({ method: 'DELETE', path: `/images/${img(name)}`, query: { ...q }, signal: opts.signal });
  }

  prune(q: { filters?: Filters<'dangling' | 'until' | 'label' | 'label!'> } = {}, opts: CallOptions = {}): Promise<ImagePruneResponse> {
    return this.t.json({ method: 'POST', path: '/images/prune', query: { ...q }, signal: opts.signal });
  }

  /** Pulls `ref` (`name[:tag|@digest]`); the handle settles when the image is stored, rejecting if the pull failed. */
  pull(ref: string, q: { platform?: string; auth?: RegistryAuth } = {}, opts: CallOptions = {}): ProgressHandle<void> {
    const query = { fromImage: ref, platform: q.platform };
    const headers = registryAuthHeader(q.auth);
    return this.progress('pull', { method: 'POST', path: '/images/create', query, headers, signal: opts.signal }, () => undefined);
  }

  /** Pushes `ref` (every tag of the repository when it has none). */
  push(ref: string, q: { tag?: string; auth?: RegistryAuth } = {}, opts: CallOptions = {}): ProgressHandle<void> {
    const headers = registryAuthHeader(q.auth ?? {});
    return this.progress('push', { method: 'POST', path: `/images/${img(ref)}/push`, query: { tag: q.tag }, headers, signal: opts.signal }, () => undefined);
  }

  /** Builds from a tar of the build context; settles with the image id, or rejects with a BuildError naming the step. */
  build(context: Bytes, q: BuildQuery = {}, opts: CallOptions = {}): ProgressHandle<{ id: string }> {
    return this.progress('build', { method: 'POST', path: '/build', query: { ...q }, body: bytesOf(context), signal: opts.signal }, (seen) => {
      const aux = [...seen].reverse().find((m) => typeof m.aux?.['ID'] === 'string');
      return { id: (aux?.aux?.['ID'] as string | undefined) ?? '' };
    });
  }

  /** Imports a filesystem tar as an image; settles with its id. */
  import(source: Bytes, q: { repo?: string; tag?: string; message?: string; changes?: string[]; platform?: string } = {}, opts: CallOptions = {}): ProgressHandle<{ id: string }> {
    return this.progress('import', { method: 'POST', path: '/images/create', query: { fromSrc: '-', ...q }, body: bytesOf(source), signal: opts.signal }, (seen) => ({
      id: seen.at(-1)?.status ?? '',
    }));
  }

  /** The images (and their tags) as a `docker save` tar. */
  async save(names: string[], opts: CallOptions = {}): Promise<Readable> {
    return this.t.request({ method: 'GET', path: '/images/get', query: { names }, signal: opts.signal });
  }

  /** Loads a `docker save` tar; settles with the names (or ids) loaded. */
  load(tar: Bytes, q: { quiet?: boolean } = {}, opts: CallOptions = {}): ProgressHandle<{ loaded: string[] }> {
    return this.progress('load', { method: 'POST', path: '/images/load', query: { ...q }, body: bytesOf(tar), signal: opts.signal }, (seen) => ({
      loaded: seen.flatMap((m) => /^Loaded image(?: ID)?: (.+)$/.exec(m.stream?.trim() ?? '')?.[1] ?? []),
    }));
  }

  private progress<T>(
    operation: 'pull' | 'push' | 'build' | 'import' | 'load',
    req: Parameters<EngineTransport['request']>[0],
    result: (seen: ProgressMessage[]) => T,
  ): ProgressHandle<T> {
    const messages = this.t.request(req).then((res) => abortableLines(res, req.signal));
    return progressHandle(operation, messages, result);
  }
}

async function* abortableLines(res: AsyncIterable<Buffer>, signal: AbortSignal | undefined): AsyncGenerator<ProgressMessage> {
  try {
    yield* jsonLines<ProgressMessage>(res);
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  }
  if (signal?.aborted) throw signal.reason;
}

/** Image names keep their `/` and `:` in paths. */
function img(name: string): string {
  return encodeURI(name).replace(/[?#]/g, encodeURIComponent);
}
