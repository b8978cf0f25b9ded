import path from 'node:path';
import { EngineError } from '../errors.js';
import { effectiveCapabilities } from './capabilities.js';
import { listHostDevices } from './host-devices.js';
import { hostInfo, type HostInfo } from './host-info.js';
import type { OciDevice, OciDeviceRule, OciMount, OciResources, OciRlimit, OciSpec } from './oci-spec.js';
import { defaultSeccompProfile } from './seccomp.js';

/** What the container service knows about a container when it writes its config.json. */
export interface SpecInput {
  /** Absolute path of the container's root filesystem (the overlay mount). */
  rootfs: string;
  args: string[];
  /** Image env merged with the container's; PATH and HOSTNAME are added when missing. */
  env: string[];
  cwd: string;
  user: { uid: number; gid: number; additionalGids: number[] };
  hostname: string;
  tty: boolean;
  consoleSize?: { height: number; width: number };
  readonlyRootfs?: boolean;
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  /** Bind mounts, volumes and tmpfs; one with the destination of a default mount replaces it. */
  mounts?: OciMount[];
  /** Host path of a static init (tini-static): run as pid 1 from /sbin/docker-init. */
  init?: string;
  /** Network namespace: a path to join, 'host' to share the host's; a new one when absent. */
  netns?: string;
  /** cgroupfs path for runc, e.g. "/berth/<id>". */
  cgroupsPath: string;
  /** Extra device nodes (--device). */
  devices?: OciDevice[];
  /** Overrides of the default rlimits (--ulimit), by type such as RLIMIT_NOFILE. */
  rlimits?: OciRlimit[];
  /** Memory, CPU and pids limits (--memory, --cpus, --pids-limit …) for linux.resources. */
  resources?: Pick<OciResources, 'memory' | 'cpu' | 'pids'>;
  /** --security-opt seccomp=unconfined turns the filter off. */
  seccomp?: 'default' | 'unconfined';
  /** --security-opt no-new-privileges. */
  noNewPrivileges?: boolean;
  sysctls?: Record<string, string>;
  annotations?: Record<string, string>;
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const INIT_PATH = '/sbin/docker-init';

export const MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
  '/sys/devices/virtual/powercap', '/proc/interrupts',
];

export const READONLY_PATHS: readonly string[] = [
  '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger',
];

/** Character devices every container may use (null zero full random urandom tty console ptmx pts). */
const DEVICE_RULES: OciDeviceRule[] = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
  ...[[1, 3], [1, 5], [1, 7], [1, 8], [1, 9], [5, 0], [5, 1], [5, 2]].map(
    ([major, minor]): OciDeviceRule => ({ allow: true, type: 'c', major, minor, access: 'rwm' }),
  ),
  { allow: true, type: 'c', major: 136, access: 'rwm' },
];

