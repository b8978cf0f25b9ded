import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The built daemon; `BERTHD_ENTRY` points tests at another build of it (e.g. `dist-mine/berthd.js`). */
export const BERTHD = process.env.BERTHD_ENTRY ?? path.resolve(here, '../../dist/berthd.js');
export const REPO = path.resolve(here, '../../../..');
export const DOCKER = '/usr/local/bin/docker';

/** A berthd on its own socket and data root, as the compatibility tests and benchmarks use. */
export class TestDaemon {
  proc: ChildProcess | null = null;
  readonly socket: string;
  readonly host: string;
  readonly dataRoot: string;
  readonly execRoot: string;
  stderr = '';

  private constructor(readonly root: string, private readonly args: string[] = []) {
    this.dataRoot = path.join(root, 'data');
    this.execRoot = path.join(root, 'run');
    this.socket = path.join(this.execRoot, 'berth.sock');
    this.host = `unix://${this.socket}`;
  }

  /** `args`: more berthd flags. */
  static async start(args: string[] = []): Promise<TestDaemon> {
    const root = await fsp.mkdtemp('/tmp/bt-');
    const daemon = new TestDaemon(root, args);
    await daemon.launch();
    return daemon;
  }

  async launch(): Promise<void> {
    await fsp.mkdir(this.execRoot, { recursive: true });
    const proc = spawn(process.execPath, [BERTHD, '-H', this.host, '--data-root', this.dataRoot, '--exec-root', this.execRoot, '--log-level', 'warn', ...this.args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.proc = proc;
    proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`berthd exited with ${proc.exitCode}: ${this.stderr}`);
      const ping = await docker(this, ['version', '--format', '{{.Server.Version}}']).catch(() => null);
      if (ping && ping.code === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`berthd did not answer within 20s: ${this.stderr}`);
  }

  /** Sends `signal` to the running daemon (SIGHUP: reload) and returns at once. */
  signal(signal: NodeJS.Signals): void {
    this.proc?.kill(signal);
  }

  /** Stops the daemon process (containers keep running: live restore). */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
    this.proc = null;
  }

  /** Stops the daemon, removes every container it ran and its directories. */
  async destroy(): Promise<void> {
    if (this.proc) {
      const ids = (await docker(this, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await docker(this, ['rm', '-f', ...ids]);
      await this.kill();
    }
    await fsp.rm(this.root, { recursive: true, force: true }).catch(() => {});
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface DockerOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  env?: Record<string, string>;
  /** On a terminal (a pty from `script`), as someone typing: progress bars, Ctrl-C. Output is the screen. */
  tty?: boolean;
}

/** A docker CLI process under way: its output so far, and its result once it exits. */
export interface DockerProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Ctrl-C: typed on the terminal, else SIGINT. */
  interrupt(): void;
  done: Promise<RunResult>;
}

/** Starts the real docker CLI against a daemon, for tests that watch or signal it while it runs. */
export function startDocker(daemon: { host: string }, args: string[], opts: DockerOptions = {}): DockerProcess {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/root', DOCKER_HOST: daemon.host, DOCKER_CONFIG: DOCKER_CONFIG_DIR, ...opts.env };
  const command = `stty rows 30 cols 120; ${[DOCKER, ...args].map((a) => `'${a}'`).join(' ')}`;
  const child = opts.tty
    ? spawn('script', ['-qefc', command, '/dev/null'], { env: { ...env, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(DOCKER, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<RunResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
  if (opts.input !== undefined) child.stdin.end(opts.input);
  else if (!opts.tty) child.stdin.end();
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    interrupt: () => (opts.tty ? child.stdin.write('\x03') : child.kill('SIGINT')),
    done,
  };
}

/** Runs the real docker CLI against a daemon. */
export function docker(daemon: { host: string }, args: string[], opts: DockerOptions = {}): Promise<RunResult> {
  return startDocker(daemon, args, opts).done;
}

const DOCKER_CONFIG_DIR = fs.mkdtempSync('/tmp/bt-docker-config-');

/** Imports the busybox base image through the project's own script. */
export async function importBusybox(daemon: { host: string }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [path.join(REPO, 'scripts/base-images.sh'), '--busybox-only'], {
      env: { ...process.env, DOCKER_HOST: daemon.host },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`base-images.sh failed (${code}): ${err}`))));
  });
}
