import type { ContainerPruneResponse } from '../protocol/containers.js';
import type { EventMessage, EventType } from '../protocol/events.js';
import type { ImagePruneResponse } from '../protocol/images.js';
import type { InfoResponse, SystemDataUsageResponse, VersionResponse } from '../protocol/system.js';
import { lazyIterable, type CallOptions, type Filters } from './call-options.js';
import type { EngineTransport } from './engine-transport.js';
import { jsonLines } from './json-lines.js';

export type EventFilterKey = 'type' | 'event' | 'container' | 'image' | 'label' | 'network' | 'volume' | 'daemon';

export interface EventsQuery {
  /** Unix seconds (or RFC3339) to replay from. */
  since?: string;
  /** Unix seconds (or RFC3339) to stop at; without it the stream stays open until aborted. */
  until?: string;
  filters?: Filters<EventFilterKey> & { type?: EventType[] };
}

/** What `/_ping` says: the engine's API version and OS. */
export interface PingResult {
  apiVersion: string | undefined;
  osType: string | undefined;
}

/** `client.system`: engine-wide calls. */
export class SystemApi {
  constructor(private readonly t: EngineTransport) {}

  async ping(opts: CallOptions = {}): Promise<PingResult> {
    const res = await this.t.request({ method: 'GET', path: '/_ping', signal: opts.signal });
    res.resume();
    const header = (name: string): string | undefined => {
      const v = res.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    return { apiVersion: header('api-version'), osType: header('ostype') };
  }

  version(opts: CallOptions = {}): Promise<VersionResponse> {
    return this.t.json({ method: 'GET', path: '/version', signal: opts.signal });
  }

  info(opts: CallOptions = {}): Promise<InfoResponse> {
    return this.t.json({ method: 'GET', path: '/info', signal: opts.signal });
  }

  df(opts: CallOptions = {}): Promise<SystemDataUsageResponse> {
    return this.t.json({ method: 'GET', path: '/system/df', signal: opts.signal });
  }

  /** Engine events as they happen (and replayed from `since`); ends at `until`, or when aborted. */
  events(q: EventsQuery = {}, opts: CallOptions = {}): AsyncIterable<EventMessage> {
    return lazyIterable(async () => {
      const res = await this.t.request({ method: 'GET', path: '/events', query: { ...q }, signal: opts.signal });
      return jsonLines<EventMessage>(res);
    }, opts.signal);
  }

  pruneContainers(opts: CallOptions = {}): Promise<ContainerPruneResponse> {
    return this.t.json({ method: 'POST', path: '/containers/prune', signal: opts.signal });
  }

  pruneImages(q: { filters?: Filters<'dangling' | 'until' | 'label' | 'label!'> } = {}, opts: CallOptions = {}): Promise<ImagePruneResponse> {
    return this.t.json({ method: 'POST', path: '/images/prune', query: { ...q }, signal: opts.signal });
  }

  /** Clears the build cache. */
  pruneBuildCache(opts: CallOptions = {}): Promise<{ CachesDeleted: string[] | null; SpaceReclaimed: number }> {
    return this.t.json({ method: 'POST', path: '/build/prune', signal: opts.signal });
  }
}
