import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.js';

/** A user network as aardvark-dns sees it: where it listens and the names it answers. */
export interface DnsNetwork {
  key: string;
  gateway: string;
  entries: { id: string; ip: string; names: string[] }[];
}

export const AARDVARK = '/usr/lib/podman/aardvark-dns';

/** One network's aardvark-dns config file: listening address, then `<id> <ipv4> <ipv6> <names>` lines. */
export function renderDnsConfig(net: DnsNetwork): string {
  return [net.gateway, ...net.entries.map((e) => `${e.id} ${e.ip}  ${[...new Set(e.names)].join(',')}`), ''].join('\n');
}

/**
 * Name resolution on user networks through aardvark-dns (as Podman uses it): one server per
 * engine, its config directory under the exec root, reloaded with SIGHUP. It answers the
 * names of containers on the network a query arrives on and forwards the rest to the host's
 * resolvers. It keeps running across daemon restarts (live restore).
 */
export class DnsServer {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string, private readonly binary = AARDVARK) {}

  update(networks: DnsNetwork[]): Promise<void> {
    const run = this.queue.then(() => this.write(networks));
    this.queue = run.catch(() => {});
    return run;
  }

  private async write(networks: DnsNetwork[]): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const keep = new Set(networks.map((n) => n.key));
    for (const file of await fs.readdir(this.dir)) {
      if (file !== 'aardvark.pid' && !keep.has(file)) await fs.rm(path.join(this.dir, file), { force: true });
    }
    for (const net of networks) {
      const file = path.join(this.dir, net.key);
      await fs.writeFile(`${file}.tmp`, renderDnsConfig(net));
      await fs.rename(`${file}.tmp`, file);
    }
    const pid = this.pid();
    if (networks.length === 0) {
      if (pid) process.kill(pid, 'SIGTERM');
      await fs.rm(path.join(this.dir, 'aardvark.pid'), { force: true });
      return;
    }
    if (pid) {
      process.kill(pid, 'SIGHUP');
      return;
    }
    await this.start();
  }

  private async start(): Promise<void> {
    await fs.access(this.binary).catch(() => {
      throw new EngineError('FAILED_PRECONDITION', `name resolution on user networks needs ${this.binary}: install the Debian package aardvark-dns`);
    });
    // `run` forks the server into the background, writes aardvark.pid and exits.
    await new Promise<void>((resolve, reject) => {
      const child = spawn(this.binary, ['--config', this.dir, '-p', '53', 'run'], { stdio: 'ignore', detached: true });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`aardvark-dns exited with ${code}`))));
    });
  }

  /** The running server's pid, if the pid file names a live aardvark-dns for our directory. */
  private pid(): number | null {
    try {
      const pid = Number(readFileSync(path.join(this.dir, 'aardvark.pid'), 'utf8').trim());
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.includes('aardvark-dns') && cmdline.includes(this.dir) ? pid : null;
    } catch {
      return null;
    }
  }

  /** Stops the server (the engine shuts down with no container on a user network). */
  stop(): Promise<void> {
    return this.update([]);
  }
}
