import { readFileSync } from 'node:fs';
import { capabilitiesFromMask } from './capabilities.js';

/** What the host lets the daemon hand to containers. */
export interface HostInfo {
  /** Capability names in the daemon's own bounding set (--privileged grants only these). */
  capBounding: string[];
  /** The daemon's hard RLIMIT_NOFILE; a container cannot be given more. */
  nofileHard: number;
}

/** Parse /proc/self/status and /proc/self/limits text into a HostInfo. */
export function parseHostInfo(status: string, limits: string): HostInfo {
  const capBnd = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  const nofile = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  const hard = nofile?.[2];
  return {
    capBounding: capBnd ? capabilitiesFromMask(capBnd) : [],
    nofileHard: hard === undefined ? 1024 : hard === 'unlimited' ? 1048576 : Number(hard),
  };
}

let cached: HostInfo | undefined;

/** The running daemon's HostInfo, read once from /proc/self. */
export function hostInfo(): HostInfo {
  cached ??= parseHostInfo(
    readFileSync('/proc/self/status', 'utf8'),
    readFileSync('/proc/self/limits', 'utf8'),
  );
  return cached;
}
