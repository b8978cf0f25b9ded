import { describe, expect, it } from 'vitest';
import { healthPlan, mergeHealthcheck } from './health-config.js';
import { MAX_OUTPUT_BYTES, healthSuffix, initialHealth, keptOutput, nextProbeDelay, recordProbe } from './health-state.js';

const S = 1e9;

describe('health check config', () => {
  it('merges container over image and applies dockerd defaults', () => {
    const plan = healthPlan({ Interval: 2 * S }, { Test: ['CMD-SHELL', 'test -e /ok'], Retries: 5 });
    expect(plan).toEqual({ cmd: ['/bin/sh', '-c', 'test -e /ok'], intervalMs: 2000, timeoutMs: 30_000, startPeriodMs: 0, startIntervalMs: 5000, retries: 5 });
    expect(healthPlan({ Test: ['CMD', 'true'] }, undefined)?.cmd).toEqual(['true']);
  });

  it('stores the request over the image at create', () => {
    const image = { Test: ['CMD', 'probe'], Interval: 5 * S, Retries: 4 };
    expect(mergeHealthcheck(undefined, image)).toEqual(image);
    expect(mergeHealthcheck({ Interval: 1 * S }, image)).toEqual({ Test: ['CMD', 'probe'], Interval: 1 * S, Retries: 4 });
    expect(mergeHealthcheck({ Test: ['NONE'] }, image)).toEqual({ Test: ['NONE'], Interval: 5 * S, Retries: 4 });
  });

  it('has no plan for NONE, no test, or an unknown form', () => {
    expect(healthPlan({ Test: ['NONE'] }, { Test: ['CMD', 'true'] })).toBeNull();
    expect(healthPlan(undefined, undefined)).toBeNull();
    expect(healthPlan({ Test: ['CMD'] }, undefined)).toBeNull();
    expect(healthPlan({ Test: ['BOGUS', 'x'] }, undefined)).toBeNull();
  });
});

describe('health state', () => {
  const plan = healthPlan({ Test: ['CMD', 'x'], Retries: 2, StartPeriod: 10 * S, StartInterval: 1 * S, Interval: 3 * S }, undefined)!;
  const started = '2026-01-01T00:00:00.000Z';
  const at = (s: number, code: number) => ({ Start: new Date(Date.parse(started) + s * 1000).toISOString(), End: '', ExitCode: code, Output: '' });

  it('ignores failures inside the start period, then counts retries', () => {
    let h = recordProbe(initialHealth(), at(1, 1), plan, started);
    expect(h).toMatchObject({ Status: 'starting', FailingStreak: 0 });
    h = recordProbe(h, at(11, 1), plan, started);
    expect(h).toMatchObject({ Status: 'starting', FailingStreak: 1 });
    h = recordProbe(h, at(14, 1), plan, started);
    expect(h).toMatchObject({ Status: 'unhealthy', FailingStreak: 2 });
    h = recordProbe(h, at(17, 0), plan, started);
    expect(h).toMatchObject({ Status: 'healthy', FailingStreak: 0 });
    h = recordProbe(h, at(18, 1), plan, started);
    expect(h).toMatchObject({ Status: 'healthy', FailingStreak: 1 });
  });

  it('keeps the last five results and 4 KiB of output', () => {
    let h = initialHealth();
    for (let i = 0; i < 7; i++) h = recordProbe(h, at(20 + i, 0), plan, started);
    expect(h.Log).toHaveLength(5);
    expect(h.Log[0]!.Start).toBe(at(22, 0).Start);
    expect(keptOutput(Buffer.alloc(MAX_OUTPUT_BYTES + 10, 'a'))).toBe(`${'a'.repeat(MAX_OUTPUT_BYTES)}...`);
    expect(keptOutput(Buffer.from('ok\n'))).toBe('ok\n');
  });

  it('probes at the start interval while starting, then at the interval', () => {
    expect(nextProbeDelay(initialHealth(), plan, started, Date.parse(started) + 2000)).toBe(1000);
    expect(nextProbeDelay(initialHealth(), plan, started, Date.parse(started) + 12_000)).toBe(3000);
    expect(healthSuffix('starting')).toBe(' (health: starting)');
    expect(healthSuffix('unhealthy')).toBe(' (unhealthy)');
  });
});
