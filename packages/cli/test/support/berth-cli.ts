import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PKG = path.resolve(here, '../..');
/** The built CLI's entry. */
export const BERTH = path.join(PKG, 'dist/berth.cjs');
/** Its launcher, the package's bin: tests run what users run (on Bun when it is installed, else on Node). */
export const BERTH_BIN = path.join(PKG, 'bin/berth');

let built = false;

/** The newest modification time of the files under `dir`. */
function newest(dir: string): number {
  let max = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) max = Math.max(max, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return max;
}

/**
 * Builds the CLI once per test process (tsup takes well under a second), and only when a
 * source is newer than the build: test files run in parallel, and a build cleans dist/ under
 * the feet of the others.
 */
export function buildCli(): void {
  if (built) return;
  const sources = Math.max(newest(path.join(PKG, 'src')), newest(path.join(PKG, 'build')), newest(path.join(PKG, '../sdk/src')), fs.statSync(path.join(PKG, 'tsup.config.ts')).mtimeMs);
  if (fs.existsSync(BERTH) && fs.statSync(BERTH).mtimeMs > sources) {
    built = true;
    return;
  }
  execFileSync('npx', ['tsup', '--silent'], { cwd: PKG, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!fs.existsSync(BERTH)) throw new Error(`tsup did not produce ${BERTH}`);
  built = true;
}

export interface BerthResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface BerthOptions {
  /** Engine address (DOCKER_HOST); none for commands that must not need one. */
  host?: string;
  config?: string;
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
  /** Working directory (default: the test's). */
  cwd?: string;
}

/** A `berth` process under way: its output so far, and its result once it exits. */
export interface BerthProcess {
  stdout(): string;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  done: Promise<BerthResult>;
}

/** Starts the built `berth` with a clean environment, for tests that watch it while it runs. */
export function startBerth(args: string[], opts: BerthOptions = {}): BerthProcess {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: opts.config ?? '/nonexistent', ...opts.env };
  if (opts.host) env.BERTH_HOST = opts.host;
  if (opts.config) env.BERTH_CONFIG = opts.config;
  const child = spawn(BERTH_BIN, args, { env, stdio: ['pipe', 'pipe', 'pipe'], ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(opts.input ?? '');
  const done = new Promise<BerthResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
  return { stdout: () => stdout, stderr: () => stderr, kill: (signal) => void child.kill(signal), done };
}

/** Runs the built `berth` with a clean environment. */
export function berth(args: string[], opts: BerthOptions = {}): Promise<BerthResult> {
  return startBerth(args, opts).done;
}

/** Polls `check` until it holds, failing after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `berth` on a pseudo-terminal (util-linux `script`), typing `keys` once `ready` shows on screen. */
export function berthTty(args: string[], opts: BerthOptions & { steps?: { waitFor: RegExp; type: string }[] } = {}): Promise<BerthResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', TERM: 'xterm', ...opts.env };
  if (opts.host) env.BERTH_HOST = opts.host;
  if (opts.config) env.BERTH_CONFIG = opts.config;
  const command = `stty rows 30 cols 100; ${[BERTH_BIN, ...args].map((a) => `'${a}'`).join(' ')}; echo "[exit $?]"; stty -a | grep -o -- '-\\?icanon'`;
  const child = spawn('script', ['-qefc', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const steps = [...(opts.steps ?? [])];
  let seen = 0;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    while (steps.length > 0 && steps[0]!.waitFor.test(stdout.slice(seen))) {
      seen = stdout.length;
      child.stdin.write(steps.shift()!.type);
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const m = /\[exit (\d+)\]/.exec(stdout);
      resolve({ code: m ? Number(m[1]) : (code ?? 1), stdout, stderr });
    });
  });
}
