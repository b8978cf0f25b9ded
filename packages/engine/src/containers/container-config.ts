import type { ContainerConfig, ContainerCreateRequest, OciImageConfig } from '@berth/sdk';
import { EngineError } from '../errors.js';
import { type HealthConfig, mergeHealthcheck } from './health/health-config.js';

/** The effective configuration of a new container: the request over the image's defaults. */
export interface MergedConfig {
  config: ContainerConfig;
  path: string;
  args: string[];
}

export function mergeConfig(request: ContainerCreateRequest, image: OciImageConfig, id: string): MergedConfig {
  const defaults = image.config ?? {};
  const entrypoint = request.Entrypoint != null ? request.Entrypoint.filter((part, i, all) => !(all.length === 1 && part === '')) : (defaults.Entrypoint ?? []);
  const cmd = request.Cmd != null && request.Cmd.length > 0 ? request.Cmd : request.Entrypoint != null ? [] : (defaults.Cmd ?? []);
  const argv = [...(entrypoint ?? []), ...cmd];
  if (argv.length === 0) {
    throw new EngineError('INVALID_ARGUMENT', 'no command specified: the image has no CMD or ENTRYPOINT and none was given');
  }
  const config: ContainerConfig = {
    Hostname: request.Hostname || id.slice(0, 12),
    Domainname: request.Domainname ?? '',
    User: request.User || defaults.User || '',
    AttachStdin: request.AttachStdin ?? false,
    AttachStdout: request.AttachStdout ?? false,
    AttachStderr: request.AttachStderr ?? false,
    ExposedPorts: { ...(defaults.ExposedPorts ?? {}), ...(request.ExposedPorts ?? {}) },
    Tty: request.Tty ?? false,
    OpenStdin: request.OpenStdin ?? false,
    StdinOnce: request.StdinOnce ?? false,
    Env: mergeEnv(defaults.Env ?? [], request.Env ?? []),
    Cmd: cmd.length > 0 ? cmd : null,
    Image: request.Image ?? '',
    Volumes: { ...(defaults.Volumes ?? {}), ...(request.Volumes ?? {}) },
    WorkingDir: request.WorkingDir || defaults.WorkingDir || '',
    Entrypoint: entrypoint.length > 0 ? entrypoint : null,
    OnBuild: null,
    Labels: { ...(defaults.Labels ?? {}), ...(request.Labels ?? {}) },
  };
  const stopSignal = request.StopSignal || defaults.StopSignal;
  if (stopSignal) config.StopSignal = stopSignal;
  if (request.StopTimeout != null) config.StopTimeout = request.StopTimeout;
  const healthcheck = mergeHealthcheck((request as { Healthcheck?: HealthConfig }).Healthcheck, (defaults as { Healthcheck?: HealthConfig }).Healthcheck);
  if (healthcheck) (config as { Healthcheck?: HealthConfig }).Healthcheck = healthcheck;
  if (config.WorkingDir && !config.WorkingDir.startsWith('/')) {
    throw new EngineError('INVALID_ARGUMENT', `the working directory '${config.WorkingDir}' is invalid, it needs to be an absolute path`);
  }
  return { config, path: argv[0]!, args: argv.slice(1) };
}

/** Image environment first, then the request's; a later `KEY=` replaces an earlier one. */
export function mergeEnv(base: string[], overrides: string[]): string[] {
  const byKey = new Map<string, string>();
  for (const entry of [...base, ...overrides]) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    if (key === '') throw new EngineError('INVALID_ARGUMENT', `invalid environment variable: ${entry}`);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}
