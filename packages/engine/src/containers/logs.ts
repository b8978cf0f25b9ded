import { type LogEntry, type LogTime, compareTime, fileChanged, parseLogLine, readLines } from './log-file.js';

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

/** The entries of a container's log file, filtered as `docker logs` asks, optionally following. */
export async function* readContainerLogs(path: string, opts: LogOptions): AsyncGenerator<LogEntry> {
  const wanted = (e: LogEntry): boolean =>
    (e.stream === 'stdout' ? opts.stdout : opts.stderr) &&
    (opts.since === undefined || compareTime(e, opts.since) >= 0) &&
    (opts.until === undefined || compareTime(e, opts.until) <= 0);

  let { lines, offset } = await readLines(path, 0);
  let entries = lines.map(parseLogLine).filter((e): e is LogEntry => e !== null && wanted(e));
  if (opts.tail !== undefined && opts.tail >= 0) entries = opts.tail === 0 ? [] : entries.slice(-opts.tail);
  yield* entries;
  if (!opts.follow || (opts.until !== undefined && opts.until.seconds * 1000 <= Date.now())) return;

  const done = new AbortController();
  const onAbort = (): void => done.abort();
  opts.signal.addEventListener('abort', onAbort);
  void opts.stopped.then(onAbort);
  try {
    while (true) {
      const finished = done.signal.aborted;
      const next = await readLines(path, offset);
      offset = next.offset;
      for (const line of next.lines) {
        const entry = parseLogLine(line);
        if (entry && wanted(entry)) yield entry;
      }
      if (finished || opts.signal.aborted) return;
      if (next.lines.length === 0) await fileChanged(path, done.signal);
    }
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
  }
}
