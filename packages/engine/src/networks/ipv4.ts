import { EngineError } from '../errors.js';

/** An IPv4 network: base address (as an unsigned 32-bit number) and prefix length. */
export interface Cidr {
  base: number;
  prefix: number;
}

export function parseIp(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new EngineError('INVALID_ARGUMENT', `invalid IPv4 address: ${text}`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** `10.1.0.0/16`; host bits set in the address are an error, as dockerd says. */
export function parseCidr(text: string, what = 'subnet'): Cidr {
  const [addr, bits, extra] = text.split('/');
  const prefix = Number(bits);
  if (addr === undefined || bits === undefined || extra !== undefined || !/^\d{1,2}$/.test(bits) || prefix > 32) {
    throw new EngineError('INVALID_ARGUMENT', `invalid ${what} ${text}: use an IPv4 CIDR such as 10.1.0.0/16`);
  }
  const ip = parseIp(addr);
  const base = (ip & mask(prefix)) >>> 0;
  if (base !== ip) throw new EngineError('INVALID_ARGUMENT', `invalid ${what} ${text}: it should be ${formatCidr({ base, prefix })}`);
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function contains(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + size(c);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** Docker's default address pools: 172.17–31.0.0/16, then 192.168.0.0/16 in /20 steps. */
export function* candidateSubnets(): Generator<Cidr> {
  for (let second = 17; second <= 31; second++) yield { base: parseIp(`172.${second}.0.0`), prefix: 16 };
  for (let third = 0; third < 256; third += 16) yield { base: parseIp(`192.168.${third}.0`), prefix: 20 };
}

/** The first default pool that overlaps none of `used`. */
export function pickSubnet(used: Cidr[]): Cidr {
  for (const candidate of candidateSubnets()) {
    if (!used.some((u) => overlaps(candidate, u))) return candidate;
  }
  throw new EngineError('UNAVAILABLE', 'all predefined address pools have been fully subnetted: give --subnet');
}

/**
 * The next free host address in `range` (inside `subnet`), after `cursor` and wrapping
 * around, skipping the network and broadcast addresses and everything in `taken`.
 */
export function nextFreeIp(subnet: Cidr, range: Cidr, taken: Set<number>, cursor = 0): number {
  const first = range.base;
  const count = size(range);
  const start = cursor >= first && cursor < first + count ? cursor - first + 1 : 0;
  for (let i = 0; i < count; i++) {
    const ip = first + ((start + i) % count);
    if (ip === subnet.base || ip === subnet.base + size(subnet) - 1 || taken.has(ip)) continue;
    return ip;
  }
  throw new EngineError('UNAVAILABLE', `no available IPv4 addresses on the network ${formatCidr(subnet)}`);
}

/** Docker's MAC scheme: 02:42 followed by the four bytes of the address. */
export function macFor(ip: number): string {
  return ['02', '42', ...[ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** The network an address with a prefix (`192.0.2.2/24`, host bits allowed) belongs to. */
export function networkOf(text: string): Cidr {
  const [addr = '', bits = '32'] = text.split('/');
  const prefix = Number(bits);
  return { base: (parseIp(addr) & mask(prefix)) >>> 0, prefix };
}
