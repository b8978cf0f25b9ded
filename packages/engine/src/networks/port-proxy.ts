import dgram from 'node:dgram';
import net from 'node:net';
import { EngineError } from '../errors.js';
import type { PortMapping } from './network-record.js';

/** A host port held open for a container. */
export interface HeldPort {
  mapping: PortMapping;
  close(): Promise<void>;
}

/**
 * Holds each published host port, like dockerd's userland proxy: it reserves the port (a port
 * in use fails the start, naming it), picks ephemeral ports, and forwards the TCP connections
 * the NAT rules leave alone: those from containers on our bridges (the host's own, 127.0.0.1
 * included, are DNATed in the kernel).
 */
export async function holdPort(mapping: PortMapping, target: { ip: string }): Promise<HeldPort> {
  const proto = mapping.proto;
  try {
    if (proto === 'udp') {
      const socket = dgram.createSocket('udp4');
      const port = await new Promise<number>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ address: mapping.hostIp, port: mapping.hostPort, exclusive: true }, () => resolve(socket.address().port));
      });
      socket.unref();
      return { mapping: { ...mapping, hostPort: port }, close: () => new Promise((r) => socket.close(() => r())) };
    }
    const server = net.createServer({ pauseOnConnect: true }, (client) => forward(client, target.ip, mapping.containerPort));
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: mapping.hostIp, port: mapping.hostPort, exclusive: true }, () => resolve((server.address() as net.AddressInfo).port));
    });
    server.unref();
    const sockets = new Set<net.Socket>();
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    return {
      mapping: { ...mapping, hostPort: port },
      close: () =>
        new Promise((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
    };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const where = `${mapping.hostIp}:${mapping.hostPort}/${proto}`;
    if (code === 'EADDRINUSE') throw new EngineError('CONFLICT', `Bind for ${where} failed: port is already allocated`, { cause: err });
    throw new EngineError('INVALID_ARGUMENT', `cannot publish ${where}: ${(err as Error).message}`, { cause: err });
  }
}

function forward(client: net.Socket, ip: string, port: number): void {
  const upstream = net.connect({ host: ip, port });
  const drop = (): void => {
    client.destroy();
    upstream.destroy();
  };
  upstream.once('connect', () => {
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
  client.on('error', drop);
  upstream.on('error', drop);
  client.on('close', () => upstream.end());
  upstream.on('close', () => client.end());
}