function defaultMounts(privileged: boolean): OciMount[] {
  const ro = privileged ? 'rw' : 'ro';
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: [ro, 'nosuid', 'noexec', 'nodev'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: [ro, 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
  ];
}

/** Docker's env order: PATH, HOSTNAME, TERM (with a tty), then the container's own, later wins. */
function buildEnv(input: SpecInput): string[] {
  const env = new Map<string, string>();
  env.set('PATH', `PATH=${DEFAULT_PATH}`);
  env.set('HOSTNAME', `HOSTNAME=${input.hostname}`);
  if (input.tty) env.set('TERM', 'TERM=xterm');
  for (const entry of input.env) {
    const eq = entry.indexOf('=');
    env.set(eq < 0 ? entry : entry.slice(0, eq), entry);
  }
  return [...env.values()];
}

function checkCwd(cwd: string): string {
  if (!path.posix.isAbsolute(cwd)) {
    throw new EngineError('INVALID_ARGUMENT', `working directory "${cwd}" is invalid: it must be an absolute path`);
  }
  const clean = path.posix.normalize(cwd);
  if (clean === '/proc' || clean.startsWith('/proc/')) {
    throw new EngineError('INVALID_ARGUMENT', `working directory "${cwd}" is invalid: it may not be under /proc`);
  }
  return clean;
}

/** Write the OCI runtime config for a container with Docker's default confinement. */
export function buildSpec(input: SpecInput, host: HostInfo = hostInfo()): OciSpec {
  const privileged = input.privileged ?? false;
  if (input.args.length === 0) {
    throw new EngineError('INVALID_ARGUMENT', 'no command specified: set Cmd or Entrypoint, or use an image that has one');
  }
  const cwd = checkCwd(input.cwd || '/');
  const caps = effectiveCapabilities({
    privileged, capAdd: input.capAdd, capDrop: input.capDrop, hostBounding: host.capBounding,
  });

  const mounts = defaultMounts(privileged);
  if (input.init) {
    mounts.push({ destination: INIT_PATH, type: 'bind', source: input.init, options: ['rbind', 'ro', 'nosuid', 'nodev'] });
  }
  // Parents before children (as dockerd sorts them), so a mount never hides one inside it.
  const depth = (m: OciMount): number => m.destination.split('/').filter(Boolean).length;
  for (const mount of [...(input.mounts ?? [])].sort((a, b) => depth(a) - depth(b))) {
    const dest = path.posix.normalize(mount.destination).replace(/(.)\/+$/, '$1');
    const at = mounts.findIndex((m) => m.destination === dest);
    if (at >= 0) mounts.splice(at, 1);
    mounts.push({ ...mount, destination: dest });
  }

  const nofileHard = Math.max(1, host.nofileHard);
  const rlimits = new Map<string, OciRlimit>([
    ['RLIMIT_NOFILE', { type: 'RLIMIT_NOFILE', soft: Math.min(1024, nofileHard), hard: nofileHard }],
  ]);
  for (const limit of input.rlimits ?? []) rlimits.set(limit.type, limit);

  const devices: OciDevice[] = [...(privileged ? listHostDevices() : []), ...(input.devices ?? [])];
  const deviceRules: OciDeviceRule[] = privileged
    ? [{ allow: true, access: 'rwm' }]
    : [...DEVICE_RULES, ...(input.devices ?? []).map((d): OciDeviceRule => ({
        allow: true, type: d.type === 'b' ? 'b' : 'c', major: d.major, minor: d.minor, access: 'rwm',
      }))];

  const spec: OciSpec = {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: input.tty,
      ...(input.tty && input.consoleSize ? { consoleSize: input.consoleSize } : {}),
      user: { uid: input.user.uid, gid: input.user.gid, additionalGids: input.user.additionalGids },
      args: input.init ? [INIT_PATH, '--', ...input.args] : [...input.args],
      env: buildEnv(input),
      cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      rlimits: [...rlimits.values()],
      noNewPrivileges: input.noNewPrivileges ?? false,
    },
    root: { path: input.rootfs, readonly: input.readonlyRootfs ?? false },
    hostname: input.hostname,
    mounts,
    linux: {
      namespaces: [
        { type: 'mount' },
        ...(input.netns === 'host' ? [] : [{ type: 'network' as const, ...(input.netns ? { path: input.netns } : {}) }]),
        { type: 'uts' }, { type: 'pid' }, { type: 'ipc' },
      ],
      devices,
      cgroupsPath: input.cgroupsPath,
      resources: { devices: deviceRules, ...input.resources },
      ...(input.sysctls ? { sysctl: input.sysctls } : {}),
    },
    ...(input.annotations ? { annotations: input.annotations } : {}),
  };
  if (!privileged) {
    spec.linux.maskedPaths = [...MASKED_PATHS];
    spec.linux.readonlyPaths = [...READONLY_PATHS];
    if (input.seccomp !== 'unconfined') spec.linux.seccomp = defaultSeccompProfile(caps);
  }
  return spec;
}
