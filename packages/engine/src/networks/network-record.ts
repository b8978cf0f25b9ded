/** A network the engine knows: the predefined bridge/host/none and user-defined bridges. */
export interface NetworkRecord {
  id: string;
  name: string;
  driver: 'bridge' | 'host' | 'null';
  created: string;
  /** IPv4 subnet (CIDR), gateway and the range containers get addresses from (bridge only). */
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  /** Whether the subnet was picked by the engine (it may pick again if it clashes at start). */
  autoSubnet?: boolean;
  /** The Linux bridge device. */
  bridge?: string;
  internal: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
}

/** One container's place on one network, kept in the container's record. */
export interface EndpointRecord {
  networkId: string;
  /** Requested with --network-alias / connect --alias. */
  aliases: string[];
  /** Requested with --ip / connect --ip. */
  requestedIp?: string;
  /** Set while the container runs. */
  endpointId?: string;
  ip?: string;
  mac?: string;
  ifname?: string;
}

/** A published port: container port to host address and port (resolved when ephemeral). */
export interface PortMapping {
  proto: 'tcp' | 'udp';
  containerPort: number;
  hostIp: string;
  hostPort: number;
}

/** What the network service keeps in a container's record. */
export interface ContainerNetworking {
  /** By network id, in the order they were attached. */
  endpoints: Record<string, EndpointRecord>;
  /** The network namespace while the container runs. */
  netns?: string;
  /** Published ports while the container runs. */
  ports?: PortMapping[];
}

export const PREDEFINED = ['bridge', 'host', 'none'] as const;
