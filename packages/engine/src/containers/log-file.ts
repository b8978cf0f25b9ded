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
  return parseLogEntry(line, 0, line.length);
}

/** The last timestamp's second (`2026-12-03T18:44:26+00:00`) and its value: log lines come many a second. */
let cachedSecond = '';
let cachedMs = 0;

/**
 * Parses the entry in `buf[start, end)`. When `buf[end]` is the line's `\n`, a full line's data
 * is a view of `buf` that includes it, so reading a large log copies nothing per line.
 */
export function parseLogEntry(buf: Buffer, start: number, end: number): LogEntry | null {
  const s1 = buf.indexOf(SPACE, start);
  if (s1 < 0 || s1 >= end) return null;
  const s2 = buf.indexOf(SPACE, s1 + 1);
  if (s2 < 0 || s2 >= end) return null;
  const s3 = buf.indexOf(SPACE, s2 + 1);
  if (s3 < 0 || s3 > end) return null;
  const streamLength = s2 - s1 - 1;
  const stream = streamLength === 6 && buf[s1 + 4] === 0x6f ? 'stdout' : streamLength === 6 && buf[s1 + 4] === 0x65 ? 'stderr' : null;
  if (stream === null || buf.toString('latin1', s1 + 1, s2) !== stream) return null;
  const time = buf.toString('latin1', start, s1);
  const zoneAt = time.endsWith('Z') ? time.length - 1 : time.length - 6;
  const dot = time.lastIndexOf('.', zoneAt);
  const second = dot >= 0 ? time.slice(0, dot) + time.slice(zoneAt) : time;
  if (second !== cachedSecond) {
    if (!/(Z|[+-]\d\d:\d\d)$/.test(second)) return null;
    const ms = Date.parse(second);
    if (Number.isNaN(ms)) return null;
    cachedSecond = second;
    cachedMs = ms;
  }
  const fraction = dot >= 0 ? time.slice(dot + 1, zoneAt) : '0';
  if (!/^\d*$/.test(fraction)) return null;
  const partial = buf[s2 + 1] === 0x50; // 'P'
  const withNewline = !partial && buf[end] === 0x0a;
  const content = buf.subarray(Math.min(s3 + 1, end), withNewline ? end + 1 : end);
  return {
    seconds: Math.floor(cachedMs / 1000),
    nanos: Number((fraction || '0').padEnd(9, '0').slice(0, 9)),
    stream,
    data: partial || withNewline ? content : Buffer.concat([content, NEWLINE]),
  };
}

const NEWLINE = Buffer.from('\n');

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
