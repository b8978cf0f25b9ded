import type { RestartPolicy } from '@berth/sdk';

/** First back-off delay before an automatic restart, doubled after each quick exit (as dockerd). */
export const BACKOFF_START_MS = 100;
/** The back-off stops doubling once it reaches this delay. */
export const BACKOFF_MAX_MS = 60_000;
/** A run at least this long resets the back-off to its start. */
export const BACKOFF_RESET_RUN_MS = 10_000;

export interface ExitFacts {
  exitCode: number;
  restartCount: number;
  /** The user stopped or killed the container (`docker stop`/`kill`). */
  stoppedByUser: boolean;
}

/** Whether a container that just exited is restarted by its policy (dockerd's rules). */
export function shouldRestart(policy: RestartPolicy | undefined, facts: ExitFacts): boolean {
  if (facts.stoppedByUser) return false;
  switch (policy?.Name ?? 'no') {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure': {
      const max = policy?.MaximumRetryCount ?? 0;
      return facts.exitCode !== 0 && (max <= 0 || facts.restartCount < max);
    }
    default:
      return false;
  }
}

/**
 * Whether a container found exited when the engine starts is started again: `always` even when
 * the user had stopped it, `unless-stopped` unless the user had. (`on-failure` acts only on the
 * exit itself, which the engine records when it finds it, also for exits while it was down.)
 */
export function restartsAtBoot(policy: RestartPolicy | undefined, facts: ExitFacts): boolean {
  const name = policy?.Name ?? 'no';
  return name === 'always' || (name === 'unless-stopped' && !facts.stoppedByUser);
}

/** The next back-off delay given the previous one (0 = none yet) and how long the last run lasted. */
export function nextBackoff(previousMs: number, ranMs: number): number {
  if (previousMs <= 0 || ranMs >= BACKOFF_RESET_RUN_MS) return BACKOFF_START_MS;
  return Math.min(previousMs * 2, BACKOFF_MAX_MS);
}
