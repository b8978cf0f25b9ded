/** Options every EngineClient call takes. */
export interface CallOptions {
  /** Aborts the request; a stream being read ends by throwing the signal's reason. */
  signal?: AbortSignal;
}

/** Docker-style filters: key → accepted values, e.g. `{ status: ['running'], label: ['app=web'] }`. */
export type Filters<K extends string = string> = Partial<Record<K, string[]>>;

/** Iterates `source`; once `signal` has aborted, whatever error the stream ends with becomes the signal's reason. */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  try {
    for await (const item of source) yield item;
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  }
  if (signal?.aborted) throw signal.reason;
}

/** An AsyncIterable whose request starts on first iteration (so a call that is never iterated costs nothing). */
export function lazyIterable<T>(start: () => Promise<AsyncIterable<T>>, signal: AbortSignal | undefined): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      yield* abortable(await start(), signal);
    },
  };
}
