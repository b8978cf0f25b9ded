import type { FetchedManifest } from './manifests.js';

/** Progress of a pull or push, blob by blob, then the manifest. */
export type TransferEvent =
  /** Work on the blob began (it is then found present, mounted, or moved). */
  | { type: 'blob-started'; digest: string; size: number }
  /** The destination had it already; nothing was moved. */
  | { type: 'blob-exists'; digest: string; size: number }
  /** Push only: the registry linked it from another repository. */
  | { type: 'blob-mounted'; digest: string; size: number; from: string }
  | { type: 'blob-progress'; digest: string; current: number; total: number }
  /** Moved and verified. */
  | { type: 'blob-done'; digest: string; size: number }
  /** The last event: the manifest pushed or pulled (for a pull of an index, the platform's manifest and the index). */
  | { type: 'manifest-done'; reference: string; manifest: FetchedManifest; index?: FetchedManifest };

export type EmitTransferEvent = (event: TransferEvent) => void;

/**
 * Runs `work` and yields the events it emits. Progress events of a blob that the consumer has
 * not taken yet are replaced by newer ones, so a slow consumer never makes the queue grow.
 * Breaking out of the loop (or `signal`) aborts the work; the work's error ends the iteration.
 */
export async function* transferEvents(
  work: (emit: EmitTransferEvent, signal: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): AsyncGenerator<TransferEvent> {
  signal?.throwIfAborted();
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const queue: TransferEvent[] = [];
  let wake: (() => void) | undefined;
  const state: { outcome?: { error: unknown } | 'done' } = {};
  const emit: EmitTransferEvent = (event) => {
    if (event.type === 'blob-progress') {
      const i = queue.findIndex((q) => q.type === 'blob-progress' && q.digest === event.digest);
      if (i !== -1) {
        queue[i] = event;
        return;
      }
    }
    queue.push(event);
    wake?.();
  };
  work(emit, controller.signal).then(
    () => (state.outcome = 'done'),
    (error: unknown) => (state.outcome = { error }),
  ).finally(() => wake?.());
  try {
    for (;;) {
      const event = queue.shift();
      if (event !== undefined) {
        yield event;
      } else if (state.outcome === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      } else {
        break;
      }
    }
    if (state.outcome !== 'done') throw state.outcome?.error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    controller.abort(new Error('the transfer was stopped'));
  }
}

/** Runs `fn` on every item, at most `limit` at a time; the first failure stops handing out more. */
export async function forEachBounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
