import { Inject, Injectable } from '@nestjs/common';
import type { SessionUser } from '../auth/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { HostsService } from '../hosts/hosts.service.js';

@Injectable()
export class NetworksService {
  constructor(@Inject(HostsService) private readonly hosts: HostsService, @Inject(AuditService) private readonly audit: AuditService) {}

  list() {
    return this.hosts.merged('list networks', (c, signal) => c.networks.list({}, { signal }));
  }

  create(user: SessionUser, hostId: number, name: string, driver?: string, labels?: Record<string, string>) {
    return this.audit.record(user, 'network.create', name, hostId, () =>
      this.hosts.call(hostId, `create network "${name}"`, (c, signal) => c.networks.create({ Name: name, ...(driver ? { Driver: driver } : {}), ...(labels ? { Labels: labels } : {}) }, { signal })));
  }

  remove(user: SessionUser, hostId: number, name: string) {
    return this.audit.record(user, 'network.remove', name, hostId, () =>
      this.hosts.call(hostId, `remove network "${name}"`, (c, signal) => c.networks.remove(name, { signal })));
  }
}
