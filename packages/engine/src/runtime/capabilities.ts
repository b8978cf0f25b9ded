import { EngineError } from '../errors.js';

/** Linux capability names, indexed by capability number (linux/capability.h). */
export const CAPABILITY_NAMES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** Docker's default capability set (CapEff 00000000a80425fb). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** Capability names whose bits are set in a hex mask as printed in /proc/PID/status. */
export function capabilitiesFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim()}`);
  return CAPABILITY_NAMES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

/** The mask /proc/PID/status would print for a set of capability names (16 hex digits). */
export function capabilityMask(names: readonly string[]): string {
  let mask = 0n;
  for (const name of names) {
    const bit = CAPABILITY_NAMES.indexOf(name);
    if (bit >= 0) mask |= 1n << BigInt(bit);
  }
  return mask.toString(16).padStart(16, '0');
}

function normalize(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return upper;
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!CAPABILITY_NAMES.includes(full)) {
    throw new EngineError('INVALID_ARGUMENT', `unknown capability: "${name}"`);
  }
  return full;
}

/**
 * Docker's --cap-add/--cap-drop rules over the default set ("ALL" allowed on either side,
 * names with or without the CAP_ prefix, any case), limited to what the host can grant.
 */
export function effectiveCapabilities(opts: {
  privileged?: boolean;
  capAdd?: readonly string[];
  capDrop?: readonly string[];
  hostBounding: readonly string[];
}): string[] {
  const add = (opts.capAdd ?? []).map(normalize);
  const drop = (opts.capDrop ?? []).map(normalize);
  let caps: string[];
  if (opts.privileged || add.includes('ALL')) {
    caps = [...CAPABILITY_NAMES];
  } else {
    caps = drop.includes('ALL') ? [] : [...DEFAULT_CAPABILITIES];
    for (const name of add) if (!caps.includes(name)) caps.push(name);
  }
  if (!opts.privileged) {
    caps = caps.filter((name) => !drop.includes(name) || add.includes(name));
  }
  return caps.filter((name) => opts.hostBounding.includes(name));
}
