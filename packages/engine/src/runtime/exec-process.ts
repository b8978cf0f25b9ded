import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { effectiveCapabilities } from './capabilities.js';
import { hostInfo, type HostInfo } from './host-info.js';
import type { OciProcess, OciSpec } from './oci-spec.js';

/** What `docker exec` may change about the container's process. */
export interface ExecProcessInput {
  args: string[];
  /** Added to the container's env (later entries win). */
  env?: string[];
  /** Defaults to the container's working directory. */
  cwd?: string;
  /** Defaults to the container's user. */
  user?: { uid: number; gid: number; additionalGids: number[] };
  tty: boolean;
  consoleSize?: { height: number; width: number };
  /** `docker exec --privileged`: every capability the host allows. */
  privileged?: boolean;
}

function mergeEnv(base: string[], extra: string[]): string[] {
  const env = new Map<string, string>();
  for (const entry of [...base, ...extra]) {
    const eq = entry.indexOf('=');
    env.set(eq < 0 ? entry : entry.slice(0, eq), entry);
  }
  return [...env.values()];
}

/**
 * The process spec for `runc exec --process`, built on the container's own process from its
 * bundle's config.json so the exec keeps the container's capabilities, rlimits and confinement.
 */
export async function buildExecProcess(
  containerBundle: string,
  input: ExecProcessInput,
  host: HostInfo = hostInfo(),
): Promise<OciProcess> {
  if (input.args.length === 0) {
    throw new EngineError('INVALID_ARGUMENT', 'no command specified for exec');
  }
  let spec: OciSpec;
  try {
    spec = JSON.parse(await readFile(path.join(containerBundle, 'config.json'), 'utf8')) as OciSpec;
  } catch (err) {
    throw new EngineError('NOT_FOUND', `cannot read the container's runtime config in ${containerBundle}`, { cause: err });
  }
  const base = spec.process;
  const cwd = input.cwd || base.cwd || '/';
  if (!cwd.startsWith('/')) {
    throw new EngineError('INVALID_ARGUMENT', `working directory "${cwd}" is invalid: it must be an absolute path`);
  }
  const clean = path.posix.normalize(cwd);
  if (clean === '/proc' || clean.startsWith('/proc/')) {
    throw new EngineError('INVALID_ARGUMENT', `working directory "${cwd}" is invalid: it may not be under /proc`);
  }
  let env = mergeEnv(base.env, input.env ?? []);
  if (input.tty && !env.some((e) => e.startsWith('TERM='))) env = [...env, 'TERM=xterm'];
  const caps = input.privileged
    ? effectiveCapabilities({ privileged: true, hostBounding: host.capBounding })
    : undefined;
  const proc: OciProcess = {
    ...base,
    terminal: input.tty,
    args: [...input.args],
    env,
    cwd: clean,
    user: input.user
      ? { uid: input.user.uid, gid: input.user.gid, additionalGids: input.user.additionalGids }
      : base.user,
    ...(caps ? { capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] } } : {}),
  };
  delete proc.consoleSize;
  if (input.tty && input.consoleSize) proc.consoleSize = input.consoleSize;
  return proc;
}
