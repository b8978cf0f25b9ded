import type {
  Network, NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest, NetworkPruneResponse,
} from '../protocol/networks.js';
import type { CallOptions, Filters } from './call-options.js';
import type { EngineTransport } from './engine-transport.js';

export type NetworkFilterKey = 'name' | 'id' | 'label' | 'driver' | 'scope' | 'type' | 'dangling';

/** `client.networks`: user-defined networks. */
export class NetworksApi {
  constructor(private readonly t: EngineTransport) {}

  list(q: { filters?: Filters<NetworkFilterKey> } = {}, opts: CallOptions = {}): Promise<Network[]> {
    return this.t.json({ method: 'GET', path: '/networks', query: { ...q }, signal: opts.signal });
  }

  create(body: NetworkCreateRequest, opts: CallOptions = {}): Promise<{ Id: string; Warning?: string }> {
    return this.t.json({ method: 'POST', path: '/networks/create', body, signal: opts.signal });
  }

  inspect(name: string, opts: CallOptions = {}): Promise<Network> {
    return this.t.json({ method: 'GET', path: `/networks/${encodeURIComponent(name)}`, signal: opts.signal });
  }

  remove(name: string, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'DELETE', path: `/networks/${encodeURIComponent(name)}`, signal: opts.signal });
  }

  connect(network: string, body: NetworkConnectRequest, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'POST', path: `/networks/${encodeURIComponent(network)}/connect`, body, signal: opts.signal });
  }

  disconnect(network: string, body: NetworkDisconnectRequest, opts: CallOptions = {}): Promise<void> {
    return this.t.empty({ method: 'POST', path: `/networks/${encodeURIComponent(network)}/disconnect`, body, signal: opts.signal });
  }

  prune(q: { filters?: Filters<'until' | 'label' | 'label!'> } = {}, opts: CallOptions = {}): Promise<NetworkPruneResponse> {
    return this.t.json({ method: 'POST', path: '/networks/prune', query: { ...q }, signal: opts.signal });
  }
}
