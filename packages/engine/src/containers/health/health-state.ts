import type { HealthPlan } from './health-config.js';

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

/** `State.Health` of `docker inspect`. */
export interface HealthState {
  Status: HealthStatus;
  FailingStreak: number;
  Log: HealthLogEntry[];
}

/** dockerd keeps the last five probe results… */
export const MAX_LOG_ENTRIES = 5;
/** …each with at most 4 KiB of output. */
export const MAX_OUTPUT_BYTES = 4096;

export function initialHealth(): HealthState {
  return { Status: 'starting', FailingStreak: 0, Log: [] };
}

/** A probe's output as kept: the first 4 KiB, then `...` when there was more (as dockerd). */
export function keptOutput(output: Buffer): string {
  if (output.length <= MAX_OUTPUT_BYTES) return output.toString('utf8');
  return `${output.subarray(0, MAX_OUTPUT_BYTES).toString('utf8')}...`;
}

/** What a probe that ran past its timeout records. */
export function timeoutEntry(start: Date, end: Date, timeoutMs: number): HealthLogEntry {
  return { Start: start.toISOString(), End: end.toISOString(), ExitCode: -1, Output: `Health check exceeded timeout (${timeoutMs / 1000}s)` };
}

/**
 * Records one probe result (dockerd's rules): success makes the container healthy and clears
 * the streak; a failure counts unless the container is still starting inside its start
 * period, and `retries` failures in a row make it unhealthy. Returns the new state.
 */
export function recordProbe(state: HealthState, entry: HealthLogEntry, plan: HealthPlan, startedAt: string): HealthState {
  const Log = [...state.Log, entry].slice(-MAX_LOG_ENTRIES);
  if (entry.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  const inStartPeriod = state.Status === 'starting' && Date.parse(entry.Start) - Date.parse(startedAt) < plan.startPeriodMs;
  if (inStartPeriod) return { ...state, Log };
  const FailingStreak = state.FailingStreak + 1;
  return { Status: FailingStreak >= plan.retries ? 'unhealthy' : state.Status, FailingStreak, Log };
}

/** Delay before the next probe: the start interval while starting inside the start period. */
export function nextProbeDelay(state: HealthState, plan: HealthPlan, startedAt: string, now = Date.now()): number {
  const starting = state.Status === 'starting' && now - Date.parse(startedAt) < plan.startPeriodMs;
  return starting ? plan.startIntervalMs : plan.intervalMs;
}

/** The suffix `docker ps` adds to `Up …` for a container with a health check. */
export function healthSuffix(status: HealthStatus): string {
  return status === 'starting' ? ' (health: starting)' : ` (${status})`;
}
