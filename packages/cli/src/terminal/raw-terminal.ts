import type { ReadStream } from 'node:tty';

/**
 * Puts the terminal in raw mode for an interactive session and guarantees it is restored:
 * on normal return, on errors, and when the process exits on a signal.
 */
export function enterRawMode(stdin: NodeJS.ReadableStream & { isTTY?: boolean }): () => void {
  const tty = stdin as ReadStream;
  if (!tty.isTTY || typeof tty.setRawMode !== 'function') return () => {};
  const wasRaw = tty.isRaw;
  tty.setRawMode(true);
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    try {
      tty.setRawMode(wasRaw);
    } catch {
      // The terminal is gone (hung up); nothing to restore.
    }
    process.off('exit', restore);
  };
  process.on('exit', restore);
  return restore;
}

/** Calls `onResize(rows, cols)` now and on every SIGWINCH; returns the unsubscribe. */
export function watchResize(stdout: { isTTY?: boolean; rows?: number; columns?: number }, onResize: (rows: number, cols: number) => void): () => void {
  if (!stdout.isTTY) return () => {};
  const send = (): void => {
    if (stdout.rows && stdout.columns) onResize(stdout.rows, stdout.columns);
  };
  send();
  process.on('SIGWINCH', send);
  return () => process.off('SIGWINCH', send);
}
