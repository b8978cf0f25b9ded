import fs from 'node:fs';
import { type LogEntry, parseLogEntry } from './log-file.js';

/** Logs are read a chunk at a time, so a large log never sits in memory whole. */
export const LOG_CHUNK = 1 << 20;

/**
 * The entries of whole lines from byte `offset` to the end of the file as it is now, a chunk
 * at a time, with the offset after the last whole line (a line still being written is left
 * for the next read). A missing file has no entries.
 */
export async function* readEntryChunks(
  path: string,
  offset: number,
  keep: (e: LogEntry) => boolean,
): AsyncGenerator<{ entries: LogEntry[]; offset: number }> {
  const handle = await fs.promises.open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!handle) return;
  try {
    let carry: Buffer = Buffer.alloc(0);
    let position = offset;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.max(LOG_CHUNK, carry.length * 2));
      carry.copy(chunk);
      const { bytesRead } = await handle.read(chunk, carry.length, chunk.length - carry.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      const data = chunk.subarray(0, carry.length + bytesRead);
      const entries: LogEntry[] = [];
      let start = 0;
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
        const entry = parseLogEntry(data, start, nl);
        if (entry && keep(entry)) entries.push(entry);
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
      yield { entries, offset: position - carry.length };
    }
  } finally {
    await handle.close();
  }
}

/**
 * Where the last `n` entries that `keep` accepts begin (for `--tail`), reading backwards from
 * the end; with `n` 0, the end of the last whole line.
 */
export async function tailOffset(path: string, n: number, keep: (e: LogEntry) => boolean): Promise<number> {
  const handle = await fs.promises.open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!handle) return 0;
  try {
    let pos = (await handle.stat()).size;
    let pending: Buffer = Buffer.alloc(0); // bytes from `pos` on not looked at yet, ending in a newline
    let count = 0;
    let first = true;
    while (pos > 0) {
      const start = Math.max(0, pos - LOG_CHUNK);
      const chunk = Buffer.allocUnsafe(pos - start);
      await handle.read(chunk, 0, chunk.length, start);
      const buf = Buffer.concat([chunk, pending]);
      let end = buf.lastIndexOf(0x0a);
      if (first && end >= 0) {
        if (n === 0) return start + end + 1;
        first = false;
      }
      while (end >= 0) {
        const prev = end === 0 ? -1 : buf.lastIndexOf(0x0a, end - 1);
        if (prev < 0 && start > 0) break; // this line begins in an earlier chunk
        const entry = parseLogEntry(buf, prev + 1, end);
        if (entry && keep(entry) && ++count === n) return start + prev + 1;
        end = prev;
      }
      pending = buf.subarray(0, end + 1);
      pos = start;
    }
    return 0;
  } finally {
    await handle.close();
  }
}
