import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_CHUNK, readEntryChunks, tailOffset } from './log-chunks.js';
import type { LogEntry } from './log-file.js';

let dir: string;
let file: string;
const all = () => true;
const line = (i: number, text: string, stream = i % 3 === 0 ? 'stderr' : 'stdout'): string =>
  `2026-12-03T18:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(9, '0')}+00:00 ${stream} F ${text}\n`;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-log-chunks-'));
  file = path.join(dir, 'ctr.log');
  // 3 chunks' worth of lines, one line longer than a chunk in the middle, and a line still being written.
  const lines: string[] = [];
  for (let i = 0; i < 30_000; i++) lines.push(line(i, i === 15_000 ? 'x'.repeat(LOG_CHUNK + 10) : `line ${i}`));
  await fs.writeFile(file, `${lines.join('')}2026-12-03T18:00:00.1+00:00 stdout P unfinished`);
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

async function read(offset: number, keep: (e: LogEntry) => boolean = all): Promise<{ texts: string[]; offset: number }> {
  const texts: string[] = [];
  let end = offset;
  for await (const chunk of readEntryChunks(file, offset, keep)) {
    for (const e of chunk.entries) texts.push(e.data.toString());
    end = chunk.offset;
  }
  return { texts, offset: end };
}

describe('log chunks', () => {
  it('reads every whole line across chunk boundaries, stopping before a line still being written', async () => {
    const { texts, offset } = await read(0);
    expect(texts).toHaveLength(30_000);
    expect(texts[0]).toBe('line 0\n');
    expect(texts[15_000]).toHaveLength(LOG_CHUNK + 11);
    expect(texts[29_999]).toBe('line 29999\n');
    const size = (await fs.stat(file)).size;
    expect(size - offset).toBe('2026-12-03T18:00:00.1+00:00 stdout P unfinished'.length);
  });

  it('finds where the last N wanted lines start, reading backwards', async () => {
    const stderr = (e: { stream: string }) => e.stream === 'stderr';
    expect((await read(await tailOffset(file, 2, all))).texts).toEqual(['line 29998\n', 'line 29999\n']);
    const last = (await read(await tailOffset(file, 3, stderr), stderr)).texts;
    expect(last).toEqual(['line 29991\n', 'line 29994\n', 'line 29997\n']);
    const acrossLong = (await read(await tailOffset(file, 15_000, all))).texts;
    expect(acrossLong[0]).toHaveLength(LOG_CHUNK + 11);
    expect((await read(await tailOffset(file, 0, all))).texts).toEqual([]);
    expect(await tailOffset(file, 100_000, all)).toBe(0);
    expect(await tailOffset(path.join(dir, 'missing.log'), 5, all)).toBe(0);
  });
});
