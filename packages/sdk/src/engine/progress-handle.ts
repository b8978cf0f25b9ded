import { BuildError, ProgressError } from '../errors.js';
import type { ProgressMessage } from '../protocol/images.js';

/**
 * A pull, push, build, import or load in progress. `progress` yields each message as it comes;
 * the handle itself (`done`, or `await handle`) settles only when the work is done, and rejects
 * with a {@link ProgressError} ({@link BuildError} for builds) when it fails mid-stream.
 */
export interface ProgressHandle<T = void> extends PromiseLike<T> {
  progress: AsyncIterable<ProgressMessage>;
  done: Promise<T>;
}

type Operation = ProgressError['operation'];

/** Reads the message stream once, eagerly; `progress` replays what was read and follows the rest. */
export function progressHandle<T>(
  operation: Operation,
  messages: Promise<AsyncIterable<ProgressMessage>>,
  result: (seen: ProgressMessage[]) => T,
): ProgressHandle<T> {
  const seen: ProgressMessage[] = [];
  let finished = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  let step: string | undefined;
  const done = (async (): Promise<T> => {
    try {
      for await (const message of await messages) {
        seen.push(message);
        notify();
        if (typeof message.stream === 'string' && /^Step \d+\/\d+ : /.test(message.stream)) step = message.stream.trim();
        if (message.error !== undefined || message.errorDetail !== undefined) {
          const text = message.errorDetail?.message ?? message.error ?? 'failed';
          throw operation === 'build'
            ? new BuildError(text, step, message.errorDetail?.code)
            : new ProgressError(operation, text);
        }
      }
      return result(seen);
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      finished = true;
      notify();
    }
  })();
  done.catch(() => {});
  const progress: AsyncIterable<ProgressMessage> = {
    async *[Symbol.asyncIterator]() {
      let index = 0;
      for (;;) {
        while (index < seen.length) yield seen[index++]!;
        if (finished) break;
        await new Promise<void>((resolve) => (wake = chain(wake, resolve)));
      }
      if (failure !== undefined) throw failure;
    },
  };
  return {
    progress,
    done,
    then: (onFulfilled, onRejected) => done.then(onFulfilled, onRejected),
  };
}

function chain(previous: (() => void) | undefined, next: () => void): () => void {
  return previous ? () => (previous(), next()) : next;
}
