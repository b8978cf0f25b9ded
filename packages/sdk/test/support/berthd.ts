import { type ChildProcess, spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineClient } from '../../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../../../..');
/** The built daemon; `BERTHD_ENTRY` points tests at another build of it. */
export const BERTHD = process.env.BERTHD_ENTRY ?? path.join(REPO, 'packages/engine/dist/berthd.js');

/** A berthd on its own socket and data root (a thin copy of the engine tests' TestDaemon). */
export class TestDaemon {
  private proc: ChildProcess | null = null;
  readonly socket: string;
  readonly host: string;
  stderr = '';

  private constructor(readonly root: string) {
    this.socket = path.join(root, 'run', 'berth.sock');
    this.host = `unix://${this.socket}`;
  }

  static async start(): Promise<TestDaemon> {
    const daemon = new TestDaemon(await fsp.mkdtemp('/tmp/bt-sdk-'));
    await fsp.mkdir(path.join(daemon.root, 'run'), { recursive: true });
    const proc = spawn(process.execPath, [
      BERTHD, '-H', daemon.host, '--data-root', path.join(daemon.root, 'data'), '--exec-root', path.join(daemon.root, 'run'), '--log-level', 'warn',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    daemon.proc = proc;
    proc.stderr!.on('data', (d: Buffer) => (daemon.stderr += d.toString()));
    const client = new EngineClient({ host: daemon.host });
    const deadline = Date.now() + 20_000;
    try {
      while (Date.now() < deadline) {
        if (proc.exitCode !== null) throw new Error(`berthd exited with ${proc.exitCode}: ${daemon.stderr}`);
        if (await client.ping().then(() => true, () => false)) return daemon;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      client.close();
    }
    throw new Error(`berthd did not answer within 20s: ${daemon.stderr}`);
  }

  /** Imports busybox through the project's base-images script. */
  async importBusybox(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('bash', [path.join(REPO, 'scripts/base-images.sh'), '--busybox-only'], {
        env: { ...process.env, DOCKER_HOST: this.host },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`base-images.sh failed (${code}): ${err}`))));
    });
  }

  /** Removes every container, stops the daemon and deletes its directories. */
  async destroy(): Promise<void> {
    const proc = this.proc;
    if (proc && proc.exitCode === null) {
      const client = new EngineClient({ host: this.host });
      const all = await client.containers.list({ all: true }).catch(() => []);
      await Promise.all(all.map((c) => client.containers.remove(c.Id, { force: true }).catch(() => {})));
      client.close();
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    await fsp.rm(this.root, { recursive: true, force: true }).catch(() => {});
  }
}
