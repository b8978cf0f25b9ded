/** `--health-*` and `--no-healthcheck` of `run`/`create` → the container's Healthcheck. */
import type { ContainerConfig } from '@berth/sdk';
import { parseDuration } from '../args/duration.js';
import { flag, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';

export const HEALTH_FLAGS: FlagSpec[] = [
  { name: 'health-cmd', type: 'string', description: 'Command to run to check health' },
  { name: 'health-interval', type: 'string', description: 'Time between running the check (ms|s|m|h) (default 0s)' },
  { name: 'health-timeout', type: 'string', description: 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)' },
  { name: 'health-start-period', type: 'string', description: 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)' },
  { name: 'health-start-interval', type: 'string', description: 'Time between running the check during the start period (ms|s|m|h) (default 0s)' },
  { name: 'health-retries', type: 'int', description: 'Consecutive failures needed to report unhealthy' },
  { name: 'no-healthcheck', type: 'bool', description: 'Disable any container-specified HEALTHCHECK' },
];

const DURATIONS = [
  ['health-interval', 'Interval'],
  ['health-timeout', 'Timeout'],
  ['health-start-period', 'StartPeriod'],
  ['health-start-interval', 'StartInterval'],
] as const;

type HealthcheckConfig = NonNullable<ContainerConfig['Healthcheck']>;

/** Undefined when no health flag is given (the image's HEALTHCHECK applies). */
export function healthcheck(p: ParsedArgs): HealthcheckConfig | undefined {
  const cmd = flag.str(p, 'health-cmd');
  const given = DURATIONS.filter(([name]) => flag.str(p, name) !== undefined);
  const retries = flag.int(p, 'health-retries');
  if (flag.bool(p, 'no-healthcheck')) {
    if (cmd !== undefined || given.length > 0 || retries !== undefined) throw new UsageError('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (cmd === undefined && given.length === 0 && retries === undefined) return undefined;
  const config: HealthcheckConfig = cmd !== undefined && cmd !== '' ? { Test: ['CMD-SHELL', cmd] } : {};
  for (const [name, field] of given) {
    const ns = parseDuration(flag.str(p, name)!, name);
    if (ns < 0) throw new UsageError(`--${name} cannot be negative`);
    config[field] = ns;
  }
  if (retries !== undefined) {
    if (retries < 0) throw new UsageError('--health-retries cannot be negative');
    config.Retries = retries;
  }
  return config;
}
