import fs from 'node:fs';
import { EngineError } from '../errors.js';
import type { ResourceConfig } from './resource-config.js';

/** /proc/<pid>/limits rows by the names `--ulimit` uses. */
const LIMIT_NAMES: Record<string, string> = {
  'Max cpu time': 'cpu', 'Max file size': 'fsize', 'Max data size': 'data', 'Max stack size': 'stack',
  'Max core file size': 'core', 'Max resident set': 'rss', 'Max processes': 'nproc', 'Max open files': 'nofile',
  'Max locked memory': 'memlock', 'Max address space': 'as', 'Max file locks': 'locks', 'Max pending signals': 'sigpending',
  'Max msgqueue size': 'msgqueue', 'Max nice priority': 'nice', 'Max realtime priority': 'rtprio', 'Max realtime timeout': 'rttime',
};

/** What a container's rlimits may reach: the daemon's hard limits, unless it may raise them. */
export interface RlimitCeiling {
  /** Hard limit by ulimit name; absent means unlimited. */
  hard: Map<string, number>;
  /** CAP_SYS_RESOURCE is effective, so any limit can be set. */
  canRaise: boolean;
}

/** Parses /proc/self/limits and the CapEff line of /proc/self/status. */
export function parseRlimitCeiling(limits: string, status: string): RlimitCeiling {
  const hard = new Map<string, number>();
  for (const line of limits.split('\n')) {
    const label = Object.keys(LIMIT_NAMES).find((l) => line.startsWith(l));
    if (!label) continue;
    const value = line.slice(label.length).trim().split(/\s+/)[1];
    if (value && value !== 'unlimited') hard.set(LIMIT_NAMES[label]!, Number(value));
  }
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0';
  const CAP_SYS_RESOURCE = 24n;
  return { hard, canRaise: ((BigInt(`0x${capEff}`) >> CAP_SYS_RESOURCE) & 1n) === 1n };
}

let cached: RlimitCeiling | undefined;

function hostCeiling(): RlimitCeiling {
  cached ??= parseRlimitCeiling(
    fs.readFileSync('/proc/self/limits', 'utf8'),
    fs.readFileSync('/proc/self/status', 'utf8'),
  );
  return cached;
}

/**
 * `--ulimit` values above what the runtime can set fail only when the container starts, with
 * runc's "operation not permitted"; this says so at create, naming the limit and the ceiling.
 */
export function checkUlimitsFit(ulimits: ResourceConfig['Ulimits'], ceiling: RlimitCeiling = hostCeiling()): void {
  if (ceiling.canRaise) return;
  for (const u of ulimits ?? []) {
    const max = ceiling.hard.get(u.Name);
    if (max !== undefined && (u.Hard > max || u.Soft > max)) {
      throw new EngineError('INVALID_ARGUMENT',
        `ulimit ${u.Name}=${u.Soft}:${u.Hard} is above this host's hard limit of ${max} for ${u.Name}, which berthd cannot raise (it lacks CAP_SYS_RESOURCE); use at most ${max}`);
    }
  }
}
