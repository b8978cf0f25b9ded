import path from 'node:path';
import type { Mount } from '@berth/sdk';
import { EngineError } from '../errors.js';
import { invalidSpec, mountConfigError } from './mount-errors.js';
import { DEFAULT_PROPAGATION, PROPAGATION_MODES, hasNoCopy, propagationOf, readWrite, validMountMode } from './mount-modes.js';
import type { MountRecord } from './mount-point.js';
import { tmpfsData, tmpfsMountOptions } from './tmpfs-options.js';

/** A mount asked for at create, before its volume exists: `source` is a volume name (`''` for a new anonymous one). */
export interface MountRequest extends MountRecord {
  /** For a named volume the mount may create: its driver, options and labels. */
  volume?: { driver: string; options: Record<string, string> | null; labels: Record<string, string> | null };
}

/** Whether a host path exists (stat, following symlinks). */
export type PathExists = (hostPath: string) => boolean;

/** A container path for a mount: absolute, not `/`, clean, and not inside `/proc`. */
export function checkDestination(type: string, target: string): string {
  if (target === '') throw mountConfigError(type, 'field Target must not be empty');
  if (target.includes('\0')) throw mountConfigError(type, 'invalid mount path: it contains a NUL byte');
  const clean = path.posix.normalize(target.replaceAll('\\', '/'));
  if (clean === '/' || clean === '//') throw mountConfigError(type, "invalid specification: destination can't be '/'");
  if (!path.posix.isAbsolute(target)) throw mountConfigError(type, `invalid mount path: '${target}' mount path must be absolute`);
  const dest = clean.replace(/\/+$/, '');
  if (dest === '/proc' || dest.startsWith('/proc/')) throw mountConfigError(type, `invalid mount path: '${target}' may not be under /proc`);
  return dest;
}

/** `-v` / `HostConfig.Binds`: `name:/dst[:mode]`, `/host:/dst[:mode]` or `/dst`. */
export function parseBind(raw: string): MountRequest {
  const parts = splitN(raw, ':', 4);
  if (parts[0] === '') throw invalidSpec(raw);
  let source = '';
  let target: string;
  let mode = '';
  switch (parts.length) {
    case 1: target = parts[0]!; break;
    case 2:
      // `/dst:ro` names no source, and a volume cannot take a mode.
      if (validMountMode(parts[1]!)) throw invalidSpec(raw);
      [source, target] = parts as [string, string];
      break;
    case 3: [source, target, mode] = parts as [string, string, string]; break;
    default: throw invalidSpec(raw);
  }
  if (!validMountMode(mode)) throw new EngineError('INVALID_ARGUMENT', `invalid mode: ${mode}`);
  const bind = path.posix.isAbsolute(source);
  const propagation = propagationOf(mode);
  try {
    if (bind && hasNoCopy(mode)) throw mountConfigError('bind', 'field VolumeOptions must not be specified');
    if (!bind && propagation) throw mountConfigError('volume', 'field BindOptions must not be specified');
    const destination = checkDestination(bind ? 'bind' : 'volume', target);
    const rw = readWrite(mode);
    if (bind) {
      return { type: 'bind', source: checkSource(source), destination, mode, rw, propagation: propagation || DEFAULT_PROPAGATION, createSource: true };
    }
    return { type: 'volume', source, destination, mode: source === '' ? mode : mode || 'z', rw, propagation: '', copyData: !hasNoCopy(mode), anonymous: source === '' };
  } catch (err) {
    throw invalidSpec(raw, err);
  }
}

