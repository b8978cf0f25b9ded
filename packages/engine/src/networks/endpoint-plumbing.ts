import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ContainerRecord } from '../containers/container-record.js';
import { isActive } from '../containers/container-record.js';
import { EngineError } from '../errors.js';
import type { OciMount } from '../runtime/index.js';
import { parseExtraHost, parseResolvConf, renderHosts, renderResolvConf } from './container-files.js';
import { cni, createNetns, deleteNetns, loopbackUp, netnsWithPrefix } from './host-net.js';
import { formatIp, macFor, nextFreeIp, parseCidr, parseIp } from './ipv4.js';
import type { EndpointRecord, NetworkRecord } from './network-record.js';
import { isUserNetwork } from './network-view.js';
import { holdPort, type HeldPort } from './port-proxy.js';
import { requestedPorts } from './published-ports.js';

/** What a starting container gets: the namespace to join and the files to bind in. */
export interface NetworkAttachment {
  /** A netns path to join, 'host' for the host's, or null for a new one with loopback only. */
  netns: string | 'host' | null;
  mounts: OciMount[];
}

export interface PlumbingContext {
  tag: string;
  containerDir: (id: string) => string;
  network: (id: string) => NetworkRecord | undefined;
  defaultNetwork: () => NetworkRecord;
  allContainers: () => ContainerRecord[];
  refresh: (what: { firewall?: boolean; dns?: boolean }) => Promise<void>;
}

/**
 * A container's side of networking while it runs: its network namespace, one veth per
 * network (CNI bridge plugin with static IPAM: addresses are allocated here, from the
 * records), published ports, and /etc/hosts, /etc/resolv.conf, /etc/hostname.
 */
export class EndpointPlumbing {
  private readonly held = new Map<string, HeldPort[]>();
  private readonly cursors = new Map<string, number>();
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(private readonly ctx: PlumbingContext) {}

  netnsName(id: string): string {
    return `berth-${this.ctx.tag}-${id.slice(0, 12)}`;
  }

