import { spawn } from 'node:child_process';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface FakeServer {
  /** `127.0.0.1:PORT` */
  host: string;
  /** Every request, in arrival order. */
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A tiny node:http server on a loopback port that records each request before `handle` answers it. */
export async function fakeServer(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeServer> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers `{"errors":[…]}` with a status, as registries do. */
export function ociError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ errors: [{ code, message }] }));
}

/**
 * A loopback port whose connections never open: a listener in a stopped process with its
 * backlog filled, so the kernel drops further SYNs and a connect hangs until it times out.
 */
export async function blackHole(): Promise<{ host: string; close(): void }> {
  const script = "const s=require('net').createServer().listen({port:0,host:'127.0.0.1',backlog:1},()=>console.log(s.address().port))";
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = Number(await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()))));
  child.kill('SIGSTOP');
  // Fill the accept queue one connection at a time, until one no longer opens.
  const fillers: net.Socket[] = [];
  for (let opened = true; opened && fillers.length < 8; ) {
    const socket = net.connect(port, '127.0.0.1').on('error', () => {});
    fillers.push(socket);
    opened = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 200);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
  return {
    host: `127.0.0.1:${port}`,
    close: () => {
      for (const f of fillers) f.destroy();
      child.kill('SIGKILL');
    },
  };
}
