import type { Readable } from 'node:stream';
import type {
  ContainerCreateRequest, ContainerCreateResponse, ContainerInspect, ContainerPruneResponse, ContainerStatus,
  ContainerSummary, ContainerTopResponse, ContainerWaitResponse, HostConfig,
} from '../protocol/containers.js';
import type { ContainerStats, ContainerUpdateResponse } from '../protocol/stats.js';
import { lazyIterable, type CallOptions, type Filters } from './call-options.js';
import { bytesOf, duplexHandle, type DuplexHandle } from './duplex-handle.js';
import type { EngineTransport } from './engine-transport.js';
import { headerOf } from './engine-transport.js';
import { demultiplex, rawFrames, type OutputFrame } from './frame-demux.js';
import { jsonLines } from './json-lines.js';

/** The filters `GET /containers/json` understands. */
export type ContainerFilterKey =
  | 'id' | 'name' | 'label' | 'status' | 'ancestor' | 'before' | 'since' | 'exited' | 'health' | 'network' | 'volume' | 'publish' | 'expose' | 'is-task';

export interface ContainerListQuery {
  all?: boolean;
  limit?: number;
  size?: boolean;
  filters?: Filters<ContainerFilterKey> & { status?: ContainerStatus[] };
}

export interface StopQuery {
  /** Seconds to wait before killing. */
  t?: number;
  signal?: string;
}

export interface LogsQuery {
  follow?: boolean;
  /** Both default true. */
  stdout?: boolean;
  stderr?: boolean;
  since?: string;
  until?: string;
  timestamps?: boolean;
  /** A number of lines, or `all`. */
  tail?: string;
}

export interface AttachQuery {
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  detachKeys?: string;
}

/** `POST /containers/{id}/update`: resource fields (zero leaves a value as is) and the restart policy. */
export type ContainerUpdateRequest = Partial<HostConfig> & { RestartPolicy?: HostConfig['RestartPolicy'] };

/** What the engine says about a path in a container (`X-Docker-Container-Path-Stat`). */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** `client.containers`: the container endpoints. */
export class ContainersApi {
  constructor(private readonly t: EngineTransport) {}

  list(q: ContainerListQuery = {}, opts: CallOptions = {}): Promise<ContainerSummary[]> {
    return this.t.json({ method: 'GET', path: '/containers/json', query: { ...q }, signal: opts.signal });
  }

  create(body: ContainerCreateRequest, q: { name?: string; platform?: string } = {}, opts: CallOptions = {}): Promise<ContainerCreateResponse> {
    return this.t.json({ method: 'POST', path: '/containers/create', query: { ...q }, body, signal: opts.signal });
  }

  inspect(id: string, opts: CallOptions = {}): Promise<ContainerInspect> {
    return this.t.json({ method: 'GET', path: `/containers/${enc(id)}/json`, signal: opts.signal });
  }

