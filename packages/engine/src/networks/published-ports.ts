import type { HostConfig } from '@berth/sdk';
import { EngineError } from '../errors.js';
import type { PortMapping } from './network-record.js';

/** What `-p`, `-P` and EXPOSE ask for; a host port of 0 means "pick one". */
export function requestedPorts(hostConfig: HostConfig, exposed: Record<string, object> | null | undefined): PortMapping[] {
  const bindings = (hostConfig.PortBindings ?? {}) as Record<string, { HostIp?: string; HostPort?: string }[] | null>;
  const out: PortMapping[] = [];
  for (const [key, list] of Object.entries(bindings)) {
    const { proto, port } = parsePortKey(key);
    for (const b of list ?? []) out.push({ proto, containerPort: port, hostIp: b.HostIp || '0.0.0.0', hostPort: parseHostPort(b.HostPort ?? '') });
  }
  if (hostConfig.PublishAllPorts) {
    for (const key of Object.keys(exposed ?? {})) {
      if (key in bindings) continue;
      const { proto, port } = parsePortKey(key);
      out.push({ proto, containerPort: port, hostIp: '0.0.0.0', hostPort: 0 });
    }
  }
  return out;
}

/** `80/tcp`, `53/udp`, `8080` (tcp). */
export function parsePortKey(key: string): { proto: 'tcp' | 'udp'; port: number } {
  const [portText = '', proto = 'tcp'] = key.split('/');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new EngineError('INVALID_ARGUMENT', `invalid port specification: "${key}"`);
  if (proto !== 'tcp' && proto !== 'udp') throw new EngineError('INVALID_ARGUMENT', `invalid proto: ${proto} (use tcp or udp)`);
  return { proto, port };
}

function parseHostPort(text: string): number {
  if (text === '') return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new EngineError('INVALID_ARGUMENT', `invalid host port: "${text}"`);
  return port;
}

/** `NetworkSettings.Ports` of `docker inspect`: every exposed port, null when not published. */
export function portsView(exposed: Record<string, object> | null | undefined, ports: PortMapping[]): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const view: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const key of Object.keys(exposed ?? {})) view[key.includes('/') ? key : `${key}/tcp`] = null;
  for (const p of ports) {
    const key = `${p.containerPort}/${p.proto}`;
    (view[key] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
  }
  return view;
}

/** The `Ports` of `docker ps`. */
export function portsSummary(ports: PortMapping[]): { IP: string; PrivatePort: number; PublicPort: number; Type: string }[] {
  return ports.map((p) => ({ IP: p.hostIp, PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.proto }));
}
