import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EngineError } from '../errors.js';

/** How to mount an overlay: its option string, and the directory to run `mount` from (options may name layers relative to it). */
export interface OverlayMount {
  options: string;
  cwd: string;
}

const OPEN_DIRECTORY = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/*
 * Runs in a mount namespace of its own (`unshare --mount`, private propagation): mounts the overlay at "$1"
 * unless something is mounted there already, says so, and stays until its stdin closes.
 */
const SCRIPT = 'mountpoint -q "$1" || mount -t overlay overlay -o "$2" "$1" || exit 1; echo ready; read -r _';

/**
 * Opens the directory `target` with `overlay` mounted on it, without touching the host's mount table: a
 * helper in a throwaway mount namespace mounts it there (or keeps what is mounted there already, as a running
 * container's root is), the daemon opens the directory through `/proc/<pid>/root`, and the helper exits. The
 * handle keeps the mount alive until it is closed; when the daemon dies nothing is left mounted.
 */
export async function openPrivateMount(target: string, overlay: OverlayMount): Promise<FileHandle> {
  const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', SCRIPT, 'sh', target, overlay.options], {
    cwd: overlay.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => undefined);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  try {
    const ready = await new Promise<boolean>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (line) => resolve(line === 'ready'));
      child.once('close', () => resolve(false));
      child.once('error', reject);
    }).catch((err: NodeJS.ErrnoException) => {
      throw new EngineError('UNAVAILABLE', `cannot run unshare to mount ${target}: ${err.message}`, { cause: err });
    });
    if (!ready) throw new EngineError('INTERNAL', `mounting a read-only view at ${target} failed: ${stderr.trim() || 'the helper exited'}`);
    return await open(path.join(`/proc/${child.pid}/root`, target), OPEN_DIRECTORY);
  } finally {
    child.stdin.end();
  }
}
