import type { HostConfig } from '@berth/sdk';
import { EngineError } from '../errors.js';

const VALID_RESTART = ['', 'no', 'always', 'on-failure', 'unless-stopped'];

/** Checks a create request's HostConfig and fills Docker's defaults. */
export function normaliseHostConfig(hostConfig: HostConfig): HostConfig {
  const policy = hostConfig.RestartPolicy?.Name ?? '';
  if (!VALID_RESTART.includes(policy)) throw new EngineError('INVALID_ARGUMENT', `invalid restart policy '${policy}'`);
  if (hostConfig.AutoRemove && policy !== '' && policy !== 'no') {
    throw new EngineError('INVALID_ARGUMENT', 'conflicting options: cannot specify both --restart and --rm');
  }
  return { NetworkMode: 'default', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, ...hostConfig };
}
