import { describe, expect, it } from 'vitest';
import { BACKOFF_MAX_MS, nextBackoff, restartsAtBoot, shouldRestart } from './restart-policy.js';

const exit = (exitCode: number, restartCount = 0, stoppedByUser = false) => ({ exitCode, restartCount, stoppedByUser });

describe('restart policy', () => {
  it('restarts per policy after an exit', () => {
    expect(shouldRestart({ Name: 'no' }, exit(1))).toBe(false);
    expect(shouldRestart(undefined, exit(1))).toBe(false);
    expect(shouldRestart({ Name: 'always' }, exit(0))).toBe(true);
    expect(shouldRestart({ Name: 'unless-stopped' }, exit(0))).toBe(true);
    expect(shouldRestart({ Name: 'on-failure' }, exit(0))).toBe(false);
    expect(shouldRestart({ Name: 'on-failure' }, exit(3, 50))).toBe(true);
    expect(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, exit(3, 1))).toBe(true);
    expect(shouldRestart({ Name: 'on-failure', MaximumRetryCount: 2 }, exit(3, 2))).toBe(false);
  });

  it('never restarts a container the user stopped, until the engine starts again for always', () => {
    for (const Name of ['always', 'unless-stopped', 'on-failure'] as const) expect(shouldRestart({ Name }, exit(137, 0, true))).toBe(false);
    expect(restartsAtBoot({ Name: 'always' }, exit(137, 0, true))).toBe(true);
    expect(restartsAtBoot({ Name: 'unless-stopped' }, exit(137, 0, true))).toBe(false);
    expect(restartsAtBoot({ Name: 'unless-stopped' }, exit(0))).toBe(true);
    expect(restartsAtBoot({ Name: 'on-failure' }, exit(1))).toBe(false);
    expect(restartsAtBoot({ Name: 'no' }, exit(1))).toBe(false);
  });

  it('backs off from 100 ms doubling, capped, reset after a 10 s run', () => {
    expect(nextBackoff(0, 5)).toBe(100);
    expect(nextBackoff(100, 5)).toBe(200);
    expect(nextBackoff(400, 9_999)).toBe(800);
    expect(nextBackoff(800, 10_000)).toBe(100);
    expect(nextBackoff(BACKOFF_MAX_MS, 1)).toBe(BACKOFF_MAX_MS);
  });
});
