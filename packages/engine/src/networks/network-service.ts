import { randomBytes } from 'node:crypto';
import type { ContainerCreateRequest, EndpointSettings, NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest, Network } from '@berth/sdk';
import type { Logger } from 'pino';
import { matchLabelFilters } from '../api/label-filter.js';
import { checkFilterKeys } from '../api/query.js';
import { parseUntil } from '../containers/container-filters.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { isActive } from '../containers/container-record.js';
import { EngineError } from '../errors.js';
import type { EventSink } from '../events/event-sink.js';
import { networkEvent } from './network-event.js';
import type { NetworkRow, NetworkTable } from '../store/engine-store.js';
import { DnsServer } from './dns-server.js';
import { parseExtraHost } from './container-files.js';
import { EndpointPlumbing, type NetworkAttachment } from './endpoint-plumbing.js';
import { Firewall } from './firewall.js';
import { createBridge, deleteLink, linksWithPrefix, usedSubnets } from './host-net.js';
import { withHostLock } from './host-lock.js';
import { contains, formatCidr, formatIp, overlaps, parseCidr, parseIp, pickSubnet } from './ipv4.js';
import type { EndpointRecord, NetworkRecord } from './network-record.js';
import { PREDEFINED } from './network-record.js';
import { dnsNames, isUserNetwork, networkSettings, summaryNetworking, toNetwork } from './network-view.js';
import { requestedPorts } from './published-ports.js';

/** The container side the network service works with. */
export interface NetworkContainers {
  all(): ContainerRecord[];
  get(ref: string): ContainerRecord;
  save(record: ContainerRecord): Promise<void>;
}

export interface NetworkServiceOptions {
  /** Short hash of the data root: names our devices, chains and namespaces. */
  tag: string;
  /** `--bridge`: the device name of the default bridge network. */
  defaultBridge?: string;
  /** Per-instance runtime state (aardvark-dns config). */
  execRoot: string;
  /** A container's directory (hosts, resolv.conf and hostname files go there). */
  containerDir: (id: string) => string;
  store: NetworkTable;
  containers: () => NetworkContainers;
  logger: Logger;
  /** Lock shared by every engine on the machine while a subnet is picked. */
  hostLockDir?: string;
  events?: EventSink;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Networks: the predefined bridge/host/none, user bridges, and containers' places on them. */
export class NetworkService {
  private readonly networks = new Map<string, NetworkRecord>();
  /** Containers whose endpoints are up (connect was reported, disconnect is due). */
  private readonly plugged = new Set<string>();
  readonly firewall: Firewall;
  readonly dns: DnsServer;
  readonly plumbing: EndpointPlumbing;

  constructor(private readonly opts: NetworkServiceOptions) {
    this.firewall = new Firewall(opts.tag);
    this.dns = new DnsServer(`${opts.execRoot}/aardvark`);
    this.plumbing = new EndpointPlumbing({
      tag: opts.tag,
      containerDir: opts.containerDir,
      network: (id) => this.networks.get(id),
      defaultNetwork: () => this.byName('bridge')!,
      allContainers: () => opts.containers().all(),
      refresh: (what) => this.refresh(what),
    });
  }

  /** Loads the networks, creates the predefined ones on first start and makes sure our bridges exist. */
  async init(): Promise<void> {
    for (const row of await this.opts.store.all()) {
      const net = JSON.parse(row.data) as NetworkRecord;
      this.networks.set(net.id, net);
    }
    for (const name of PREDEFINED) {
      if (this.byName(name)) continue;
      const driver = name === 'bridge' ? 'bridge' : name === 'host' ? 'host' : 'null';
      const id = randomBytes(32).toString('hex');
      const net: NetworkRecord = { id, name, driver, created: new Date().toISOString(), internal: false, labels: {}, options: {} };
      if (driver === 'bridge') {
        net.bridge = this.opts.defaultBridge ?? this.deviceName(id);
        net.autoSubnet = true;
        net.options = {
          'com.docker.network.bridge.default_bridge': 'true',
          'com.docker.network.bridge.enable_icc': 'true',
          'com.docker.network.bridge.enable_ip_masquerade': 'true',
          'com.docker.network.bridge.name': net.bridge,
        };
      }
      await this.opts.store.insert(this.row(net));
      this.networks.set(id, net);
    }
    for (const net of this.networks.values()) if (net.driver === 'bridge') await this.ensureBridge(net);
    const ours = new Set([...this.networks.values()].map((n) => n.bridge));
    for (const link of await linksWithPrefix(`b${this.opts.tag}-`)) if (!ours.has(link)) await deleteLink(link);
  }

