import fs from 'node:fs';
import { once } from 'node:events';
import { EngineError } from '../errors.js';

/** One entry of conmon's k8s-file log: `<RFC3339Nano> <stdout|stderr> <F|P> <content>`. */
export interface LogEntry {
  /** Seconds since the epoch with nanosecond digits kept, for filtering. */
  seconds: number;
  nanos: number;
  stream: 'stdout' | 'stderr';
  /** The content, with `\n` restored for full lines. */
  data: Buffer;
}

const SPACE = 0x20;

export function parseLogLine(line: Buffer): LogEntry | null {
  const s1 = line.indexOf(SPACE);
  const s2 = line.indexOf(SPACE, s1 + 1);
  const s3 = line.indexOf(SPACE, s2 + 1);
  if (s1 < 0 || s2 < 0 || s3 < 0) return null;
  const time = line.subarray(0, s1).toString('latin1');
  const stream = line.subarray(s1 + 1, s2).toString('latin1');
  if (stream !== 'stdout' && stream !== 'stderr') return null;
  const partial = line[s2 + 1] === 0x50; // 'P'
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  const content = line.subarray(s3 + 1);
  return {
    seconds: Math.floor(ms / 1000),
    nanos: Number((m[2] ?? '0').padEnd(9, '0').slice(0, 9)),
    stream,
    data: partial ? Buffer.from(content) : Buffer.concat([content, Buffer.from('\n')]),
  };
}

/** `2026-12-03T18:48:27.878874707Z`, what `docker logs -t` prints before each line. */
export function formatTimestamp(entry: LogEntry): string {
  const base = new Date(entry.seconds * 1000).toISOString().slice(0, 19);
  return `${base}.${String(entry.nanos).padStart(9, '0')}Z`;
}

/** A point in time as whole seconds plus nanoseconds (a double cannot hold both). */
export interface LogTime {
  seconds: number;
  nanos: number;
}

/** Parses `since`/`until` values: unix seconds, `secs.nanos`, or an RFC 3339 date. */
export function parseLogTime(value: string | undefined): LogTime | undefined {
  if (value === undefined || value === '' || value === '0') return undefined;
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (m) return { seconds: Number(m[1]), nanos: Number((m[2] ?? '0').padEnd(9, '0').slice(0, 9)) };
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new EngineError('INVALID_ARGUMENT', `invalid time value "${value}": use unix seconds or an RFC 3339 date`);
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

/** Orders two times: negative, zero or positive. */
export function compareTime(a: LogTime, b: LogTime): number {
  return a.seconds - b.seconds || a.nanos - b.nanos;
}

/** Reads whole lines from `path` starting at byte `offset`; returns them and the new offset. */
export async function readLines(path: string, offset: number): Promise<{ lines: Buffer[]; offset: number }> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], offset };
    throw err;
  }
  try {
    const { size } = await handle.stat();
    if (size <= offset) return { lines: [], offset };
    const buffer = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    const data = buffer.subarray(0, bytesRead);
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      lines.push(data.subarray(start, nl));
      start = nl + 1;
    }
    return { lines, offset: offset + start };
  } finally {
    await handle.close();
  }
}

/** Resolves when the file changes or `stop` fires, whichever is first. */
export async function fileChanged(path: string, stop: AbortSignal): Promise<void> {
  if (stop.aborted) return;
  const watcher = fs.watch(path);
  try {
    await once(watcher, 'change', { signal: stop });
  } catch {
    // aborted: the caller re-reads and decides
  } finally {
    watcher.close();
  }
}
