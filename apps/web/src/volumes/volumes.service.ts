import { Inject, Injectable } from '@nestjs/common';
import type { SessionUser } from '../auth/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { HostsService } from '../hosts/hosts.service.js';

@Injectable()
export class VolumesService {
  constructor(@Inject(HostsService) private readonly hosts: HostsService, @Inject(AuditService) private readonly audit: AuditService) {}

  list() {
    return this.hosts.merged('list volumes', async (c, signal) => (await c.volumes.list({}, { signal })).Volumes ?? []);
  }

  create(user: SessionUser, hostId: number, name: string, driver?: string, labels?: Record<string, string>) {
    return this.audit.record(user, 'volume.create', name, hostId, () =>
      this.hosts.call(hostId, `create volume "${name}"`, (c, signal) => c.volumes.create({ Name: name, ...(driver ? { Driver: driver } : {}), ...(labels ? { Labels: labels } : {}) }, { signal })));
  }

  remove(user: SessionUser, hostId: number, name: string, force: boolean) {
    return this.audit.record(user, 'volume.remove', name, hostId, () =>
      this.hosts.call(hostId, `remove volume "${name}"`, (c, signal) => c.volumes.remove(name, { force }, { signal })));
  }
}
