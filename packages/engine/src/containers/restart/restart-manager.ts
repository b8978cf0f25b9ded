import type { ContainerRecord } from '../container-record.js';
import { nextBackoff, restartsAtBoot, shouldRestart } from './restart-policy.js';

export interface RestartHost {
  /** Starts the container again without resetting its restart count. */
  relaunch(record: ContainerRecord): Promise<void>;
  save(record: ContainerRecord): Promise<void>;
  /** Reports that a container waiting to restart will not (it was stopped meanwhile). */
  cancelled(record: ContainerRecord): void;
  published(record: ContainerRecord, action: 'restart'): void;
  warn(err: unknown, id: string, msg: string): void;
}

/**
 * Applies restart policies: after each exit (reading the policy from the record every time, so
 * `docker update --restart` takes effect), with back-off; and once when the engine starts.
 */
export class RestartManager {
  private readonly backoff = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly host: RestartHost) {}

  /** The user started the container: the policy applies afresh. */
  userStarted(record: ContainerRecord): void {
    this.cancelTimer(record.id);
    this.backoff.delete(record.id);
    record.restartCount = 0;
    record.stoppedByUser = false;
  }

  /**
   * The user stopped or killed the container: no automatic restart. Returns true when the
   * container was only waiting to restart (nothing runs to stop).
   */
  userStopped(record: ContainerRecord): boolean {
    record.stoppedByUser = true;
    if (!this.cancelTimer(record.id) || record.state.status !== 'restarting') return false;
    record.state.status = 'exited';
    this.host.cancelled(record);
    void this.host.save(record).catch((err) => this.host.warn(err, record.id, 'saving restart cancel failed'));
    return true;
  }

  /** The container's run ended and its exit is recorded; schedules a restart if its policy says so. */
  async exited(record: ContainerRecord, opts: { lost?: boolean } = {}): Promise<void> {
    const facts = { exitCode: record.state.exitCode, restartCount: record.restartCount, stoppedByUser: record.stoppedByUser ?? false };
    const policy = record.hostConfig.RestartPolicy;
    if (opts.lost && policy?.Name === 'on-failure') return;
    if (!shouldRestart(policy, facts)) return;
    const ran = Date.parse(record.state.finishedAt) - Date.parse(record.state.startedAt);
    const delay = nextBackoff(this.backoff.get(record.id) ?? 0, Number.isFinite(ran) ? ran : 0);
    this.backoff.set(record.id, delay);
    record.state.status = 'restarting';
    await this.host.save(record).catch((err) => this.host.warn(err, record.id, 'saving restart state failed'));
    this.schedule(record, delay);
  }

  /** At engine start: restarts the containers found not running that their policy brings back. */
  atBoot(records: ContainerRecord[]): void {
    for (const record of records) {
      if (record.state.status !== 'exited' && record.state.status !== 'restarting') continue;
      const facts = { exitCode: record.state.exitCode, restartCount: record.restartCount, stoppedByUser: record.stoppedByUser ?? false };
      if (record.state.status === 'restarting' || restartsAtBoot(record.hostConfig.RestartPolicy, facts)) {
        if (record.hostConfig.RestartPolicy?.Name === 'always') record.stoppedByUser = false;
        record.state.status = 'restarting';
        this.schedule(record, 0);
      }
    }
  }

  /** Forgets a removed container. */
  forget(id: string): void {
    this.cancelTimer(id);
    this.backoff.delete(id);
  }

  private schedule(record: ContainerRecord, delay: number): void {
    this.cancelTimer(record.id);
    const timer = setTimeout(() => {
      this.timers.delete(record.id);
      if (record.state.status !== 'restarting') return;
      record.restartCount += 1;
      this.host.relaunch(record).then(
        () => this.host.published(record, 'restart'),
        async (err) => {
          this.host.warn(err, record.id, 'automatic restart failed');
          if (record.state.status === 'restarting') record.state.status = 'exited';
          await this.exited(record);
        },
      );
    }, delay);
    timer.unref();
    this.timers.set(record.id, timer);
  }

  private cancelTimer(id: string): boolean {
    const timer = this.timers.get(id);
    if (!timer) return false;
    clearTimeout(timer);
    this.timers.delete(id);
    return true;
  }
}
