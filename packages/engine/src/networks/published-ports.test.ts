import { describe, expect, it } from 'vitest';
import { portsView, requestedPorts } from './published-ports.js';

describe('published ports', () => {
  it('reads -p bindings and -P for exposed ports', () => {
    const ports = requestedPorts(
      { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, PublishAllPorts: true },
      { '80/tcp': {}, '443/tcp': {}, '53/udp': {} },
    );
    expect(ports).toEqual([
      { proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 },
      { proto: 'udp', containerPort: 53, hostIp: '127.0.0.1', hostPort: 0 },
      { proto: 'tcp', containerPort: 443, hostIp: '0.0.0.0', hostPort: 0 },
    ]);
  });

  it('rejects bad specifications', () => {
    expect(() => requestedPorts({ PortBindings: { '80/sctp': [{ HostPort: '1' }] } }, {})).toThrow(/proto/);
    expect(() => requestedPorts({ PortBindings: { '80/tcp': [{ HostPort: 'x' }] } }, {})).toThrow(/host port/);
  });

  it('shows exposed ports without a binding as null', () => {
    expect(portsView({ '80/tcp': {}, '81/tcp': {} }, [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPort: 8080 }])).toEqual({
      '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }],
      '81/tcp': null,
    });
  });
});
