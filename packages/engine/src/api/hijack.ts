import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { compareVersions } from './version.js';

/** Answers a hijack request with 101 and hands back the socket for raw streaming. */
export function acceptHijack(socket: Duplex, multiplexed: boolean, apiVersion: string): void {
  const contentType =
    multiplexed && compareVersions(apiVersion, '1.42') >= 0 ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream';
  socket.write(
    `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`,
  );
}

/**
 * Splits what arrived with an upgrade request into its JSON body (exec start carries one) and
 * the stdin bytes that followed it; reads more from the socket when the body is short.
 */
export async function readUpgradeBody(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<{ body: Buffer; rest: Buffer }> {
  const length = Number(req.headers['content-length'] ?? 0);
  if (!Number.isFinite(length) || length <= 0) return { body: Buffer.alloc(0), rest: head };
  let buffer = head;
  while (buffer.length < length) {
    const chunk = await new Promise<Buffer | null>((resolve) => {
      const onData = (data: Buffer): void => {
        cleanup();
        resolve(data);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(null);
      };
      const cleanup = (): void => {
        socket.off('data', onData);
        socket.off('end', onEnd);
      };
      socket.on('data', onData);
      socket.on('end', onEnd);
    });
    if (chunk === null) break;
    buffer = Buffer.concat([buffer, chunk]);
  }
  socket.pause();
  return { body: buffer.subarray(0, length), rest: buffer.subarray(length) };
}