  /** After the containers are loaded: drops leftovers of containers that stopped, rebuilds rules and DNS. */
  async reconcile(): Promise<void> {
    await this.plumbing.reconcile();
    for (const record of this.opts.containers().all()) if (isActive(record)) this.plugged.add(record.id);
    // Without NAT rules or DNS containers still run; say so rather than refuse to start.
    await this.refresh({ firewall: true, dns: true }).catch((err) => this.opts.logger.error({ err }, 'setting up NAT rules or DNS failed'));
  }

  /** At shutdown: with no container running on our networks, removes everything we created. */
  async close(): Promise<void> {
    this.plumbing.closePorts();
    if (this.opts.containers().all().some((r) => isActive(r) && r.network?.netns)) return;
    await this.dns.stop().catch((err) => this.opts.logger.warn({ err }, 'stopping aardvark-dns failed'));
    await this.firewall.teardown().catch((err) => this.opts.logger.warn({ err }, 'removing iptables chains failed'));
    for (const net of this.networks.values()) if (net.bridge) await deleteLink(net.bridge);
  }

  private deviceName(id: string): string {
    return `b${this.opts.tag}-${id.slice(0, 5)}`;
  }

  /**
   * Creates the bridge device; an engine-picked subnet that now clashes with the host is picked
   * again. A given subnet that clashes is refused at create (`strict`), logged later.
   */
  private async ensureBridge(net: NetworkRecord, strict = false): Promise<void> {
    await withHostLock(this.opts.hostLockDir ?? '/run/berth-networks.lock', async () => {
      const used = await usedSubnets([net.bridge!]);
      const clash = net.subnet ? used.find((u) => overlaps(u, parseCidr(net.subnet!))) : undefined;
      if (clash && !net.autoSubnet) {
        const message = `subnet ${net.subnet} of network ${net.name} overlaps ${formatCidr(clash)} on device ${clash.dev} of this machine`;
        if (strict) throw new EngineError('CONFLICT', `invalid pool request: ${message}`);
        this.opts.logger.warn({ network: net.name }, message);
      }
      if (!net.subnet || (net.autoSubnet && clash)) {
        const ours = [...this.networks.values()].filter((n) => n !== net && n.subnet).map((n) => parseCidr(n.subnet!));
        const subnet = pickSubnet([...used, ...ours]);
        net.subnet = formatCidr(subnet);
        net.gateway = formatIp(subnet.base + 1);
        await this.opts.store.update(this.row(net));
      }
      await createBridge(net.bridge!, `${net.gateway}/${parseCidr(net.subnet).prefix}`);
    });
  }

  byName(name: string): NetworkRecord | undefined {
    return [...this.networks.values()].find((n) => n.name === name);
  }

  network(id: string): NetworkRecord | undefined {
    return this.networks.get(id);
  }

  /** By name, full id or unique id prefix: 404 `network x not found`. */
  get(ref: string): NetworkRecord {
    const found = this.byName(ref) ?? this.networks.get(ref);
    if (found) return found;
    const matches = [...this.networks.values()].filter((n) => n.id.startsWith(ref));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new EngineError('INVALID_ARGUMENT', `network ${ref} is ambiguous (${matches.length} matches found based on ID prefix)`);
    throw new EngineError('NOT_FOUND', `network ${ref} not found`);
  }

  inspect(ref: string): Network {
    return toNetwork(this.get(ref), this.opts.containers().all());
  }

