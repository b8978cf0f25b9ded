import type { EngineEvent } from '../../events/event-sink.js';
import type { ContainerRecord } from '../container-record.js';
import type { ExecOptions, ExecProcess } from '../runtime-port.js';
import { type HealthConfig, type HealthPlan, healthPlan } from './health-config.js';
import { type HealthLogEntry, type HealthState, initialHealth, keptOutput, nextProbeDelay, recordProbe, timeoutEntry } from './health-state.js';

/** The health check a container was created with (`Config.Healthcheck`, image's merged in at create). */
export function containerHealthcheck(record: ContainerRecord): HealthConfig | undefined {
  return (record.config as { Healthcheck?: HealthConfig }).Healthcheck;
}

export interface HealthHost {
  exec(id: string, opts: ExecOptions): Promise<ExecProcess>;
  save(record: ContainerRecord): Promise<void>;
  publish(event: EngineEvent): void;
  event(record: ContainerRecord, action: string): EngineEvent;
  warn(err: unknown, id: string, msg: string): void;
}

/** Runs each running container's health probe as an exec, on its schedule, into `record.health`. */
export class HealthMonitor {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly host: HealthHost) {}

  /** The container (re)started, or is found running at engine start (`resume`). */
  started(record: ContainerRecord, resume = false): void {
    const plan = healthPlan(containerHealthcheck(record), undefined, shellOf(record));
    this.stopped(record.id);
    if (!plan) return;
    if (!resume || !record.health) record.health = initialHealth();
    this.schedule(record, plan, nextProbeDelay(record.health, plan, record.state.startedAt));
  }

  /** The container stopped: no more probes. */
  stopped(id: string): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }

  private schedule(record: ContainerRecord, plan: HealthPlan, delay: number): void {
    const timer = setTimeout(() => {
      void this.probe(record, plan).finally(() => {
        const alive = record.state.status === 'running' || record.state.status === 'paused';
        if (this.timers.get(record.id) !== timer || !alive || !record.health) return;
        this.schedule(record, plan, nextProbeDelay(record.health, plan, record.state.startedAt));
      });
    }, delay);
    timer.unref();
    this.timers.set(record.id, timer);
  }

  private async probe(record: ContainerRecord, plan: HealthPlan): Promise<void> {
    if (record.state.status !== 'running') return;
    const entry = await this.run(record, plan);
    if (record.state.status !== 'running' || !record.health) return;
    const before = record.health.Status;
    record.health = recordProbe(record.health, entry, plan, record.state.startedAt);
    await this.host.save(record).catch((err) => this.host.warn(err, record.id, 'saving health failed'));
    if (record.health.Status !== before) this.host.publish(this.host.event(record, `health_status: ${record.health.Status}`));
  }

  /** One probe: its exit code and output; killed and counted as a failure past the timeout. */
  private async run(record: ContainerRecord, plan: HealthPlan): Promise<HealthLogEntry> {
    const start = new Date();
    let proc;
    try {
      proc = await this.host.exec(record.id, { args: plan.cmd, env: [], tty: false, stdin: false, attach: true });
    } catch (err) {
      return { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: -1, Output: (err as Error).message };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const output = (async () => {
      for await (const chunk of proc.io.output) {
        if (size <= 4096) chunks.push(chunk.data);
        size += chunk.data.length;
      }
    })().catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(r, plan.timeoutMs, 'timeout')));
    const result = await Promise.race([proc.exited, timedOut]).catch(() => -1);
    clearTimeout(timer);
    if (result === 'timeout') {
      try { process.kill(proc.pid, 'SIGKILL'); } catch { /* already gone */ }
      proc.io.close();
      return timeoutEntry(start, new Date(), plan.timeoutMs);
    }
    await output;
    return { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: result, Output: keptOutput(Buffer.concat(chunks)) };
  }
}

function shellOf(record: ContainerRecord): string[] {
  const shell = (record.config as { Shell?: string[] }).Shell;
  return shell && shell.length > 0 ? shell : ['/bin/sh', '-c'];
}
