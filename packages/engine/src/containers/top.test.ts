import { describe, expect, it } from 'vitest';
import { topProcesses } from './top.js';

describe('topProcesses', () => {
  it('keeps only the given pids and the whole command column', async () => {
    const top = await topProcesses([process.pid]);
    expect(top.Titles).toContain('PID');
    expect(top.Processes).toHaveLength(1);
    expect(top.Processes[0]![top.Titles.indexOf('PID')]).toBe(String(process.pid));
    expect(top.Processes[0]!.at(-1)).toContain('node');
  });

  it('names a bad ps option', async () => {
    await expect(topProcesses([1], '--no-such-option')).rejects.toThrow(/ps:/);
  });
});