  list(filters: Map<string, string[]>): Network[] {
    for (const key of filters.keys()) {
      if (!['name', 'id', 'driver', 'label', 'label!', 'type', 'scope', 'dangling'].includes(key)) throw new EngineError('INVALID_ARGUMENT', `invalid filter '${key}'`);
    }
    const any = (key: string, test: (v: string) => boolean): boolean => !filters.has(key) || filters.get(key)!.some(test);
    return [...this.networks.values()]
      .filter((n) =>
        any('name', (v) => n.name.includes(v)) &&
        any('id', (v) => n.id.startsWith(v)) &&
        any('driver', (v) => n.driver === v) &&
        any('scope', (v) => v === 'local') &&
        any('type', (v) => (v === 'builtin') === (PREDEFINED as readonly string[]).includes(n.name)) &&
        any('dangling', (v) => ['true', '1'].includes(v) === !this.opts.containers().all().some((r) => r.network?.endpoints[n.id])) &&
        matchLabelFilters(filters.get('label') ?? [], filters.get('label!') ?? [], n.labels))
      .map((n) => toNetwork(n, this.opts.containers().all()));
  }

  async create(body: NetworkCreateRequest): Promise<NetworkRecord> {
    const name = body?.Name ?? '';
    if (!NAME.test(name)) throw new EngineError('INVALID_ARGUMENT', `invalid network name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    if (this.byName(name)) throw new EngineError('CONFLICT', `network with name ${name} already exists`);
    const driver = body.Driver || 'bridge';
    if (driver !== 'bridge') throw new EngineError('INVALID_ARGUMENT', `plugin "${driver}" not found: only the bridge driver can create networks`);
    const ipam = (body.IPAM?.Config ?? []).filter((c) => !c.Subnet?.includes(':'));
    if (ipam.length > 1) throw new EngineError('INVALID_ARGUMENT', 'only one IPv4 subnet per network is supported');
    const id = randomBytes(32).toString('hex');
    const options = { ...(body.Options ?? {}) };
    const net: NetworkRecord = {
      id, name, driver: 'bridge', created: new Date().toISOString(), internal: body.Internal ?? false,
      labels: { ...(body.Labels ?? {}) }, options,
      bridge: options['com.docker.network.bridge.name'] || this.deviceName(id),
    };
    const config = ipam[0];
    if (config?.Subnet) {
      const subnet = parseCidr(config.Subnet);
      for (const other of this.networks.values()) {
        if (other.subnet && overlaps(parseCidr(other.subnet), subnet)) {
          throw new EngineError('CONFLICT', `invalid pool request: subnet ${config.Subnet} of network ${name} overlaps subnet ${other.subnet} of network ${other.name}`);
        }
      }
      const gateway = config.Gateway ? parseIp(config.Gateway) : subnet.base + 1;
      if (!contains(subnet, gateway)) throw new EngineError('INVALID_ARGUMENT', `gateway ${config.Gateway} is not in subnet ${config.Subnet}`);
      if (config.IPRange) {
        const range = parseCidr(config.IPRange, 'ip-range');
        if (!contains(subnet, range.base) || range.prefix < subnet.prefix) throw new EngineError('INVALID_ARGUMENT', `ip-range ${config.IPRange} is not in subnet ${config.Subnet}`);
        net.ipRange = formatCidr(range);
      }
      net.subnet = formatCidr(subnet);
      net.gateway = formatIp(gateway);
    } else if (config?.Gateway || config?.IPRange) {
      throw new EngineError('INVALID_ARGUMENT', 'a gateway or ip-range needs a subnet (--subnet)');
    } else {
      net.autoSubnet = true;
    }
    await this.opts.store.insert(this.row(net));
    this.networks.set(id, net);
    try {
      await this.ensureBridge(net, true);
      await this.refresh({ firewall: true });
    } catch (err) {
      this.networks.delete(id);
      await this.opts.store.delete(id).catch(() => {});
      await deleteLink(net.bridge!);
      await this.refresh({ firewall: true }).catch(() => {});
      throw err;
    }
    this.opts.events?.publish(networkEvent(net, 'create'));
    return net;
  }

  async remove(ref: string): Promise<void> {
    const net = this.get(ref);
    if ((PREDEFINED as readonly string[]).includes(net.name)) {
      throw new EngineError('DENIED', `${net.name} is a pre-defined network and cannot be removed`);
    }
    const users = this.opts.containers().all().filter((r) => isActive(r) && r.network?.endpoints[net.id]);
    if (users.length > 0) {
      throw new EngineError('CONFLICT', `error while removing network: network ${net.name} id ${net.id} has active endpoints (${users.map((r) => r.name).join(', ')})`);
    }
    await this.opts.store.delete(net.id);
    this.networks.delete(net.id);
    await deleteLink(net.bridge!);
    await this.refresh({ firewall: true, dns: true });
    this.opts.events?.publish(networkEvent(net, 'destroy'));
  }

  /** `docker network prune`: unused networks matching `label`/`label!`, created before `until`. */
  async prune(filters: Map<string, string[]>): Promise<string[]> {
    checkFilterKeys(filters, ['label', 'label!', 'until']);
    const until = filters.get('until')?.[0];
    const cutoff = until ? parseUntil(until) : Infinity;
    const removed: string[] = [];
    const candidates = this.list(new Map([...filters].filter(([k]) => k.startsWith('label'))));
    for (const view of candidates) {
      const net = this.networks.get(view.Id)!;
      if ((PREDEFINED as readonly string[]).includes(net.name) || Date.parse(net.created) >= cutoff) continue;
      if (this.opts.containers().all().some((r) => r.network?.endpoints[net.id])) continue;
      await this.remove(net.id);
      removed.push(net.name);
    }
    return removed;
  }

  async connect(ref: string, body: NetworkConnectRequest): Promise<void> {
    const net = this.get(ref);
    const record = this.opts.containers().get(body?.Container ?? '');
    const endpoints = (record.network ??= { endpoints: {} }).endpoints;
    const mode = String(record.hostConfig.NetworkMode ?? 'default');
    if (net.driver !== 'bridge' || mode === 'host' || mode === 'none') {
      throw new EngineError('INVALID_ARGUMENT', `container cannot be disconnected from host network or connected to host network`);
    }
    if (endpoints[net.id]) throw new EngineError('CONFLICT', `endpoint with name ${record.name} already exists in network ${net.name}`);
    const ep = this.endpointFor(net, body.EndpointConfig?.Aliases ?? [], body.EndpointConfig?.IPAMConfig?.IPv4Address);
    endpoints[net.id] = ep;
    if (isActive(record) && record.network.netns) {
      try {
        await this.plumbing.plugLive(record, ep, net);
      } catch (err) {
        delete endpoints[net.id];
        throw err;
      }
      this.opts.events?.publish(networkEvent(net, 'connect', record.id));
    }
    await this.opts.containers().save(record);
  }

  async disconnect(ref: string, body: NetworkDisconnectRequest): Promise<void> {
    const net = this.get(ref);
    const record = this.opts.containers().get(body?.Container ?? '');
    const ep = record.network?.endpoints[net.id];
    if (!ep) throw new EngineError('INVALID_ARGUMENT', `container ${record.id} is not connected to network ${net.name}`);
    if (isActive(record) && record.network?.netns) {
      await this.plumbing.unplugLive(record, ep, net);
      this.opts.events?.publish(networkEvent(net, 'disconnect', record.id));
    }
    delete record.network!.endpoints[net.id];
    await this.opts.containers().save(record);
  }

  /** At create: the container's networks (`--network`, endpoint settings), checked. */
  configure(record: ContainerRecord, request: ContainerCreateRequest): void {
    const mode = String(record.hostConfig.NetworkMode || 'default');
    if (mode.startsWith('container:')) throw new EngineError('NOT_IMPLEMENTED', `--network ${mode} is not supported`);
    const primary = mode === 'default' ? 'bridge' : mode;
    const configs = (request.NetworkingConfig as { EndpointsConfig?: Record<string, EndpointSettings | null> } | null | undefined)?.EndpointsConfig ?? {};
    const names = [primary, ...Object.keys(configs).filter((k) => k !== primary && k !== mode)];
    const endpoints: Record<string, EndpointRecord> = {};
    for (const name of names) {
      let net: NetworkRecord;
      try {
        net = this.get(name);
      } catch (err) {
        // 404 would make the docker CLI try to pull the image
        throw new EngineError('INVALID_ARGUMENT', (err as Error).message, { cause: err });
      }
      if (net.driver !== 'bridge' && names.length > 1) {
        throw new EngineError('INVALID_ARGUMENT', `container cannot be connected to network ${net.name} and other networks`);
      }
      const c = configs[name] ?? configs[mode] ?? {};
      endpoints[net.id] = net.driver === 'bridge' ? this.endpointFor(net, c.Aliases ?? [], c.IPAMConfig?.IPv4Address || undefined) : { networkId: net.id, aliases: [] };
    }
    record.network = { endpoints };
    requestedPorts(record.hostConfig, record.config.ExposedPorts);
    for (const entry of (record.hostConfig.ExtraHosts as string[] | null | undefined) ?? []) parseExtraHost(entry, '0.0.0.0');
  }

  async attach(record: ContainerRecord): Promise<NetworkAttachment> {
    const attachment = await this.plumbing.attach(record);
    this.plugged.add(record.id);
    this.reportEndpoints(record, 'connect');
    return attachment;
  }

  async detach(record: ContainerRecord): Promise<void> {
    await this.plumbing.detach(record);
    if (this.plugged.delete(record.id)) this.reportEndpoints(record, 'disconnect');
  }

  private reportEndpoints(record: ContainerRecord, action: 'connect' | 'disconnect'): void {
    for (const netId of Object.keys(record.network?.endpoints ?? {})) {
      const net = this.networks.get(netId);
      if (net) this.opts.events?.publish(networkEvent(net, action, record.id));
    }
  }

  /** What `docker inspect` shows of a container's networking. */
  inspectView(record: ContainerRecord): { NetworkSettings: Record<string, unknown>; ResolvConfPath: string; HostnamePath: string; HostsPath: string } {
    const dir = this.opts.containerDir(record.id);
    return {
      NetworkSettings: networkSettings(record, (id) => this.networks.get(id)),
      ResolvConfPath: `${dir}/resolv.conf`,
      HostnamePath: `${dir}/hostname`,
      HostsPath: `${dir}/hosts`,
    };
  }

  /** What `docker ps` shows of it. */
  summaryView(record: ContainerRecord): ReturnType<typeof summaryNetworking> {
    return summaryNetworking(record, (id) => this.networks.get(id));
  }

  /** A new endpoint's settings, checked against the network. */
  endpointFor(net: NetworkRecord, aliases: string[], ip: string | undefined): EndpointRecord {
    if (!isUserNetwork(net) && aliases.length > 0) {
      throw new EngineError('INVALID_ARGUMENT', 'network-scoped alias is supported only for containers in user defined networks');
    }
    if (ip) {
      if (!isUserNetwork(net)) throw new EngineError('INVALID_ARGUMENT', 'user specified IP address is supported on user defined networks only');
      const range = parseCidr(net.ipRange ?? net.subnet!);
      if (!contains(range, parseIp(ip))) throw new EngineError('INVALID_ARGUMENT', `no configured subnet or ip-range contain the IP address ${ip}`);
    }
    return { networkId: net.id, aliases: [...aliases], ...(ip ? { requestedIp: ip } : {}) };
  }

  /** Rebuilds our iptables chains and/or the DNS server's view from the records. */
  async refresh(what: { firewall?: boolean; dns?: boolean }): Promise<void> {
    const running = this.opts.containers().all().filter((r) => isActive(r) || r.network?.netns);
    const bridges = [...this.networks.values()].filter((n) => n.driver === 'bridge' && n.subnet);
    await Promise.all([
      what.firewall &&
        this.firewall.apply(
          bridges.map((n) => ({ bridge: n.bridge!, subnet: n.subnet!, internal: n.internal })),
          running.flatMap((r) => {
            const first = Object.values(r.network?.endpoints ?? {}).find((e) => e.ip);
            return first && r.network?.ports?.length ? [{ ip: first.ip!, ports: r.network.ports }] : [];
          }),
        ),
      what.dns &&
        this.dns.update(
          bridges.filter(isUserNetwork).flatMap((n) => {
            const entries = running.flatMap((r) => {
              const ep = r.network?.endpoints[n.id];
              return ep?.ip ? [{ id: r.id, ip: ep.ip, names: dnsNames(r, ep) }] : [];
            });
            return entries.length > 0 ? [{ key: n.id, gateway: n.gateway!, entries }] : [];
          }),
        ),
    ]);
  }

  private row(net: NetworkRecord): NetworkRow {
    return { id: net.id, name: net.name, created: new Date(net.created), data: JSON.stringify(net) };
  }
}
