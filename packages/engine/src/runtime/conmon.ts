import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { launchConmon, runtimeError } from './conmon-process.js';
import { runtimeMessage } from './runc.js';

/** Where conmon keeps a container's files; every path comes from the caller. */
export interface ConmonOptions {
  /** conmon binary (default "conmon" from PATH). */
  conmon?: string;
  id: string;
  name?: string;
  /** Bundle directory holding config.json; conmon also puts `attach`, `ctl`, `winsz` here. */
  bundle: string;
  /** OCI runtime binary (runc). */
  runtime: string;
  /** runc --root for this Berth instance. */
  runtimeRoot: string;
  /** k8s-file log (`<time> stdout|stderr F|P <text>` per line). */
  logPath: string;
  logSizeMax?: number;
  /** conmon writes `<exitDir>/<id>` with the exit code. */
  exitDir: string;
  /** runc writes the container's init pid here. */
  pidFile: string;
  conmonPidFile: string;
  /** conmon links `<socketDir>/<id>` to the bundle (remove it with removeSocketLink). */
  socketDir: string;
  tty: boolean;
  /** Give the container a stdin that attach clients can write to. */
  stdin: boolean;
  /** Keep the container's stdin open when an attach client disconnects (Docker's StdinOnce=false). */
  leaveStdinOpen?: boolean;
}

/** A created container: runc's init is waiting for `runc start`. */
export interface ConmonStarted {
  /** The container's init pid (host pid namespace). */
  pid: number;
  /** The conmon monitor's pid. */
  conmonPid: number;
}

/** conmon's argument list for creating a container. */
export function conmonArgs(opts: ConmonOptions): string[] {
  const args = [
    '--api-version', '1',
    '-c', opts.id,
    '-u', opts.id,
    '-n', opts.name ?? opts.id,
    '-r', opts.runtime,
    '--runtime-arg', '--root', '--runtime-arg', opts.runtimeRoot,
    '-b', opts.bundle,
    '-p', opts.pidFile,
    '--conmon-pidfile', opts.conmonPidFile,
    '-l', `k8s-file:${opts.logPath}`,
    '--exit-dir', opts.exitDir,
    '--socket-dir-path', opts.socketDir,
  ];
  if (opts.logSizeMax !== undefined && opts.logSizeMax > 0) args.push('--log-size-max', String(opts.logSizeMax));
  if (opts.tty) args.push('-t');
  if (opts.stdin) args.push('-i');
  if (opts.stdin && opts.leaveStdinOpen) args.push('--leave-stdin-open');
  return args;
}

/**
 * Start a detached conmon that runs `runc create` for the container. Resolves once the
 * container is created (the caller then attaches, and runs `runc start`), rejects with the
 * runtime's own words when create fails — e.g. `exec: "nope": executable file not found in
 * $PATH`, which the docker CLI turns into exit code 127.
 */
export async function startConmon(opts: ConmonOptions): Promise<ConmonStarted> {
  const launch = launchConmon(opts.conmon ?? 'conmon', conmonArgs(opts), { cwd: opts.bundle, exec: false });
  try {
    const [msg, exited] = await Promise.all([launch.sync.next(), launch.exited]);
    if (exited.code !== 0) {
      throw new EngineError('INTERNAL', `conmon failed for container ${opts.id}: ${exited.stderr.trim() || `exit code ${exited.code}`}`);
    }
    if (msg === null) {
      throw new EngineError('INTERNAL', `conmon exited before creating container ${opts.id}; see the system log`);
    }
    if (msg.data <= 0) {
      throw runtimeError('create', runtimeMessage(msg.message ?? '') || 'unknown error');
    }
    const conmonPid = Number((await readFile(opts.conmonPidFile, 'utf8')).trim());
    return { pid: msg.data, conmonPid };
  } finally {
    launch.release();
  }
}

/** Remove the link conmon leaves at `<socketDir>/<id>` (after the container exited). */
export async function removeSocketLink(socketDir: string, id: string): Promise<void> {
  await rm(path.join(socketDir, id), { force: true });
}

/**
 * Whether the conmon monitoring container `id` still runs as `conmonPid` (its command line
 * is checked, so a recycled pid does not count).
 */
export function isConmonAlive(conmonPid: number, id: string): boolean {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${conmonPid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false;
  }
  return path.basename(argv[0] ?? '') === 'conmon' && argv.includes(id);
}
