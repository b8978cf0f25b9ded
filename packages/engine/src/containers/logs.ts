import { readEntryChunks, tailOffset } from './log-chunks.js';
import { type LogEntry, type LogTime, compareTime, fileChanged } from './log-file.js';

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  /** Last N lines across both streams; undefined means all. */
  tail?: number;
  since?: LogTime;
  until?: LogTime;
  follow: boolean;
  /** Resolves when the container is no longer running (follow ends after a final drain). */
  stopped: Promise<void>;
  signal: AbortSignal;
}

/**
 * The entries of a container's log file, filtered as `docker logs` asks, optionally following,
 * in batches (one per chunk of the file read), so large logs stream in bounded memory.
 */
export async function* readContainerLogBatches(path: string, opts: LogOptions): AsyncGenerator<LogEntry[]> {
  const wanted = (e: LogEntry): boolean =>
    (e.stream === 'stdout' ? opts.stdout : opts.stderr) &&
    (opts.since === undefined || compareTime(e, opts.since) >= 0) &&
    (opts.until === undefined || compareTime(e, opts.until) <= 0);

  let offset = opts.tail !== undefined && opts.tail >= 0 ? await tailOffset(path, opts.tail, wanted) : 0;
  const readFrom = async function* (): AsyncGenerator<LogEntry[]> {
    for await (const chunk of readEntryChunks(path, offset, wanted)) {
      offset = chunk.offset;
      if (chunk.entries.length > 0) yield chunk.entries;
      if (opts.signal.aborted) return;
    }
  };
  yield* readFrom();
  if (!opts.follow || (opts.until !== undefined && opts.until.seconds * 1000 <= Date.now())) return;

  const done = new AbortController();
  const onAbort = (): void => done.abort();
  opts.signal.addEventListener('abort', onAbort);
  void opts.stopped.then(onAbort);
  try {
    while (true) {
      const finished = done.signal.aborted;
      const before = offset;
      yield* readFrom();
      if (finished || opts.signal.aborted) return;
      if (offset === before) await fileChanged(path, done.signal);
    }
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
  }
}

/** The same entries one at a time. */
export async function* readContainerLogs(path: string, opts: LogOptions): AsyncGenerator<LogEntry> {
  for await (const batch of readContainerLogBatches(path, opts)) yield* batch;
}
