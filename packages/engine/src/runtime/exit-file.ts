import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.js';

/**
 * conmon writes `<exitDir>/<container id>` once the container's process has exited and its
 * output is drained. The content is the exit code; a death by signal N is already 128+N
 * (137 for SIGKILL), as Docker reports it.
 */

function parseExitCode(text: string, file: string): number {
  const code = Number(text.trim());
  if (!Number.isInteger(code)) {
    throw new EngineError('INTERNAL', `exit file ${file} holds "${text.trim()}", not an exit code`);
  }
  return code;
}

/** The exit code recorded for `id`, or null while there is none. */
export async function readExitFile(exitDir: string, id: string): Promise<number | null> {
  const file = path.join(exitDir, id);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  // conmon writes the file through a temporary name and renames it: it is never partial.
  return parseExitCode(text, file);
}

/**
 * Resolve with the exit code of `id` as soon as conmon records it: a watch on the exit
 * directory, set up before the first check so no write is missed. Rejects with the abort
 * reason when `signal` fires.
 */
export function waitExitFile(exitDir: string, id: string, signal?: AbortSignal): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let settled = false;
    let checking = false;
    let again = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      watcher.close();
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const check = (): void => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      readExitFile(exitDir, id).then(
        (code) => {
          checking = false;
          if (code !== null) finish(() => resolve(code));
          else if (again) {
            again = false;
            check();
          }
        },
        (err: unknown) => finish(() => reject(err)),
      );
    };
    const onAbort = (): void => finish(() => reject(signal?.reason));
    const watcher = watch(exitDir, { persistent: true }, (_event, name) => {
      if (name === null || name === id) check();
    });
    watcher.on('error', (err) => finish(() => reject(err)));
    signal?.addEventListener('abort', onAbort, { once: true });
    check();
  });
}