  /** Runs attach/detach of one container one at a time. */
  private serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.busy.get(id) ?? Promise.resolve()).then(fn);
    const settled = run.catch(() => {});
    this.busy.set(id, settled);
    void settled.then(() => this.busy.get(id) === settled && this.busy.delete(id));
    return run;
  }

  attach(record: ContainerRecord): Promise<NetworkAttachment> {
    return this.serial(record.id, async () => {
      try {
        return await this.setUp(record);
      } catch (err) {
        await this.tearDown(record).catch(() => {});
        throw err;
      }
    });
  }

  detach(record: ContainerRecord): Promise<void> {
    return this.serial(record.id, () => this.tearDown(record));
  }

  private async setUp(record: ContainerRecord): Promise<NetworkAttachment> {
    const networking = (record.network ??= { endpoints: {} });
    if (Object.keys(networking.endpoints).length === 0) {
      // a container created before networks existed: the default bridge, unless it asked for host or none
      const mode = String(record.hostConfig.NetworkMode ?? 'default');
      const net = mode === 'host' || mode === 'none' ? undefined : this.ctx.defaultNetwork();
      if (net) networking.endpoints[net.id] = { networkId: net.id, aliases: [] };
    }
    const drivers = Object.values(networking.endpoints).map((ep) => this.ctx.network(ep.networkId)?.driver);
    const mode = drivers.includes('host') ? 'host' : drivers.length === 0 || drivers.includes('null') ? 'none' : 'bridge';
    const files = this.filePaths(record.id);
    const mounts: OciMount[] = Object.entries(files).map(([name, source]) => ({
      destination: `/etc/${name}`, type: 'bind', source, options: ['rbind', 'rprivate'],
    }));
    if (mode === 'host') {
      await this.writeFiles(record, { host: true });
      return { netns: 'host', mounts };
    }
    if (mode === 'none') {
      await this.writeFiles(record, {});
      return { netns: null, mounts };
    }
    const endpoints = Object.values(networking.endpoints).map((ep) => {
      const net = this.ctx.network(ep.networkId);
      if (!net) throw new EngineError('INVALID_ARGUMENT', `network ${ep.networkId.slice(0, 12)} not found: it was removed; disconnect the container from it`);
      return { ep, net };
    });
    const name = this.netnsName(record.id);
    await deleteNetns(name).catch(() => {});
    networking.netns = await createNetns(name);
    const loopback = loopbackUp(name);
    loopback.catch(() => {});
    let defaultRoute = false;
    for (const [i, { ep, net }] of endpoints.entries()) {
      await this.plug(record, ep, net, `eth${i}`, !defaultRoute && !net.internal);
      defaultRoute ||= !net.internal;
    }
    await loopback;
    const first = endpoints[0]!;
    const wanted = requestedPorts(record.hostConfig, record.config.ExposedPorts);
    const held: HeldPort[] = [];
    this.held.set(record.id, held);
    for (const mapping of wanted) held.push(await holdPort(mapping, { ip: first.ep.ip! }));
    networking.ports = held.map((h) => h.mapping);
    await Promise.all([
      this.ctx.refresh({ firewall: held.length > 0, dns: endpoints.some(({ net }) => isUserNetwork(net)) }),
      this.writeBridgeFiles(record),
    ]);
    return { netns: networking.netns, mounts };
  }

  private async tearDown(record: ContainerRecord): Promise<void> {
    const held = this.held.get(record.id) ?? [];
    this.held.delete(record.id);
    await Promise.all(held.map((h) => h.close()));
    const networking = record.network;
    await deleteNetns(this.netnsName(record.id));
    if (!networking) return;
    const hadPorts = (networking.ports?.length ?? 0) > 0;
    const hadDns = Object.values(networking.endpoints).some((ep) => {
      const net = this.ctx.network(ep.networkId);
      return ep.ip !== undefined && net !== undefined && isUserNetwork(net);
    });
    for (const ep of Object.values(networking.endpoints)) clearRuntime(ep);
    delete networking.netns;
    delete networking.ports;
    if (hadPorts || hadDns) await this.ctx.refresh({ firewall: hadPorts, dns: hadDns });
  }

  /** Allocates an address and adds the container's veth on the network's bridge. */
  private async plug(record: ContainerRecord, ep: EndpointRecord, net: NetworkRecord, ifname: string, defaultRoute: boolean): Promise<void> {
    const subnet = parseCidr(net.subnet!);
    const taken = new Set<number>([parseIp(net.gateway!)]);
    for (const other of this.ctx.allContainers()) {
      const e = other.network?.endpoints[net.id];
      if (e?.ip && e !== ep) taken.add(parseIp(e.ip));
    }
    let ip: number;
    if (ep.requestedIp) {
      ip = parseIp(ep.requestedIp);
      if (taken.has(ip)) throw new EngineError('CONFLICT', `Address already in use: ${ep.requestedIp} on network ${net.name}`);
    } else {
      ip = nextFreeIp(subnet, net.ipRange ? parseCidr(net.ipRange) : subnet, taken, this.cursors.get(net.id));
      this.cursors.set(net.id, ip);
    }
    Object.assign(ep, { ip: formatIp(ip), mac: macFor(ip), ifname, endpointId: randomBytes(32).toString('hex') });
    await cni('ADD', 'bridge', this.cniConf(net, ep, defaultRoute), { containerId: record.id, netns: record.network!.netns!, ifname });
  }

  private cniConf(net: NetworkRecord, ep: EndpointRecord, defaultRoute: boolean): object {
    const prefix = parseCidr(net.subnet!).prefix;
    return {
      cniVersion: '1.0.0',
      name: net.id,
      type: 'bridge',
      bridge: net.bridge,
      isGateway: true,
      ipMasq: false,
      hairpinMode: true,
      ipam: {
        type: 'static',
        addresses: [{ address: `${ep.ip}/${prefix}`, gateway: net.gateway }],
        routes: defaultRoute ? [{ dst: '0.0.0.0/0', gw: net.gateway }] : [],
      },
      runtimeConfig: { mac: ep.mac },
    };
  }

  /** `docker network connect` to a running container. */
  plugLive(record: ContainerRecord, ep: EndpointRecord, net: NetworkRecord): Promise<void> {
    return this.serial(record.id, async () => {
      const used = new Set(Object.values(record.network!.endpoints).map((e) => e.ifname));
      let n = 0;
      while (used.has(`eth${n}`)) n++;
      const hasRoute = Object.values(record.network!.endpoints).some((e) => e !== ep && e.ip && !this.ctx.network(e.networkId)?.internal);
      try {
        await this.plug(record, ep, net, `eth${n}`, !hasRoute && !net.internal);
      } catch (err) {
        clearRuntime(ep);
        throw err;
      }
      if (isUserNetwork(net)) await Promise.all([this.ctx.refresh({ dns: true }), this.writeBridgeFiles(record)]);
    });
  }

  /** `docker network disconnect` from a running container. */
  unplugLive(record: ContainerRecord, ep: EndpointRecord, net: NetworkRecord): Promise<void> {
    return this.serial(record.id, async () => {
      if (ep.ip && ep.ifname) {
        await cni('DEL', 'bridge', this.cniConf(net, ep, false), { containerId: record.id, netns: record.network!.netns!, ifname: ep.ifname });
      }
      clearRuntime(ep);
      if (isUserNetwork(net)) await this.ctx.refresh({ dns: true });
    });
  }

  /** At start: containers that stopped while the engine was away lose their namespace; ports are held again. */
  async reconcile(): Promise<void> {
    const running = new Set<string>();
    for (const record of this.ctx.allContainers()) {
      if (!record.network) continue;
      if (!isActive(record)) {
        await this.detach(record);
        continue;
      }
      running.add(this.netnsName(record.id));
      const first = Object.values(record.network.endpoints).find((e) => e.ip);
      if (!first) continue;
      const held: HeldPort[] = [];
      for (const mapping of record.network.ports ?? []) {
        held.push(await holdPort(mapping, { ip: first.ip! }).catch(() => ({ mapping, close: async () => {} })));
      }
      this.held.set(record.id, held);
    }
    for (const name of await netnsWithPrefix(`berth-${this.ctx.tag}-`)) if (!running.has(name)) await deleteNetns(name).catch(() => {});
  }

  closePorts(): void {
    for (const held of this.held.values()) for (const h of held) void h.close();
    this.held.clear();
  }

  private filePaths(id: string): { hosts: string; 'resolv.conf': string; hostname: string } {
    const dir = this.ctx.containerDir(id);
    return { hosts: path.join(dir, 'hosts'), 'resolv.conf': path.join(dir, 'resolv.conf'), hostname: path.join(dir, 'hostname') };
  }

  /**
   * The files of a container on bridge networks: its first address in /etc/hosts, and the DNS
   * server of its first user network (if any) in /etc/resolv.conf. Rewritten in place on
   * connect, so the bind-mounted files change inside the running container too.
   */
  private writeBridgeFiles(record: ContainerRecord): Promise<void> {
    const attached = Object.values(record.network?.endpoints ?? {}).flatMap((ep) => {
      const net = this.ctx.network(ep.networkId);
      return ep.ip && net ? [{ ep, net }] : [];
    });
    const first = attached[0];
    const dnsNet = attached.find(({ net }) => isUserNetwork(net))?.net;
    return this.writeFiles(record, { ...(first ? { ip: first.ep.ip!, gateway: first.net.gateway! } : {}), ...(dnsNet ? { dns: dnsNet.gateway! } : {}) });
  }

  private async writeFiles(record: ContainerRecord, at: { host?: boolean; ip?: string; gateway?: string; dns?: string }): Promise<void> {
    const files = this.filePaths(record.id);
    const hc = record.hostConfig as { ExtraHosts?: string[] | null; Dns?: string[] | null; DnsSearch?: string[] | null; DnsOptions?: string[] | null };
    const hostname = record.config.Hostname || record.id.slice(0, 12);
    const extraHosts = (hc.ExtraHosts ?? []).map((e) => parseExtraHost(e, at.gateway ?? this.ctx.defaultNetwork().gateway));
    const hostResolv = await fs.readFile('/etc/resolv.conf', 'utf8').catch(() => '');
    const hosts = at.host
      ? `${await fs.readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1\tlocalhost\n')}${extraHosts.map((h) => `${h.ip}\t${h.name}\n`).join('')}`
      : renderHosts({ extraHosts, ...(at.ip ? { self: { ip: at.ip, names: [record.config.Domainname ? `${hostname}.${record.config.Domainname} ${hostname}` : hostname] } } : {}) });
    const resolv = renderResolvConf(parseResolvConf(hostResolv), {
      dns: hc.Dns ?? [], search: hc.DnsSearch ?? [], options: hc.DnsOptions ?? [],
      ...(at.dns ? { networkDns: at.dns } : {}), ...(at.host ? { hostNetwork: true } : {}),
    });
    await Promise.all([
      fs.writeFile(files.hosts, hosts, { mode: 0o644 }),
      fs.writeFile(files['resolv.conf'], resolv, { mode: 0o644 }),
      fs.writeFile(files.hostname, `${hostname}\n`, { mode: 0o644 }),
    ]);
  }
}

function clearRuntime(ep: EndpointRecord): void {
  delete ep.ip;
  delete ep.mac;
  delete ep.ifname;
  delete ep.endpointId;
}