/** `--mount` / `HostConfig.Mounts`, checked as dockerd does; a bind source must exist unless asked to be created. */
export function parseMount(m: Mount, exists: PathExists): MountRequest {
  const type = m.Type ?? '';
  const destination = checkDestination(type, m.Target ?? '');
  const rw = !m.ReadOnly;
  const source = m.Source ?? '';
  switch (type) {
    case 'bind': {
      if (source === '') throw mountConfigError(type, 'field Source must not be empty');
      const propagation = m.BindOptions?.Propagation ?? '';
      if (propagation && !PROPAGATION_MODES.has(propagation)) throw mountConfigError(type, `invalid propagation mode: ${propagation}`);
      if (m.VolumeOptions) throw mountConfigError(type, 'field VolumeOptions must not be specified');
      if (m.TmpfsOptions) throw mountConfigError(type, 'field TmpfsOptions must not be specified');
      if (!path.posix.isAbsolute(source)) throw mountConfigError(type, `invalid mount path: '${source}' mount path must be absolute`);
      const create = m.BindOptions?.CreateMountpoint ?? false;
      if (!create && !exists(source)) throw mountConfigError(type, `bind source path does not exist: ${source}`);
      return {
        type, source: checkSource(source), destination, mode: '', rw, propagation: propagation || DEFAULT_PROPAGATION,
        createSource: create, ...(m.BindOptions?.NonRecursive ? { nonRecursive: true } : {}),
      };
    }
    case 'volume': {
      if (m.BindOptions) throw mountConfigError(type, 'field BindOptions must not be specified');
      if (m.TmpfsOptions) throw mountConfigError(type, 'field TmpfsOptions must not be specified');
      if (m.VolumeOptions?.Subpath) throw mountConfigError(type, 'volume subpaths are not supported');
      if (m.ReadOnly && source === '') throw mountConfigError(type, 'must not set ReadOnly mode when using anonymous volumes');
      const options = m.VolumeOptions?.DriverConfig?.Options;
      const labels = m.VolumeOptions?.Labels;
      return {
        type, source, destination, mode: 'z', rw, propagation: '', copyData: !m.VolumeOptions?.NoCopy, anonymous: source === '',
        volume: {
          driver: m.VolumeOptions?.DriverConfig?.Name || 'local',
          options: options && Object.keys(options).length > 0 ? options : null,
          labels: labels && Object.keys(labels).length > 0 ? labels : null,
        },
      };
    }
    case 'tmpfs': {
      if (m.BindOptions) throw mountConfigError(type, 'field BindOptions must not be specified');
      if (m.VolumeOptions) throw mountConfigError(type, 'field VolumeOptions must not be specified');
      if (source !== '') throw mountConfigError(type, 'field Source must not be specified');
      const data = tmpfsData(m.TmpfsOptions, m.ReadOnly ?? false);
      tmpfsMountOptions(data);
      return { type, source: '', destination, mode: '', rw, propagation: '', tmpfsOptions: data };
    }
    default:
      throw mountConfigError(type, 'mount type unknown');
  }
}

/** `--tmpfs /dst[:opts]` / `HostConfig.Tmpfs` entries; options checked now so a bad one fails create, not start. */
export function parseTmpfs(target: string, data: string): { destination: string; options: string } {
  const destination = checkDestination('tmpfs', target);
  tmpfsMountOptions(data);
  return { destination, options: data };
}

/** `--volumes-from container[:ro|rw]`. */
export function parseVolumesFrom(spec: string): { ref: string; rw: boolean } {
  if (spec === '') throw new EngineError('INVALID_ARGUMENT', 'volumes-from specification cannot be an empty string');
  const colon = spec.indexOf(':');
  const ref = colon < 0 ? spec : spec.slice(0, colon);
  const mode = colon < 0 ? '' : spec.slice(colon + 1);
  if (!validMountMode(mode)) throw new EngineError('INVALID_ARGUMENT', `invalid mode: ${mode}`);
  if (propagationOf(mode) || hasNoCopy(mode)) throw new EngineError('INVALID_ARGUMENT', `invalid mode: "${mode}"`);
  return { ref, rw: readWrite(mode) };
}

/** A bind source as given (a root daemon takes host paths from its users, as Docker does), cleaned. */
function checkSource(source: string): string {
  if (source.includes('\0')) throw mountConfigError('bind', 'invalid mount path: it contains a NUL byte');
  return path.posix.normalize(source).replace(/(.)\/+$/, '$1');
}

/** Go's strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}
