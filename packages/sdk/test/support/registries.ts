import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A registry server running as a child process on a loopback port, with its own storage. */
export interface RegistryProcess {
  name: string;
  /** `127.0.0.1:PORT`, as references name it. */
  host: string;
  stop(): Promise<void>;
}

const REGISTRY_BIN = fileURLToPath(new URL('../../../registry/dist/berth-registry.js', import.meta.url));

/** alice / wonderland, bcrypt cost 5 (made with bcryptjs, as `htpasswd -B -C 5` would). */
export const ALICE = { username: 'alice', password: 'wonderland' };
const HTPASSWD = 'alice:$2b$05$GBvC8GxhBoX4NtP1DEg/xOKQoH3PtE0XJIWmz6TMYeWdPBj9BDOJa\n';

async function scratch(name: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `berth-sdk-${name}-`));
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
}

/** berth-registry from its build (`serve --listen 127.0.0.1:0`, or the port given), optionally with token auth for alice. */
export async function startBerthRegistry(options: { auth?: 'token'; port?: number } = {}): Promise<RegistryProcess> {
  if (!existsSync(REGISTRY_BIN)) {
    throw new Error(`${REGISTRY_BIN} is missing: build the registry first (pnpm exec turbo run build --filter @berth/registry)`);
  }
  const dir = await scratch('berth-registry');
  const args = [REGISTRY_BIN, 'serve', '--listen', `127.0.0.1:${options.port ?? 0}`, '--storage', path.join(dir, 'storage'), '--gc-interval', '0', '--log-level', 'silent'];
  if (options.auth === 'token') {
    await writeFile(path.join(dir, 'htpasswd'), HTPASSWD);
    args.push('--auth', 'token', '--htpasswd', path.join(dir, 'htpasswd'));
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /berth-registry listening on (http:\/\/\S+)/.exec(output);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`berth-registry exited (${code}) before listening:\n${output}`)));
    child.once('error', reject);
  });
  return { name: 'berth-registry', host: new URL(url).host, stop: stopper(child, dir) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** The CNCF distribution registry (Debian's docker-registry), filesystem storage, optionally htpasswd for alice or deletion turned off. */
export async function startDistribution(options: { auth?: 'htpasswd'; deleteEnabled?: boolean } = {}): Promise<RegistryProcess> {
  const dir = await scratch('distribution');
  const port = await freePort();
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  cache:',
    '    blobdescriptor: inmemory',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'storage')}`,
    '  delete:',
    `    enabled: ${options.deleteEnabled ?? true}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: berth-sdk-test',
  ];
  if (options.auth === 'htpasswd') {
    await writeFile(path.join(dir, 'htpasswd'), HTPASSWD);
    config.push('auth:', '  htpasswd:', '    realm: berth-sdk-test', `    path: ${path.join(dir, 'htpasswd')}`);
  }
  await writeFile(path.join(dir, 'config.yml'), `${config.join('\n')}\n`);
  const child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const stop = stopper(child, dir);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = await probe(`http://127.0.0.1:${port}/v2/`);
    if (status === 200 || status === 401) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not come up on 127.0.0.1:${port}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { name: 'distribution', host: `127.0.0.1:${port}`, stop };
}
