import { describe, expect, it } from 'vitest';
import { formatCidr, formatIp, macFor, nextFreeIp, overlaps, parseCidr, parseIp, pickSubnet } from './ipv4.js';

describe('ipv4', () => {
  it('parses and formats addresses and networks', () => {
    expect(formatIp(parseIp('172.17.0.2'))).toBe('172.17.0.2');
    expect(formatCidr(parseCidr('10.1.0.0/16'))).toBe('10.1.0.0/16');
    expect(() => parseCidr('10.1.0.1/16')).toThrow(/10\.1\.0\.0\/16/);
    expect(() => parseCidr('10.1.0.0')).toThrow(/CIDR/);
    expect(() => parseIp('300.1.1.1')).toThrow(/invalid IPv4/);
  });

  it('finds overlaps', () => {
    expect(overlaps(parseCidr('10.1.0.0/16'), parseCidr('10.1.5.0/24'))).toBe(true);
    expect(overlaps(parseCidr('10.1.0.0/16'), parseCidr('10.2.0.0/16'))).toBe(false);
  });

  it('picks the first default pool that is free', () => {
    expect(formatCidr(pickSubnet([]))).toBe('172.17.0.0/16');
    expect(formatCidr(pickSubnet([parseCidr('172.17.0.0/16'), parseCidr('172.18.3.0/24')]))).toBe('172.19.0.0/16');
  });

  it('allocates addresses after a cursor, skipping taken ones and the network address', () => {
    const net = parseCidr('10.9.0.0/24');
    const gw = parseIp('10.9.0.1');
    expect(formatIp(nextFreeIp(net, net, new Set([gw])))).toBe('10.9.0.2');
    expect(formatIp(nextFreeIp(net, net, new Set([gw]), parseIp('10.9.0.2')))).toBe('10.9.0.3');
    expect(formatIp(nextFreeIp(net, net, new Set([gw]), parseIp('10.9.0.254')))).toBe('10.9.0.2');
    const range = parseCidr('10.9.0.128/25');
    expect(formatIp(nextFreeIp(net, range, new Set([gw])))).toBe('10.9.0.128');
    expect(() => nextFreeIp(parseCidr('10.9.0.0/30'), parseCidr('10.9.0.0/30'), new Set([parseIp('10.9.0.1'), parseIp('10.9.0.2')]))).toThrow(/no available/);
  });

  it('derives Docker-style MAC addresses', () => {
    expect(macFor(parseIp('172.17.0.3'))).toBe('02:42:ac:11:00:03');
  });
});
