import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDaemon, docker, importBusybox, startDocker } from '../support/berthd.js';

let d: TestDaemon;
const run = (args: string[]) => docker(d, args);
const MiB = 1024 * 1024;
const LINE = '0123456789'.repeat(10).slice(0, 99); // 100 bytes a line with its newline

beforeAll(async () => {
  d = await TestDaemon.start();
  await importBusybox(d);
}, 60_000);
afterAll(() => d?.destroy());

/** Peak resident memory of berthd so far (VmHWM), in bytes. */
async function berthdPeak(): Promise<number> {
  const status = await fs.readFile(`/proc/${d.proc!.pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]) * 1024;
}

/** Bytes of stdout of a docker command, counted as they arrive (a large log never becomes one string). */
async function countBytes(args: string[]): Promise<number> {
  const p = startDocker(d, args, { timeoutMs: 60_000 });
  let bytes = 0;
  p.child.stdout.removeAllListeners('data');
  p.child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const r = await p.done;
  expect(r.code, r.stderr).toBe(0);
  return bytes;
}

describe('large logs', () => {
  it('follows and reads back 256 MiB of log lines whole, berthd memory growing by well under the log size', async () => {
    const size = 256 * MiB;
    const started = await run(['run', '-d', '--name', 'big', 'busybox', 'sh', '-c', `yes ${LINE} | head -c ${size}`]);
    expect(started.code, started.stderr).toBe(0);
    const before = await berthdPeak();
    expect(await countBytes(['logs', '-f', 'big'])).toBe(size);
    expect(await countBytes(['logs', 'big'])).toBe(size);
    const grew = await berthdPeak() - before;
    // Chunks and frames not yet collected are the growth (about 25–90 MiB); reading the log whole would be several times its size.
    expect(grew).toBeLessThan(size / 2);
    const tail = await run(['logs', '--tail', '2', 'big']);
    // The log ends with the partial line `head -c` cut (no newline).
    expect(tail.stdout).toBe(`${LINE}\n${LINE.slice(0, size % 100)}`);
  }, 120_000);
});
