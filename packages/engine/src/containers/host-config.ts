import type { HostConfig } from '@berth/sdk';
import { EngineError } from '../errors.js';
import { checkUlimitsFit } from '../limits/host-rlimits.js';
import { toRlimits } from '../limits/oci-resources.js';
import { adaptResources, checkResources, resourcesOf } from '../limits/resource-config.js';

const VALID_RESTART = ['', 'no', 'always', 'on-failure', 'unless-stopped'];

/** Checks a create request's HostConfig and fills Docker's defaults. */
export function normaliseHostConfig(hostConfig: HostConfig): HostConfig {
  const policy = hostConfig.RestartPolicy?.Name ?? '';
  if (!VALID_RESTART.includes(policy)) throw new EngineError('INVALID_ARGUMENT', `invalid restart policy '${policy}'`);
  if (hostConfig.AutoRemove && policy !== '' && policy !== 'no') {
    throw new EngineError('INVALID_ARGUMENT', 'conflicting options: cannot specify both --restart and --rm');
  }
  checkResources(resourcesOf(hostConfig), false);
  toRlimits(resourcesOf(hostConfig).Ulimits);
  checkUlimitsFit(resourcesOf(hostConfig).Ulimits);
  return adaptResources({ NetworkMode: 'default', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, ...hostConfig });
}
