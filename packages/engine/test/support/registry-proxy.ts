import http from 'node:http';
import type { AddressInfo } from 'node:net';

const BLOB_PATH = /^\/v2\/.+\/blobs\/(sha256:[0-9a-f]{64})$/;

/**
 * A loopback HTTP proxy in front of a registry that sees what a puller asks for: it counts the
 * GETs of each blob, can flip a byte of a blob's body (a registry serving bad data) and can hold
 * a big blob's body halfway (a download caught mid-way, for as long as a test needs).
 */
export class RegistryProxy {
  /** GETs of each blob digest that reached the registry. */
  readonly blobGets = new Map<string, number>();
  /** Blobs whose bodies get one byte changed on the way. */
  readonly corrupt = new Set<string>();
  /** Bodies that reached the point to be held at since {@link holdAfter}. */
  holds = 0;
  private holdFrom: number | undefined;
  private release: () => void = () => undefined;
  private released: Promise<void> = Promise.resolve();

  private constructor(private readonly server: http.Server, readonly host: string) {}

  static async start(upstream: string): Promise<RegistryProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new RegistryProxy(server, `127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => proxy.forward(upstream, req, res));
    return proxy;
  }

  /** From now on, bodies of blobs larger than `bytes` stop after `bytes` until {@link resume} (bodies held before go on). */
  holdAfter(bytes: number): void {
    this.release();
    this.holdFrom = bytes;
    this.holds = 0;
    this.released = new Promise((resolve) => (this.release = resolve));
  }

  /** Lets held bodies go on, and holds no more. */
  resume(): void {
    this.holdFrom = undefined;
    this.release();
  }

  async close(): Promise<void> {
    this.resume();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private forward(upstream: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const digest = req.method === 'GET' ? BLOB_PATH.exec(req.url ?? '')?.[1] : undefined;
    if (digest) this.blobGets.set(digest, (this.blobGets.get(digest) ?? 0) + 1);
    const out = http.request(`http://${upstream}${req.url ?? '/'}`, { method: req.method, headers: { ...req.headers, host: upstream } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      const size = Number(up.headers['content-length']);
      void this.relay(up, res, {
        corruptAt: digest && this.corrupt.has(digest) ? Math.floor(size / 2) : undefined,
        holdAt: digest && this.holdFrom !== undefined && size > this.holdFrom ? this.holdFrom : undefined,
      });
    });
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  }

  private async relay(up: http.IncomingMessage, res: http.ServerResponse, at: { corruptAt?: number | undefined; holdAt?: number | undefined }): Promise<void> {
    let offset = 0;
    const gone = new Promise<void>((resolve) => res.once('close', resolve));
    try {
      for await (const data of up as AsyncIterable<Buffer>) {
        let chunk = data;
        if (at.corruptAt !== undefined && at.corruptAt >= offset && at.corruptAt < offset + chunk.length) {
          const i = at.corruptAt - offset;
          chunk = Buffer.from(chunk);
          chunk.writeUInt8(chunk.readUInt8(i) ^ 0xff, i);
        }
        if (at.holdAt !== undefined && offset + chunk.length > at.holdAt) {
          const before = chunk.subarray(0, at.holdAt - offset);
          if (before.length > 0 && !res.write(before)) await Promise.race([new Promise((r) => res.once('drain', r)), gone]);
          at.holdAt = undefined;
          this.holds++;
          await Promise.race([this.released, gone]);
          chunk = chunk.subarray(before.length);
        }
        offset += data.length;
        if (res.destroyed) break;
        if (!res.write(chunk)) await Promise.race([new Promise((r) => res.once('drain', r)), gone]);
      }
      res.end();
    } catch {
      res.destroy();
    }
  }
}
