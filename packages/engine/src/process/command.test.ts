import { describe, expect, it } from 'vitest';
import { CommandError, runCommand } from './command.js';

describe('runCommand', () => {
  it('returns what a command printed', async () => {
    expect(await runCommand('sh', ['-c', 'echo out; echo err >&2'])).toEqual({ stdout: 'out\n', stderr: 'err\n' });
  });

  it('runs in the given directory with the given environment', async () => {
    expect((await runCommand('sh', ['-c', 'echo $X $(pwd)'], { cwd: '/tmp', env: { X: 'y', PATH: '/usr/bin:/bin' } })).stdout).toBe('y /tmp\n');
  });

  it('feeds the given input to stdin', async () => {
    expect((await runCommand('cat', [], { input: 'hello\n' })).stdout).toBe('hello\n');
  });

  it('rejects with the exit code and stderr of a failing command', async () => {
    const err = await runCommand('sh', ['-c', 'echo bad >&2; exit 3']).catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err).toMatchObject({ code: 3, stderr: 'bad\n' });
    expect(err.message).toMatch(/bad/);
  });

  it('reports a missing program', async () => {
    await expect(runCommand('/no/such/program', [])).rejects.toThrow(/no\/such\/program|No such file/);
  });

  it('runs many commands at once', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => runCommand('echo', [String(i)])));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}\n`));
  });
});
