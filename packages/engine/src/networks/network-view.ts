import type { EndpointSettings, Network } from '@berth/sdk';
import type { ContainerRecord } from '../containers/container-record.js';
import { isActive } from '../containers/container-record.js';
import type { EndpointRecord, NetworkRecord } from './network-record.js';
import { portsSummary, portsView } from './published-ports.js';

function prefixOf(net: NetworkRecord): number {
  return Number(net.subnet?.split('/')[1] ?? 0);
}

/** The names a container answers to on a user network: name, aliases, short id. */
export function dnsNames(record: ContainerRecord, ep: EndpointRecord): string[] {
  return [record.name, ...ep.aliases, record.id.slice(0, 12)];
}

export function isUserNetwork(net: NetworkRecord): boolean {
  return net.driver === 'bridge' && net.name !== 'bridge';
}

/** `docker network inspect` / `ls`. */
export function toNetwork(net: NetworkRecord, containers: ContainerRecord[]): Network {
  const attached: Network['Containers'] = {};
  for (const record of containers) {
    const ep = record.network?.endpoints[net.id];
    if (!ep || !isActive(record) || (net.driver === 'bridge' && !ep.ip)) continue;
    attached[record.id] = {
      Name: record.name,
      EndpointID: ep.endpointId ?? '',
      MacAddress: ep.mac ?? '',
      IPv4Address: ep.ip ? `${ep.ip}/${prefixOf(net)}` : '',
      IPv6Address: '',
    };
  }
  return {
    Name: net.name,
    Id: net.id,
    Created: net.created,
    Scope: 'local',
    Driver: net.driver,
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: {
      Driver: 'default',
      Options: null,
      Config: net.subnet ? [{ Subnet: net.subnet, ...(net.ipRange ? { IPRange: net.ipRange } : {}), Gateway: net.gateway! }] : [],
    },
    Internal: net.internal,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: attached,
    Options: net.options,
    Labels: net.labels,
  };
}

/** One entry of a container's `NetworkSettings.Networks`. */
export function endpointView(record: ContainerRecord, ep: EndpointRecord, net: NetworkRecord | undefined): EndpointSettings {
  const up = Boolean(ep.ip) && net !== undefined;
  return {
    IPAMConfig: ep.requestedIp ? { IPv4Address: ep.requestedIp } : null,
    Links: null,
    Aliases: ep.aliases.length > 0 ? ep.aliases : null,
    MacAddress: ep.mac ?? '',
    DriverOpts: null,
    GwPriority: 0,
    NetworkID: ep.networkId,
    EndpointID: ep.endpointId ?? '',
    Gateway: up ? net!.gateway! : '',
    IPAddress: ep.ip ?? '',
    IPPrefixLen: up ? prefixOf(net!) : 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: net && isUserNetwork(net) ? dnsNames(record, ep) : null,
  };
}

/** `NetworkSettings` of `docker inspect`, with the container's files. */
export function networkSettings(record: ContainerRecord, networks: (id: string) => NetworkRecord | undefined): Record<string, unknown> {
  const n = record.network;
  const byName: Record<string, EndpointSettings> = {};
  let primary: EndpointSettings | undefined;
  for (const ep of Object.values(n?.endpoints ?? {})) {
    const net = networks(ep.networkId);
    const view = endpointView(record, ep, net);
    byName[net?.name ?? ep.networkId] = view;
    if (net?.name === 'bridge') primary = view;
  }
  const running = isActive(record);
  return {
    Bridge: '',
    SandboxID: running && n?.netns ? record.id : '',
    SandboxKey: running ? (n?.netns ?? '') : '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: running ? portsView(record.config.ExposedPorts, n?.ports ?? []) : {},
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: primary?.EndpointID ?? '',
    Gateway: primary?.Gateway ?? '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: primary?.IPAddress ?? '',
    IPPrefixLen: primary?.IPPrefixLen ?? 0,
    IPv6Gateway: '',
    MacAddress: primary?.MacAddress ?? '',
    Networks: byName,
  };
}

/** The `Ports` and `NetworkSettings` of a `docker ps` entry. */
export function summaryNetworking(record: ContainerRecord, networks: (id: string) => NetworkRecord | undefined): { Ports: unknown[]; NetworkSettings: { Networks: Record<string, unknown> } } {
  const settings = networkSettings(record, networks);
  const ports = isActive(record) ? record.network?.ports ?? [] : [];
  const published = new Set(ports.map((p) => `${p.containerPort}/${p.proto}`));
  const exposedOnly = isActive(record)
    ? Object.keys(record.config.ExposedPorts ?? {}).filter((k) => !published.has(k)).map((k) => {
        const [port, proto = 'tcp'] = k.split('/');
        return { PrivatePort: Number(port), Type: proto };
      })
    : [];
  return { Ports: [...portsSummary(ports), ...exposedOnly], NetworkSettings: { Networks: settings.Networks as Record<string, unknown> } };
}
