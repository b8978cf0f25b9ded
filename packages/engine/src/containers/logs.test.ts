import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readContainerLogs } from './logs.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-logs-'));
  file = path.join(dir, 'ctr.log');
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const line = (sec: number, stream: string, text: string): string =>
  `2026-12-03T18:00:${String(sec).padStart(2, '0')}.000000001+00:00 ${stream} F ${text}\n`;

async function collect(opts: Partial<Parameters<typeof readContainerLogs>[1]>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readContainerLogs(file, {
    stdout: true, stderr: true, follow: false, stopped: new Promise(() => {}), signal: new AbortController().signal, ...opts,
  })) out.push(`${e.stream}:${e.data.toString()}`);
  return out;
}

describe('readContainerLogs', () => {
  it('keeps stdout and stderr apart and applies tail across both', async () => {
    await fs.writeFile(file, line(1, 'stdout', 'a') + line(2, 'stderr', 'b') + line(3, 'stdout', 'c'));
    expect(await collect({})).toEqual(['stdout:a\n', 'stderr:b\n', 'stdout:c\n']);
    expect(await collect({ stderr: false })).toEqual(['stdout:a\n', 'stdout:c\n']);
    expect(await collect({ tail: 2 })).toEqual(['stderr:b\n', 'stdout:c\n']);
    expect(await collect({ tail: 0 })).toEqual([]);
  });

  it('filters by since and until', async () => {
    await fs.writeFile(file, line(1, 'stdout', 'a') + line(2, 'stdout', 'b') + line(3, 'stdout', 'c'));
    const t2 = { seconds: Date.parse('2026-12-03T18:00:02Z') / 1000, nanos: 0 };
    expect(await collect({ since: t2 })).toEqual(['stdout:b\n', 'stdout:c\n']);
    expect(await collect({ until: t2 })).toEqual(['stdout:a\n']);
  });

  it('follows new lines until the container stops', async () => {
    await fs.writeFile(file, line(1, 'stdout', 'first'));
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const seen: string[] = [];
    const reader = (async () => {
      for await (const e of readContainerLogs(file, { stdout: true, stderr: true, follow: true, stopped, signal: new AbortController().signal })) {
        seen.push(e.data.toString());
        if (seen.length === 1) await fs.appendFile(file, line(2, 'stdout', 'second'));
        if (seen.length === 2) {
          await fs.appendFile(file, line(3, 'stdout', 'last'));
          stop();
        }
      }
    })();
    await reader;
    expect(seen).toEqual(['first\n', 'second\n', 'last\n']);
  });
});
