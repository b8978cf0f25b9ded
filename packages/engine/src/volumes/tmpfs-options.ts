import type { Mount } from '@berth/sdk';
import { EngineError } from '../errors.js';

/** Mount flags that may appear in tmpfs options; each pair sets or clears one flag. */
const FLAG_KEYS: Record<string, string> = {
  ro: 'rdonly', rw: 'rdonly', suid: 'nosuid', nosuid: 'nosuid', dev: 'nodev', nodev: 'nodev',
  exec: 'noexec', noexec: 'noexec', sync: 'sync', async: 'sync', dirsync: 'dirsync',
  mand: 'mand', nomand: 'mand', atime: 'noatime', noatime: 'noatime', diratime: 'nodiratime', nodiratime: 'nodiratime',
  relatime: 'relatime', norelatime: 'relatime', strictatime: 'strictatime', nostrictatime: 'strictatime',
  private: 'propagation', rprivate: 'propagation', shared: 'propagation', rshared: 'propagation',
  slave: 'propagation', rslave: 'propagation', unbindable: 'propagation', runbindable: 'propagation',
};
const DATA_KEYS = new Set(['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol']);

/** What Docker puts before the user's tmpfs options. */
export const TMPFS_DEFAULTS = ['noexec', 'nosuid', 'nodev', 'rprivate'];

/**
 * dockerd's MergeTmpfsOptions: later options win over earlier ones of the same flag or key, and
 * only known flags and `size mode uid gid nr_inodes nr_blocks mpol` data are allowed.
 */
export function mergeTmpfsOptions(options: string[]): string[] {
  const seen = new Set<string>();
  const merged: string[] = [];
  for (const option of [...options].reverse()) {
    if (option === 'defaults' || option === '') continue;
    const eq = option.indexOf('=');
    const key = FLAG_KEYS[option] ?? (eq > 0 && DATA_KEYS.has(option.slice(0, eq)) ? `=${option.slice(0, eq)}` : undefined);
    if (key === undefined || /[\0\n]/.test(option)) {
      throw new EngineError('INVALID_ARGUMENT', `invalid tmpfs option ${JSON.stringify(option)}`);
    }
    if (seen.has(key)) continue;
    seen.add(key);
    merged.unshift(option);
  }
  return merged;
}

/** `--mount type=tmpfs,tmpfs-size=…,tmpfs-mode=…` as a mount data string (dockerd's ConvertTmpfsOptions). */
export function tmpfsData(options: Mount['TmpfsOptions'], readOnly: boolean): string {
  const raw: string[] = readOnly ? ['ro'] : [];
  const mode = options?.Mode ?? 0;
  if (mode !== 0) {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new EngineError('INVALID_ARGUMENT', `invalid tmpfs mode ${mode}`);
    raw.push(`mode=${mode.toString(8)}`);
  }
  const bytes = options?.SizeBytes ?? 0;
  if (bytes !== 0) {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new EngineError('INVALID_ARGUMENT', `invalid tmpfs size ${bytes}`);
    const unit = ([['g', 2 ** 30], ['m', 2 ** 20], ['k', 2 ** 10]] as const).find(([, d]) => bytes % d === 0);
    raw.push(unit ? `size=${bytes / unit[1]}${unit[0]}` : `size=${bytes}`);
  }
  for (const option of options?.Options ?? []) {
    if (option.length === 1) raw.push(option[0]!);
    else if (option.length === 2) raw.push(`${option[0]}=${option[1]}`);
    else throw new EngineError('INVALID_ARGUMENT', `invalid tmpfs option ${JSON.stringify(option)}`);
  }
  return raw.join(',');
}

/** The OCI mount options of a tmpfs with `data` from the user (validated). */
export function tmpfsMountOptions(data: string): string[] {
  return mergeTmpfsOptions([...TMPFS_DEFAULTS, ...(data ? data.split(',') : [])]);
}
