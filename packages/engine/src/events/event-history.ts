import fs from 'node:fs/promises';
import path from 'node:path';
import type { EventMessage } from '@berth/sdk';

/** An event as the bus keeps it: its message and its place in the history. */
export interface StoredEvent {
  cursor: number;
  message: EventMessage;
}

export interface HistoryOptions {
  dir: string;
  /** At least this many of the newest events are kept (default 100,000). */
  keep?: number;
  /** Events per segment file (default 10,000). */
  segmentSize?: number;
  /** Appends are batched and written at most this long after they happen (default 25 ms). */
  flushMs?: number;
}

interface Segment {
  file: string;
  first: number;
  firstNano: number;
  count: number;
}

const SEGMENT = /^events-(\d{16})\.jsonl$/;

/**
 * The event history on disk: JSON-lines segment files named by their first cursor, appended
 * in batches (no fsync per event), the oldest segment deleted once the rest hold `keep` events.
 * A torn last line (a crash mid-write) is skipped on reading.
 */
export class EventHistory {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private last: number;

  private constructor(
    private readonly dir: string,
    private readonly segments: Segment[],
    private readonly keep: number,
    private readonly segmentSize: number,
    private readonly flushMs: number,
    last: number,
  ) {
    this.last = last;
  }

  static async open(opts: HistoryOptions): Promise<EventHistory> {
    await fs.mkdir(opts.dir, { recursive: true, mode: 0o700 });
    const names = (await fs.readdir(opts.dir)).filter((n) => SEGMENT.test(n)).sort();
    // Cursors are consecutive: a segment's count is the next one's first cursor minus its own, so of
    // every segment but the newest only the first event is read. The newest is read whole, for its
    // count and the last cursor (a crash may have torn its last line, or left it empty).
    const segments: Segment[] = [];
    for (const name of names) {
      const file = path.join(opts.dir, name);
      const head = firstGood((await readHead(file)).split('\n'));
      if (!head) {
        await fs.rm(file, { force: true });
        continue;
      }
      const previous = segments.at(-1);
      if (previous) previous.count = head.cursor - previous.first;
      segments.push({ file, first: head.cursor, firstNano: head.message.timeNano, count: 0 });
    }
    let last = 0;
    for (let newest = segments.at(-1); newest; newest = segments.at(-1)) {
      const lines = (await fs.readFile(newest.file, 'utf8')).split('\n').filter((l) => l !== '');
      const tail = firstGood([...lines].reverse());
      if (tail) {
        newest.count = lines.length;
        last = tail.cursor;
        break;
      }
      await fs.rm(newest.file, { force: true });
      segments.pop();
    }
    return new EventHistory(opts.dir, segments, opts.keep ?? 100_000, opts.segmentSize ?? 10_000, opts.flushMs ?? 25, last);
  }

  /** The cursor of the newest event appended (0 for an empty history). */
  get lastCursor(): number {
    return this.last;
  }

  append(event: StoredEvent): void {
    this.last = event.cursor;
    let segment = this.segments.at(-1);
    if (!segment || segment.count >= this.segmentSize) {
      segment = { file: this.segmentFile(event.cursor), first: event.cursor, firstNano: event.message.timeNano, count: 0 };
      this.segments.push(segment);
      this.scheduleFlush(0);
    }
    segment.count++;
    this.pending.push(`${segment.file}\n${JSON.stringify(event)}\n`);
    this.scheduleFlush(this.flushMs);
  }

  /** Resolves once everything appended so far is written. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  /**
   * Stored events with a cursor in (afterCursor, upTo] and, when given, a time of at least
   * `sinceNano`, oldest first, one batch per segment read.
   */
  async *replay(opts: { afterCursor?: number; sinceNano?: number; upTo: number }): AsyncGenerator<StoredEvent[]> {
    await this.flush();
    const after = opts.afterCursor ?? 0;
    const since = opts.sinceNano ?? -Infinity;
    const segments = [...this.segments];
    // Segments are in cursor and time order: start at the newest one nothing wanted precedes.
    let start = 0;
    for (let i = 1; i < segments.length; i++) {
      const s = segments[i]!;
      if (s.first <= after + 1 || s.firstNano < since) start = i;
    }
    for (const segment of segments.slice(start)) {
      if (segment.first > opts.upTo) return;
      let text: string;
      try {
        text = await fs.readFile(segment.file, 'utf8');
      } catch {
        continue; // rotated away while reading
      }
      const batch = parseLines(text).filter((e) => e.cursor > after && e.cursor <= opts.upTo && e.message.timeNano >= since);
      if (batch.length > 0) yield batch;
    }
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private segmentFile(first: number): string {
    return path.join(this.dir, `events-${String(first).padStart(16, '0')}.jsonl`);
  }

  private scheduleFlush(ms: number): void {
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), ms);
    this.timer.unref();
  }

  private async write(batch: string[]): Promise<void> {
    // Entries carry their segment file; consecutive entries of one file go in one append.
    let file = '';
    let lines: string[] = [];
    const put = async (): Promise<void> => {
      if (lines.length > 0) await fs.appendFile(file, lines.join(''), { mode: 0o600 }).catch(() => {});
      lines = [];
    };
    for (const entry of batch) {
      const cut = entry.indexOf('\n');
      const target = entry.slice(0, cut);
      if (target !== file) {
        await put();
        file = target;
      }
      lines.push(entry.slice(cut + 1));
    }
    await put();
    await this.rotate();
  }

  /** Drops the oldest segments while the newer ones still hold `keep` events. */
  private async rotate(): Promise<void> {
    while (this.segments.length > 1) {
      const newer = this.segments.slice(1).reduce((n, s) => n + s.count, 0);
      if (newer < this.keep) return;
      const oldest = this.segments.shift()!;
      await fs.rm(oldest.file, { force: true });
    }
  }
}

/** The first 64 KiB of a segment: its first events, whole lines only. */
async function readHead(file: string): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    return bytesRead < buffer.length ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  } finally {
    await handle.close();
  }
}

function firstGood(lines: string[]): StoredEvent | undefined {
  for (const line of lines) {
    const [event] = parseLines(line);
    if (event) return event;
  }
  return undefined;
}

function parseLines(text: string): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const event = JSON.parse(line) as StoredEvent;
      if (typeof event.cursor === 'number' && event.message) events.push(event);
    } catch {
      // a torn write; the rest of the file is still good
    }
  }
  return events;
}