  /** Starts a container; one already running is not an error (the engine's 304). */
  start(id: string, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'POST', path: `/containers/${enc(id)}/start`, signal: opts.signal, accept: [304] });
  }

  /** Stops a container; one already stopped is not an error (the engine's 304). */
  stop(id: string, q: StopQuery = {}, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'POST', path: `/containers/${enc(id)}/stop`, query: { ...q }, signal: opts.signal, accept: [304] });
  }

  restart(id: string, q: StopQuery = {}, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'POST', path: `/containers/${enc(id)}/restart`, query: { ...q }, signal: opts.signal });
  }

  kill(id: string, q: { signal?: string } = {}, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'POST', path: `/containers/${enc(id)}/kill`, query: { ...q }, signal: opts.signal });
  }

  pause(id: string, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'POST', path: `/containers/${enc(id)}/pause`, signal: opts.signal });
  }

  unpause(id: string, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'POST', path: `/containers/${enc(id)}/unpause`, signal: opts.signal });
  }

  remove(id: string, q: { force?: boolean; v?: boolean } = {}, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'DELETE', path: `/containers/${enc(id)}`, query: { ...q }, signal: opts.signal });
  }

  rename(id: string, name: string, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'POST', path: `/containers/${enc(id)}/rename`, query: { name }, signal: opts.signal });
  }

  /** Resolves when the container reaches the condition (default `not-running`), with its exit code. */
  wait(id: string, q: { condition?: 'not-running' | 'next-exit' | 'removed' } = {}, opts: CallOptions = {}): Promise<ContainerWaitResponse> {
    return this.t.json({ method: 'POST', path: `/containers/${enc(id)}/wait`, query: { ...q }, signal: opts.signal });
  }

  top(id: string, q: { ps_args?: string } = {}, opts: CallOptions = {}): Promise<ContainerTopResponse> {
    return this.t.json({ method: 'GET', path: `/containers/${enc(id)}/top`, query: { ...q }, signal: opts.signal });
  }

  /** The container's log as demultiplexed frames (a TTY container's output is all stdout). */
  logs(id: string, q: LogsQuery = {}, opts: CallOptions = {}): AsyncIterable<OutputFrame> {
    const query = { ...q, stdout: q.stdout ?? true, stderr: q.stderr ?? true };
    return lazyIterable(async () => {
      const res = await this.t.request({ method: 'GET', path: `/containers/${enc(id)}/logs`, query, signal: opts.signal });
      const multiplexed = (headerOf(res, 'content-type') ?? '').includes('multiplexed');
      return multiplexed ? demultiplex(res) : rawFrames(res);
    }, opts.signal);
  }

  /** Attaches to the container's stdio; the exit code comes from waiting for it once the output ends. */
  async attach(id: string, q: AttachQuery = {}, opts: CallOptions = {}): Promise<DuplexHandle> {
    const query = { stream: true, stdin: q.stdin ?? false, stdout: q.stdout ?? true, stderr: q.stderr ?? true, detachKeys: q.detachKeys };
    const hijack = await this.t.upgrade({ method: 'POST', path: `/containers/${enc(id)}/attach`, query, signal: opts.signal });
    return duplexHandle({
      ...hijack,
      signal: opts.signal,
      resize: (rows, cols) => this.resize(id, { h: rows, w: cols }),
      exitCode: async () => (await this.wait(id)).StatusCode,
    });
  }

  resize(id: string, size: { h: number; w: number }, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'POST', path: `/containers/${enc(id)}/resize`, query: size, signal: opts.signal });
  }

  /** Stats samples: one with `stream: false`, else about one a second until aborted or the container stops. */
  stats(id: string, q: { stream?: boolean; 'one-shot'?: boolean } = {}, opts: CallOptions = {}): AsyncIterable<ContainerStats> {
    const query = { stream: q.stream ?? true, 'one-shot': q['one-shot'] };
    return lazyIterable(async () => {
      const res = await this.t.request({ method: 'GET', path: `/containers/${enc(id)}/stats`, query, signal: opts.signal });
      return jsonLines<ContainerStats>(res);
    }, opts.signal);
  }

  update(id: string, body: ContainerUpdateRequest, opts: CallOptions = {}): Promise<ContainerUpdateResponse> {
    return this.t.json({ method: 'POST', path: `/containers/${enc(id)}/update`, body, signal: opts.signal });
  }

  /** A tar of `path` in the container (a Readable: iterate it or pipe it). */
  async getArchive(id: string, q: { path: string }, opts: CallOptions = {}): Promise<Readable> {
    return this.t.request({ method: 'GET', path: `/containers/${enc(id)}/archive`, query: q, signal: opts.signal });
  }

  /** What `path` is in the container, without its content. */
  async statPath(id: string, q: { path: string }, opts: CallOptions = {}): Promise<PathStat> {
    const res = await this.t.request({ method: 'HEAD', path: `/containers/${enc(id)}/archive`, query: q, signal: opts.signal });
    res.resume();
    const header = headerOf(res, 'x-docker-container-path-stat') ?? '';
    return JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as PathStat;
  }

  /** Unpacks a tar into the directory `path` of the container. */
  putArchive(
    id: string,
    q: { path: string; noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean },
    tar: AsyncIterable<Uint8Array> | Buffer,
    opts: CallOptions = {},
  ): Promise<void> {
    return this.t.empty({ method: 'PUT', path: `/containers/${enc(id)}/archive`, query: { ...q }, body: bytesOf(tar), signal: opts.signal });
  }

  /** The container's filesystem as a tar. */
  async export(id: string, opts: CallOptions = {}): Promise<Readable> {
    return this.t.request({ method: 'GET', path: `/containers/${enc(id)}/export`, signal: opts.signal });
  }

  prune(q: { filters?: Filters<'until' | 'label' | 'label!'> } = {}, opts: CallOptions = {}): Promise<ContainerPruneResponse> {
    return this.t.json({ method: 'POST', path: '/containers/prune', query: { ...q }, signal: opts.signal });
  }
}

export function enc(id: string): string {
  return encodeURIComponent(id);
}
