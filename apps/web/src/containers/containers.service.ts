import { Inject, Injectable } from '@nestjs/common';
import type { SessionUser } from '../auth/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { ConsoleError } from '../common/console-error.js';
import { HostsService } from '../hosts/hosts.service.js';
import { runToCreate } from './run-request.js';

export const CONTAINER_ACTIONS = ['start', 'stop', 'restart', 'kill', 'pause', 'unpause'] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

@Injectable()
export class ContainersService {
  constructor(@Inject(HostsService) private readonly hosts: HostsService, @Inject(AuditService) private readonly audit: AuditService) {}

  list(all: boolean) {
    return this.hosts.merged('list containers', (c, signal) => c.containers.list({ all }, { signal }));
  }

  inspect(hostId: number, id: string) {
    return this.hosts.call(hostId, `inspect container "${id}"`, (c, signal) => c.containers.inspect(id, { signal }));
  }

  async action(user: SessionUser, hostId: number, id: string, action: string): Promise<void> {
    if (!(CONTAINER_ACTIONS as readonly string[]).includes(action)) {
      throw new ConsoleError('INVALID_ARGUMENT', `"${action}" is not a container action: use one of ${CONTAINER_ACTIONS.join(', ')}`);
    }
    await this.audit.record(user, `container.${action}`, id, hostId, () =>
      this.hosts.call(hostId, `${action} container "${id}"`, (c, signal) => {
        const api = c.containers;
        switch (action as ContainerAction) {
          case 'start': return api.start(id, { signal });
          case 'stop': return api.stop(id, {}, { signal });
          case 'restart': return api.restart(id, {}, { signal });
          case 'kill': return api.kill(id, {}, { signal });
          case 'pause': return api.pause(id, { signal });
          case 'unpause': return api.unpause(id, { signal });
        }
      }, 60_000));
  }

  async remove(user: SessionUser, hostId: number, id: string, force: boolean): Promise<void> {
    await this.audit.record(user, 'container.remove', id, hostId, () =>
      this.hosts.call(hostId, `remove container "${id}"`, (c, signal) => c.containers.remove(id, { force }, { signal }), 60_000));
  }

  /** Creates and starts a container from the run form; returns its id. */
  async run(user: SessionUser, hostId: number, body: unknown): Promise<{ id: string; warnings: string[] }> {
    const { name, create } = runToCreate(body);
    return this.audit.record(user, 'container.run', name ?? create.Image ?? '', hostId, () =>
      this.hosts.call(hostId, `run "${create.Image}"`, async (c, signal) => {
        const created = await c.containers.create(create, name ? { name } : {}, { signal });
        await c.containers.start(created.Id, { signal });
        return { id: created.Id, warnings: created.Warnings ?? [] };
      }, 60_000));
  }
}
