import { Inject, Injectable } from '@nestjs/common';
import type { SessionUser } from '../auth/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { HostsService } from '../hosts/hosts.service.js';
import { ProgressBus } from '../events/progress-bus.js';

/** A pull may take this long before the console gives up on it. */
const PULL_TIMEOUT_MS = 30 * 60_000;

@Injectable()
export class ImagesService {
  constructor(
    @Inject(HostsService) private readonly hosts: HostsService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ProgressBus) private readonly progress: ProgressBus,
  ) {}

  list() {
    return this.hosts.merged('list images', (c, signal) => c.images.list({}, { signal }));
  }

  inspect(hostId: number, name: string) {
    return this.hosts.call(hostId, `inspect image "${name}"`, (c, signal) => c.images.inspect(name, { signal }));
  }

  /** Pulls `image`; each progress message goes to the WebSocket subscribers of `operationId`. */
  pull(user: SessionUser, hostId: number, image: string, operationId: string | undefined): Promise<{ image: string }> {
    return this.audit.record(user, 'image.pull', image, hostId, () =>
      this.hosts.call(hostId, `pull "${image}"`, async (c, signal) => {
        const handle = c.images.pull(image, {}, { signal });
        if (operationId) {
          void (async () => {
            for await (const message of handle.progress) this.progress.publish(operationId, { type: 'progress', operationId, message });
          })().catch(() => {});
        }
        try {
          await handle.done;
        } catch (err) {
          if (operationId) this.progress.publish(operationId, { type: 'error', code: 'UNAVAILABLE', message: (err as Error).message });
          throw err;
        }
        if (operationId) this.progress.publish(operationId, { type: 'end' });
        return { image };
      }, PULL_TIMEOUT_MS));
  }

  remove(user: SessionUser, hostId: number, name: string, force: boolean) {
    return this.audit.record(user, 'image.remove', name, hostId, () =>
      this.hosts.call(hostId, `remove image "${name}"`, (c, signal) => c.images.remove(name, { force }, { signal })));
  }
}
