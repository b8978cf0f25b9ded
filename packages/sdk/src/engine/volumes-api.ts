import type { Volume, VolumeCreateRequest, VolumeListResponse, VolumePruneResponse } from '../protocol/volumes.js';
import type { CallOptions, Filters } from './call-options.js';
import type { EngineTransport } from './engine-transport.js';

export type VolumeFilterKey = 'name' | 'label' | 'dangling' | 'driver';

/** `client.volumes`: named volumes. */
export class VolumesApi {
  constructor(private readonly t: EngineTransport) {}

  list(q: { filters?: Filters<VolumeFilterKey> } = {}, opts: CallOptions = {}): Promise<VolumeListResponse> {
    return this.t.json({ method: 'GET', path: '/volumes', query: { ...q }, signal: opts.signal });
  }

  create(body: VolumeCreateRequest, opts: CallOptions = {}): Promise<Volume> {
    return this.t.json({ method: 'POST', path: '/volumes/create', body, signal: opts.signal });
  }

  inspect(name: string, opts: CallOptions = {}): Promise<Volume> {
    return this.t.json({ method: 'GET', path: `/volumes/${encodeURIComponent(name)}`, signal: opts.signal });
  }

  remove(name: string, q: { force?: boolean } = {}, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'DELETE', path: `/volumes/${encodeURIComponent(name)}`, query: { ...q }, signal: opts.signal });
  }

  prune(q: { filters?: Filters<'label' | 'label!' | 'all'> } = {}, opts: CallOptions = {}): Promise<VolumePruneResponse> {
    return this.t.json({ method: 'POST', path: '/volumes/prune', query: { ...q }, signal: opts.signal });
  }
}
