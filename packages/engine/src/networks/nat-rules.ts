import type { PortMapping } from './network-record.js';

/** A bridge network as the firewall sees it. */
export interface FirewallNetwork {
  bridge: string;
  subnet: string;
  internal: boolean;
}

/** A running container's published ports on one address. */
export interface FirewallPorts {
  ip: string;
  ports: PortMapping[];
}

/** The chains of one engine instance, named after its data root hash. */
export function chainNames(tag: string): { dnat: string; post: string; forward: string; input: string } {
  return { dnat: `BERTH-${tag}-DNAT`, post: `BERTH-${tag}-POST`, forward: `BERTH-${tag}-FWD`, input: `BERTH-${tag}-IN` };
}

/** The jumps from the built-in chains into ours: [table, chain, rule...]. */
export function jumpRules(tag: string): [string, string, string[]][] {
  const c = chainNames(tag);
  return [
    ['nat', 'PREROUTING', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', c.dnat]],
    // the host's own connections, 127.0.0.0/8 included (route_localnet on our bridges lets them out)
    ['nat', 'OUTPUT', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', c.dnat]],
    ['nat', 'POSTROUTING', ['-j', c.post]],
    ['filter', 'FORWARD', ['-j', c.forward]],
    ['filter', 'INPUT', ['-j', c.input]],
  ];
}

/** Jumps earlier versions installed (TCP to 127.0.0.1 went to the port proxy then); removed when found. */
export function staleJumpRules(tag: string): [string, string, string[]][] {
  const c = chainNames(tag);
  return [
    ['nat', 'OUTPUT', ['!', '-d', '127.0.0.0/8', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', c.dnat]],
    ['nat', 'OUTPUT', ['-d', '127.0.0.0/8', '-p', 'udp', '-j', c.dnat]],
  ];
}

/**
 * The whole content of our chains, for `iptables-restore --noflush` (which replaces exactly
 * the chains it declares, atomically). Outbound traffic of non-internal networks is
 * masqueraded; internal networks may not leave their bridge; published ports are DNATed
 * (from outside and from the host itself, 127.0.0.1 included: loopback sources are
 * masqueraded to the bridge's address) except for traffic from our own bridges, which
 * reaches the userland proxy instead. route_localnet on a bridge would also let a container
 * send new connections to the host's 127.0.0.0/8 services: those are dropped; only replies
 * to the host's NATed connections come in that way.
 */
export function renderRules(tag: string, networks: FirewallNetwork[], published: FirewallPorts[]): string {
  const c = chainNames(tag);
  const nat = [`*nat`, `:${c.dnat} - [0:0]`, `:${c.post} - [0:0]`];
  const filter = [`*filter`, `:${c.forward} - [0:0]`, `:${c.input} - [0:0]`];
  for (const n of networks) {
    nat.push(`-A ${c.dnat} -i ${n.bridge} -j RETURN`, `-A ${c.post} -s 127.0.0.0/8 -o ${n.bridge} -j MASQUERADE`);
    filter.push(`-A ${c.input} -d 127.0.0.0/8 -i ${n.bridge} -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP`);
    if (n.internal) {
      filter.push(`-A ${c.forward} -i ${n.bridge} ! -o ${n.bridge} -j DROP`, `-A ${c.forward} -o ${n.bridge} ! -i ${n.bridge} -j DROP`);
    } else {
      nat.push(`-A ${c.post} -s ${n.subnet} ! -o ${n.bridge} -j MASQUERADE`);
      filter.push(`-A ${c.forward} -i ${n.bridge} -j ACCEPT`, `-A ${c.forward} -o ${n.bridge} -j ACCEPT`);
    }
  }
  for (const { ip, ports } of published) {
    for (const p of ports) {
      const dst = p.hostIp === '0.0.0.0' ? '' : `-d ${p.hostIp}/32 `;
      nat.push(`-A ${c.dnat} ${dst}-p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j DNAT --to-destination ${ip}:${p.containerPort}`);
    }
  }
  return [...nat, 'COMMIT', ...filter, 'COMMIT', ''].join('\n');
}
