import type { Logger } from 'pino';
import type { ContainerRecord } from '../containers/container-record.js';

/** The label of the containers that run a build's RUN steps. */
export const BUILD_STEP_LABEL = 'berth.build.step';

export interface SweepPorts {
  all(): Iterable<ContainerRecord>;
  remove(id: string): Promise<void>;
}

/**
 * At start: removes the RUN-step containers of builds a crash cut short (still running, never
 * started, or exited 0 with their layer never committed). A step container that failed (a
 * non-zero exit) stays, as dockerd keeps a failed step's container unless --force-rm.
 */
export async function sweepBuildSteps(ports: SweepPorts, logger: Logger): Promise<void> {
  const leftovers = [...ports.all()].filter((record) =>
    record.config.Labels?.[BUILD_STEP_LABEL] !== undefined && !(record.state.status === 'exited' && record.state.exitCode !== 0));
  for (const record of leftovers) {
    await ports.remove(record.id).catch((err: unknown) => logger.warn({ err, id: record.id }, 'removing a step container of an interrupted build failed'));
  }
  if (leftovers.length > 0) logger.info({ containers: leftovers.length }, 'removed the step containers of interrupted builds');
}
