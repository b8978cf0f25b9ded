import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { EngineError } from '../errors.js';
import { ConmonPipe } from './sync-pipe.js';

/** A conmon being launched: its first process and the parent's ends of its pipes. */
export interface ConmonLaunch {
  /** The first conmon process; it forks the monitor and exits at once. */
  child: ChildProcess;
  /** `_OCI_SYNCPIPE`: the container pid, then (exec only) the exit code. */
  sync: ConmonPipe;
  /** `_OCI_STARTPIPE`: conmon blocks on it before starting, and again before exec with attach. */
  start?: Writable;
  /** `_OCI_ATTACHPIPE`: conmon reports that the exec attach socket is listening. */
  attach?: ConmonPipe;
  /** Resolves when the first process exited: its code and whatever it wrote to stderr. */
  exited: Promise<{ code: number | null; stderr: string }>;
  /** Drop every handle so neither side keeps the other alive. */
  release(): void;
}

/**
 * Spawn conmon with only the file descriptors it needs: stdin and stdout on /dev/null,
 * stderr captured until conmon detaches, fd 3 the sync pipe, and with `exec` fd 4 the start
 * pipe and fd 5 the attach pipe. conmon gets its own session and a minimal environment,
 * so it outlives the daemon that started it.
 */
export function launchConmon(binary: string, args: string[], opts: { cwd: string; exec: boolean }): ConmonLaunch {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    _OCI_SYNCPIPE: '3',
  };
  const stdio: ('ignore' | 'pipe')[] = ['ignore', 'ignore', 'pipe', 'pipe'];
  if (opts.exec) {
    env._OCI_STARTPIPE = '4';
    env._OCI_ATTACHPIPE = '5';
    stdio.push('pipe', 'pipe');
  }
  let child: ChildProcess;
  try {
    child = spawn(binary, args, { cwd: opts.cwd, env, stdio, detached: true });
  } catch (err) {
    throw new EngineError('UNAVAILABLE', `cannot run conmon (${binary}): ${(err as Error).message}`, { cause: err });
  }
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (stderr.length < 64 * 1024) stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('error', (err) => {
      stderr += `cannot run conmon (${binary}): ${err.message}`;
      resolve({ code: null, stderr });
    });
    child.on('exit', (code) => {
      // Let stderr drain: the monitor drops it when it detaches.
      setImmediate(() => resolve({ code, stderr }));
    });
  });
  const fds = child.stdio as unknown as (Readable | Writable | null)[];
  const sync = new ConmonPipe(fds[3] as Readable);
  const start = opts.exec ? (fds[4] as Writable) : undefined;
  const attach = opts.exec ? new ConmonPipe(fds[5] as Readable) : undefined;
  start?.on('error', () => {});
  return {
    child,
    sync,
    ...(start ? { start } : {}),
    ...(attach ? { attach } : {}),
    exited,
    release() {
      child.unref();
      child.stderr?.destroy();
      sync.close();
      attach?.close();
      start?.destroy();
    },
  };
}

/** Build the error for a runtime that failed to create or exec, from conmon's message. */
export function runtimeError(verb: 'create' | 'exec', message: string): EngineError {
  const text = `OCI runtime ${verb} failed: ${message}`;
  const userError = /executable file not found|no such file or directory|permission denied|is a directory|not a directory/i;
  return new EngineError(userError.test(message) ? 'INVALID_ARGUMENT' : 'INTERNAL', text);
}
