/** A container's health check as in the Engine API (durations in nanoseconds). */
export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** A health check ready to run: the probe command and its timings in milliseconds. */
export interface HealthPlan {
  cmd: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

/** dockerd's defaults for fields left at zero. */
export const DEFAULTS = { intervalMs: 30_000, timeoutMs: 30_000, startPeriodMs: 0, startIntervalMs: 5_000, retries: 3 };

const ms = (ns: number | undefined, fallback: number): number => (ns && ns > 0 ? Math.round(ns / 1e6) : fallback);

/**
 * The container's health check: fields the container sets win over the image's, a `NONE` test
 * (`--no-healthcheck`) or no test at all means none. `shell` runs CMD-SHELL tests.
 */
export function healthPlan(container: HealthConfig | undefined, image: HealthConfig | undefined, shell = ['/bin/sh', '-c']): HealthPlan | null {
  const test = container?.Test && container.Test.length > 0 ? container.Test : image?.Test;
  if (!test || test.length === 0 || test[0] === 'NONE') return null;
  const pick = (k: keyof Omit<HealthConfig, 'Test'>): number | undefined => (container?.[k] || image?.[k]) || undefined;
  let cmd: string[];
  if (test[0] === 'CMD') cmd = test.slice(1);
  else if (test[0] === 'CMD-SHELL') cmd = [...shell, test.slice(1).join(' ')];
  else return null;
  if (cmd.length === 0) return null;
  return {
    cmd,
    intervalMs: ms(pick('Interval'), DEFAULTS.intervalMs),
    timeoutMs: ms(pick('Timeout'), DEFAULTS.timeoutMs),
    startPeriodMs: ms(pick('StartPeriod'), DEFAULTS.startPeriodMs),
    startIntervalMs: ms(pick('StartInterval'), DEFAULTS.startIntervalMs),
    retries: pick('Retries') ?? DEFAULTS.retries,
  };
}

/** The health check stored at create: the request's fields over the image's (dockerd's merge). */
export function mergeHealthcheck(request: HealthConfig | undefined, image: HealthConfig | undefined): HealthConfig | undefined {
  if (!request) return image;
  if (!image) return request;
  const merged: HealthConfig = { ...request };
  if (!merged.Test || merged.Test.length === 0) merged.Test = image.Test;
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    if (!merged[k] && image[k]) merged[k] = image[k];
  }
  return merged;
}
